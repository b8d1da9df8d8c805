-- Japan's ACSA partners at the end of 2025: counting every record, and
-- counting verified records only.
--
-- A curator's draft or a record still awaiting review counts in the views at
-- once; review_status says what each row counts. To restrict to verified
-- facts, count the rows of dyad_year_agreement whose review_status is
-- verified (lineages, as dyad_year does).
SELECT
    CASE WHEN iso3_1 = 'JPN' THEN iso3_2 ELSE iso3_1 END AS partner_iso3,
    COUNT(DISTINCT CASE WHEN in_force = 1 THEN lineage_id END) AS acsa_in_force,
    COUNT(DISTINCT CASE WHEN in_force = 1 AND review_status = 'verified' THEN lineage_id END)
        AS verified_acsa_in_force
FROM dyad_year_agreement
WHERE year = 2025 AND type_code = 'ACSA' AND (iso3_1 = 'JPN' OR iso3_2 = 'JPN')
GROUP BY CASE WHEN iso3_1 = 'JPN' THEN iso3_2 ELSE iso3_1 END
ORDER BY partner_iso3;

-- Expected result on the seeded data (fixtures/seed, dataset version 0.1.0):
--
-- | partner_iso3 | acsa_in_force | verified_acsa_in_force |
-- |---|---|---|
-- | AUS | 1 | 1 |
-- | CAN | 1 | 0 |
-- | DEU | 1 | 1 |
-- | FRA | 1 | 1 |
-- | GBR | 1 | 0 |
-- | IND | 1 | 0 |
-- | ITA | 1 | 0 |
-- | NLD | 0 | 0 |
-- | NZL | 0 | 0 |
-- | USA | 1 | 1 |
