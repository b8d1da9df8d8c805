-- With which states did Japan exercise most often (exercises held, observers left out)?
SELECT
    CASE WHEN iso3_1 = 'JPN' THEN ccode2 ELSE ccode1 END AS partner_ccode,
    CASE WHEN iso3_1 = 'JPN' THEN iso3_2 ELSE iso3_1 END AS partner_iso3,
    COUNT(*) AS exercises,
    MIN(start_year) AS first_year,
    MAX(start_year) AS last_year
FROM exercise_dyad
WHERE 'JPN' IN (iso3_1, iso3_2)
  AND status = 'held'
  AND role1 <> 'observer' AND role2 <> 'observer'
GROUP BY CASE WHEN iso3_1 = 'JPN' THEN ccode2 ELSE ccode1 END, CASE WHEN iso3_1 = 'JPN' THEN iso3_2 ELSE iso3_1 END
ORDER BY exercises DESC, partner_ccode;

-- Expected result on the seeded data (fixtures/seed, dataset version 0.1.0):
--
-- | partner_ccode | partner_iso3 | exercises | first_year | last_year |
-- |---|---|---|---|---|
-- | 2 | USA | 8 | 2023 | 2025 |
-- | 732 | KOR | 8 | 2022 | 2024 |
-- | 255 | DEU | 4 | 2022 | 2025 |
-- | 900 | AUS | 4 | 2022 | 2024 |
-- | 200 | GBR | 2 | 2016 | 2025 |
-- | 220 | FRA | 2 | 2023 | 2024 |
-- | 20 | CAN | 1 | 2025 | 2025 |
-- | 230 | ESP | 1 | 2024 | 2024 |
-- | 325 | ITA | 1 | 2023 | 2023 |
