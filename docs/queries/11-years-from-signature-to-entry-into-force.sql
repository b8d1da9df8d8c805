-- How many calendar years passed between signature and entry into force?
--
-- Counted in calendar years (2016 → 2017 is 1) by joining calendar_year to
-- each date, which works for day, month and year precision alike.
SELECT
    s.agreement_slug,
    s.type_code,
    signed.year AS signed_in,
    in_force.year AS in_force_in,
    in_force.year - signed.year AS years
FROM agreement_status s
JOIN calendar_year signed ON s.signature_date BETWEEN signed.starts_on AND signed.ends_on
JOIN calendar_year in_force ON s.entry_into_force_date BETWEEN in_force.starts_on AND in_force.ends_on
WHERE s.entry_into_force_basis = 'entry_into_force'
ORDER BY s.signature_date, s.agreement_slug;

-- Expected result on the seeded data (fixtures/seed, dataset version 0.1.0):
--
-- | agreement_slug | type_code | signed_in | in_force_in | years |
-- |---|---|---|---|---|
-- | acsa-jpn-usa-1996 | ACSA | 1996 | 1996 | 0 |
-- | gsomia-jpn-usa-2007 | ISA | 2007 | 2007 | 0 |
-- | acsa-jpn-aus-2010 | ACSA | 2010 | 2013 | 3 |
-- | isa-nato-jpn-2010 | ISA | 2010 | 2010 | 0 |
-- | isa-jpn-fra-2011 | ISA | 2011 | 2011 | 0 |
-- | isa-jpn-aus-2012 | ISA | 2012 | 2013 | 1 |
-- | isa-jpn-gbr-2013 | ISA | 2013 | 2014 | 1 |
-- | deta-jpn-aus-2014 | DETA | 2014 | 2014 | 0 |
-- | deta-jpn-fra-2015 | DETA | 2015 | 2016 | 1 |
-- | isa-jpn-ind-2015 | ISA | 2015 | 2015 | 0 |
-- | isa-jpn-ita-2016 | ISA | 2016 | 2016 | 0 |
-- | acsa-jpn-usa-2016 | ACSA | 2016 | 2017 | 1 |
-- | gsomia-jpn-kor-2016 | ISA | 2016 | 2016 | 0 |
-- | acsa-jpn-aus-2017 | ACSA | 2017 | 2017 | 0 |
-- | acsa-jpn-gbr-2017 | ACSA | 2017 | 2017 | 0 |
-- | deta-jpn-deu-2017 | DETA | 2017 | 2017 | 0 |
-- | acsa-jpn-can-2018 | ACSA | 2018 | 2019 | 1 |
-- | acsa-jpn-fra-2018 | ACSA | 2018 | 2019 | 1 |
-- | acsa-jpn-ind-2020 | ACSA | 2020 | 2021 | 1 |
-- | isa-jpn-deu-2021 | ISA | 2021 | 2021 | 0 |
-- | deta-jpn-idn-2021 | DETA | 2021 | 2021 | 0 |
-- | deta-jpn-vnm-2021 | DETA | 2021 | 2021 | 0 |
-- | raa-jpn-aus-2022 | RAA | 2022 | 2023 | 1 |
-- | deta-jpn-swe-2022 | DETA | 2022 | 2022 | 0 |
-- | raa-jpn-gbr-2023 | RAA | 2023 | 2023 | 0 |
-- | deta-jpn-are-2023 | DETA | 2023 | 2024 | 1 |
-- | deta-jpn-sgp-2023 | DETA | 2023 | 2023 | 0 |
-- | acsa-jpn-deu-2024 | ACSA | 2024 | 2024 | 0 |
-- | raa-jpn-phl-2024 | RAA | 2024 | 2025 | 1 |
-- | acsa-jpn-ita-2024 | ACSA | 2024 | 2025 | 1 |
-- | deta-jpn-mng-2024 | DETA | 2024 | 2025 | 1 |
