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
-- | 2 | USA | United States | 7 | 8 | 1 | 0 |
-- | 900 | AUS | Australia | 4 | 4 | 1 | 1 |
-- | 200 | GBR | United Kingdom | 3 | 4 | 1 | 1 |
-- | 220 | FRA | France | 3 | 3 | 1 | 0 |
-- | 255 | DEU | Germany | 3 | 3 | 1 | 0 |
-- | 325 | ITA | Italy | 2 | 3 | 1 | 0 |
-- | 732 | KOR | South Korea | 2 | 3 | 0 | 0 |
-- | 750 | IND | India | 2 | 3 | 1 | 0 |
-- | 20 | CAN | Canada | 1 | 2 | 1 | 0 |
-- | 840 | PHL | Philippines | 1 | 2 | 0 | 1 |
-- | 380 | SWE | Sweden | 1 | 1 | 0 | 0 |
-- | 696 | ARE | United Arab Emirates | 1 | 1 | 0 | 0 |
-- | 712 | MNG | Mongolia | 1 | 1 | 0 | 0 |
-- | 816 | VNM | Vietnam | 1 | 1 | 0 | 0 |
-- | 830 | SGP | Singapore | 1 | 1 | 0 | 0 |
-- | 850 | IDN | Indonesia | 1 | 1 | 0 | 0 |
-- | 920 | NZL | New Zealand | 0 | 2 | 0 | 0 |
-- | 210 | NLD | Netherlands | 0 | 1 | 0 | 0 |
-- | 369 | UKR | Ukraine | 0 | 1 | 0 | 0 |
-- | 800 | THA | Thailand | 0 | 1 | 0 | 0 |
-- | 820 | MYS | Malaysia | 0 | 1 | 0 | 0 |
