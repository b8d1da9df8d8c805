-- Japan's ACSA partners, in the order of their first signature.
--
-- agreement_dyad has one row per agreement and pair of states; the partner is
-- whichever state of the pair is not Japan. A replaced text (Japan–US 2016,
-- Japan–Australia 2017) does not move its partner: the first signature counts.
WITH japan_acsa AS (
    SELECT
        CASE WHEN iso3_1 = 'JPN' THEN iso3_2 ELSE iso3_1 END AS partner_iso3,
        CASE WHEN iso3_1 = 'JPN' THEN ccode2 ELSE ccode1 END AS partner_ccode,
        CASE WHEN iso3_1 = 'JPN' THEN name2 ELSE name1 END AS partner,
        agreement_slug,
        signature_date,
        signature_date_precision
    FROM agreement_dyad
    WHERE type_code = 'ACSA' AND 'JPN' IN (iso3_1, iso3_2) AND signature_date IS NOT NULL
),
first_signature AS (
    SELECT
        japan_acsa.*,
        ROW_NUMBER() OVER (PARTITION BY partner_iso3 ORDER BY signature_date) AS nth
    FROM japan_acsa
)
SELECT
    ROW_NUMBER() OVER (ORDER BY signature_date) AS partner_order,
    partner_iso3,
    partner_ccode,
    partner,
    signature_date AS first_signed,
    signature_date_precision AS precision,
    agreement_slug AS first_agreement
FROM first_signature
WHERE nth = 1
ORDER BY signature_date;

-- Expected result on the seeded data (fixtures/seed, dataset version 0.1.0):
--
-- | partner_order | partner_iso3 | partner_ccode | partner | first_signed | precision | first_agreement |
-- |---|---|---|---|---|---|---|
-- | 1 | USA | 2 | United States | 1996-04-15 | day | acsa-jpn-usa-1996 |
-- | 2 | AUS | 900 | Australia | 2010-05-19 | day | acsa-jpn-aus-2010 |
-- | 3 | GBR | 200 | United Kingdom | 2017-01-26 | day | acsa-jpn-gbr-2017 |
-- | 4 | CAN | 20 | Canada | 2018-04-21 | day | acsa-jpn-can-2018 |
-- | 5 | FRA | 220 | France | 2018-07-13 | day | acsa-jpn-fra-2018 |
-- | 6 | IND | 750 | India | 2020-09-09 | day | acsa-jpn-ind-2020 |
-- | 7 | DEU | 255 | Germany | 2024-01-29 | day | acsa-jpn-deu-2024 |
-- | 8 | ITA | 325 | Italy | 2024-11-25 | day | acsa-jpn-ita-2024 |
-- | 9 | NLD | 210 | Netherlands | 2025-12-18 | day | acsa-jpn-nld-2025 |
-- | 10 | NZL | 920 | New Zealand | 2025-12-19 | day | acsa-jpn-nzl-2025 |
-- | 11 | PHL | 840 | Philippines | 2026-01-15 | day | acsa-jpn-phl-2026 |
