-- How many information security agreements (ISA) and defence equipment and technology transfer
-- agreements (DETA) has Japan signed with each partner?
--
-- One row per partner (a state, or NATO as an organization), counting signed agreements of each
-- type; a text replaced by a later one (the 1983 US notes, replaced in 2006) is not counted again.
-- Programme-specific US notes on classified information have their own type (ISA_PROGRAMME) and
-- are not counted as ISAs, as Japan's foreign ministry does not count them. Agreements under
-- negotiation (no signature) are left out.
SELECT
    COALESCE(c.iso3, o.acronym) AS partner,
    SUM(CASE WHEN t.code = 'ISA' THEN 1 ELSE 0 END) AS isas,
    SUM(CASE WHEN t.code = 'DETA' THEN 1 ELSE 0 END) AS detas
FROM agreement a
JOIN agreement_type t ON t.id = a.type_id
JOIN agreement_party p ON p.agreement_id = a.id
LEFT JOIN country c ON c.id = p.country_id
LEFT JOIN organization o ON o.id = p.organization_id
WHERE t.code IN ('ISA', 'DETA')
  AND COALESCE(c.iso3, '') <> 'JPN'
  AND EXISTS (
      SELECT 1 FROM agreement_event s WHERE s.agreement_id = a.id AND s.kind = 'signature'
  )
  AND NOT EXISTS (SELECT 1 FROM agreement later WHERE later.supersedes_id = a.id)
GROUP BY COALESCE(c.iso3, o.acronym)
ORDER BY COUNT(*) DESC, partner;

-- Expected result on the seeded data (fixtures/seed, dataset version 0.1.0):
--
-- | partner | isas | detas |
-- |---|---|---|
-- | AUS | 1 | 1 |
-- | CAN | 1 | 1 |
-- | DEU | 1 | 1 |
-- | FRA | 1 | 1 |
-- | GBR | 1 | 1 |
-- | IND | 1 | 1 |
-- | ITA | 1 | 1 |
-- | USA | 1 | 1 |
-- | ARE | 0 | 1 |
-- | IDN | 0 | 1 |
-- | KOR | 1 | 0 |
-- | MNG | 0 | 1 |
-- | MYS | 0 | 1 |
-- | NATO | 1 | 0 |
-- | NZL | 1 | 0 |
-- | PHL | 0 | 1 |
-- | SGP | 0 | 1 |
-- | SWE | 0 | 1 |
-- | THA | 0 | 1 |
-- | UKR | 1 | 0 |
-- | VNM | 0 | 1 |
