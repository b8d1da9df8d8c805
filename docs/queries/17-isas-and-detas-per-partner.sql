-- Japan's information security (ISA) and equipment transfer (DETA) agreements,
-- per partner: how many lineages were signed and how many in force at the end
-- of the coverage (its last year in dyad_year_panel).
--
-- The balanced panel has every partner, so a partner with none shows 0
-- (both types are collected for Japan); a state with neither is left out here.
SELECT
    CASE WHEN p.iso3_1 = 'JPN' THEN p.iso3_2 ELSE p.iso3_1 END AS partner_iso3,
    CASE WHEN p.iso3_1 = 'JPN' THEN p.name2 ELSE p.name1 END AS partner,
    p.isa_signed,
    p.isa_in_force,
    p.deta_signed,
    p.deta_in_force,
    p.review_status
FROM dyad_year_panel p
WHERE (p.iso3_1 = 'JPN' OR p.iso3_2 = 'JPN')
  AND p.year = (SELECT MAX(year) FROM dyad_year_panel)
  AND (p.isa_signed > 0 OR p.deta_signed > 0)
ORDER BY p.isa_signed + p.deta_signed DESC, partner_iso3;

-- Expected result on the seeded data (fixtures/seed, dataset version 0.1.0):
--
-- | partner_iso3 | partner | isa_signed | isa_in_force | deta_signed | deta_in_force | review_status |
-- |---|---|---|---|---|---|---|
-- | AUS | Australia | 1 | 1 | 1 | 1 | needs_review |
-- | CAN | Canada | 1 | 0 | 1 | 0 | needs_review |
-- | DEU | Germany | 1 | 1 | 1 | 1 | needs_review |
-- | FRA | France | 1 | 1 | 1 | 1 | verified |
-- | GBR | United Kingdom | 1 | 1 | 1 | 0 | needs_review |
-- | IND | India | 1 | 1 | 1 | 0 | needs_review |
-- | ITA | Italy | 1 | 1 | 1 | 0 | needs_review |
-- | USA | United States | 1 | 1 | 1 | 1 | needs_review |
-- | ARE | United Arab Emirates | 0 | 0 | 1 | 1 | needs_review |
-- | IDN | Indonesia | 0 | 0 | 1 | 1 | disputed |
-- | KOR | South Korea | 1 | 1 | 0 | 0 | needs_review |
-- | MNG | Mongolia | 0 | 0 | 1 | 1 | needs_review |
-- | MYS | Malaysia | 0 | 0 | 1 | 0 | verified |
-- | NZL | New Zealand | 1 | 0 | 0 | 0 | needs_review |
-- | PHL | Philippines | 0 | 0 | 1 | 0 | needs_review |
-- | SGP | Singapore | 0 | 0 | 1 | 1 | verified |
-- | SWE | Sweden | 0 | 0 | 1 | 1 | verified |
-- | THA | Thailand | 0 | 0 | 1 | 0 | needs_review |
-- | UKR | Ukraine | 1 | 0 | 0 | 0 | disputed |
-- | VNM | Vietnam | 0 | 0 | 1 | 1 | needs_review |
