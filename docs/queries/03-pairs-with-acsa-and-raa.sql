-- Which pairs of states have signed both an ACSA and a reciprocal access agreement?
--
-- One row per pair (ccode1 < ccode2), with the first signature of each type.
-- Talks that have not reached a signature (Japan–France RAA) do not count.
SELECT
    ccode1,
    iso3_1,
    ccode2,
    iso3_2,
    MIN(CASE WHEN type_code = 'ACSA' THEN signature_date END) AS first_acsa_signed,
    MIN(CASE WHEN type_code = 'RAA' THEN signature_date END) AS first_raa_signed
FROM agreement_dyad
WHERE type_code IN ('ACSA', 'RAA') AND signature_date IS NOT NULL
GROUP BY ccode1, iso3_1, ccode2, iso3_2
HAVING COUNT(DISTINCT type_code) = 2
ORDER BY ccode1, ccode2;

-- Expected result on the seeded data (fixtures/seed, dataset version 0.1.0):
--
-- | ccode1 | iso3_1 | ccode2 | iso3_2 | first_acsa_signed | first_raa_signed |
-- |---|---|---|---|---|---|
-- | 200 | GBR | 740 | JPN | 2017-01-26 | 2023-01-11 |
-- | 740 | JPN | 840 | PHL | 2026-01-15 | 2024-07-08 |
-- | 740 | JPN | 900 | AUS | 2010-05-19 | 2022-01-06 |
