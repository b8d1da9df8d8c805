-- The Japan–Australia dyad, year by year: agreements in force and signed, by type.
--
-- "In force" in a year: in force by 31 December and not ended before
-- 1 January; "signed": signed by 31 December (in force or not) and not ended
-- before 1 January. Counts are of lineages: the 2010 ACSA and the 2017 text
-- that replaced it are one lineage, so 2017 has one ACSA, not two.
-- There is no row for 2009: the pair's rows start in the year of its first
-- agreement (2010), and a missing year means nothing recorded, not zero.
SELECT
    year,
    in_force,
    signed,
    acsa_in_force,
    acsa_signed,
    raa_in_force,
    raa_signed
FROM dyad_year
WHERE iso3_1 = 'JPN' AND iso3_2 = 'AUS' AND year BETWEEN 2009 AND 2025
ORDER BY year;

-- Expected result on the seeded data (fixtures/seed, dataset version 0.1.0):
--
-- | year | in_force | signed | acsa_in_force | acsa_signed | raa_in_force | raa_signed |
-- |---|---|---|---|---|---|---|
-- | 2010 | 0 | 1 | 0 | 1 | 0 | 0 |
-- | 2011 | 0 | 1 | 0 | 1 | 0 | 0 |
-- | 2012 | 0 | 2 | 0 | 1 | 0 | 0 |
-- | 2013 | 2 | 2 | 1 | 1 | 0 | 0 |
-- | 2014 | 3 | 3 | 1 | 1 | 0 | 0 |
-- | 2015 | 3 | 3 | 1 | 1 | 0 | 0 |
-- | 2016 | 3 | 3 | 1 | 1 | 0 | 0 |
-- | 2017 | 3 | 3 | 1 | 1 | 0 | 0 |
-- | 2018 | 3 | 3 | 1 | 1 | 0 | 0 |
-- | 2019 | 3 | 3 | 1 | 1 | 0 | 0 |
-- | 2020 | 3 | 3 | 1 | 1 | 0 | 0 |
-- | 2021 | 3 | 3 | 1 | 1 | 0 | 0 |
-- | 2022 | 3 | 4 | 1 | 1 | 0 | 1 |
-- | 2023 | 4 | 4 | 1 | 1 | 1 | 1 |
-- | 2024 | 4 | 4 | 1 | 1 | 1 | 1 |
-- | 2025 | 4 | 4 | 1 | 1 | 1 | 1 |
