-- Japan's partners at the end of 2025: agreements in force and signed with each.
--
-- dyad_year_directed lists each pair both ways, so Japan can be fixed as the
-- first state without a CASE on which side it sits.
SELECT
    ccode2 AS partner_ccode,
    iso3_2 AS partner_iso3,
    name2 AS partner,
    in_force,
    signed,
    acsa_in_force,
    raa_in_force
FROM dyad_year_directed
WHERE iso3_1 = 'JPN' AND year = 2025
ORDER BY in_force DESC, signed DESC, ccode2;

-- Expected result on the seeded data (fixtures/seed, dataset version 0.1.0):
--
-- | partner_ccode | partner_iso3 | partner | in_force | signed | acsa_in_force | raa_in_force |
-- |---|---|---|---|---|---|---|
-- | 2 | USA | United States | 2 | 3 | 1 | 0 |
-- | 200 | GBR | United Kingdom | 2 | 2 | 1 | 1 |
-- | 900 | AUS | Australia | 2 | 2 | 1 | 1 |
-- | 732 | KOR | South Korea | 1 | 3 | 0 | 0 |
-- | 20 | CAN | Canada | 1 | 1 | 1 | 0 |
-- | 220 | FRA | France | 1 | 1 | 1 | 0 |
-- | 255 | DEU | Germany | 1 | 1 | 1 | 0 |
-- | 325 | ITA | Italy | 1 | 1 | 1 | 0 |
-- | 750 | IND | India | 1 | 1 | 1 | 0 |
-- | 840 | PHL | Philippines | 1 | 1 | 0 | 1 |
-- | 210 | NLD | Netherlands | 0 | 1 | 0 | 0 |
-- | 920 | NZL | New Zealand | 0 | 1 | 0 | 0 |
