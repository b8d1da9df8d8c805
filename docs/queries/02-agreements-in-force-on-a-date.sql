-- Which agreements were in force on 1 January 2024?
--
-- In force on a day: took effect on or before it, and neither ended nor was
-- replaced by then. A month- or year-precision date stands for its first day
-- (the precision column says when that matters). agreement_status holds the
-- dates behind each agreement's status.
SELECT
    agreement_slug,
    type_code,
    entry_into_force_date,
    entry_into_force_date_precision,
    entry_into_force_basis
FROM agreement_status
WHERE entry_into_force_date <= '2024-01-01'
  AND (end_date IS NULL OR end_date > '2024-01-01')
  AND (superseded_date IS NULL OR superseded_date > '2024-01-01')
ORDER BY entry_into_force_date, agreement_slug;

-- Expected result on the seeded data (fixtures/seed, dataset version 0.1.0):
--
-- | agreement_slug | type_code | entry_into_force_date | entry_into_force_date_precision | entry_into_force_basis |
-- |---|---|---|---|---|
-- | gsomia-jpn-usa-2007 | ISA | 2007-08-01 | month | entry_into_force |
-- | isa-nato-jpn-2010 | ISA | 2010-06-01 | month | entry_into_force |
-- | isa-jpn-fra-2011 | ISA | 2011-10-24 | day | entry_into_force |
-- | isa-jpn-aus-2012 | ISA | 2013-03-22 | day | entry_into_force |
-- | isa-jpn-gbr-2013 | ISA | 2014-01-01 | month | entry_into_force |
-- | deta-jpn-aus-2014 | DETA | 2014-12-01 | month | entry_into_force |
-- | isa-jpn-ind-2015 | ISA | 2015-12-01 | month | entry_into_force |
-- | isa-jpn-ita-2016 | ISA | 2016-06-07 | day | entry_into_force |
-- | gsomia-jpn-kor-2016 | ISA | 2016-11-23 | day | entry_into_force |
-- | deta-jpn-fra-2015 | DETA | 2016-12-01 | day | entry_into_force |
-- | acsa-jpn-gbr-2017 | ACSA | 2017-01-01 | year | entry_into_force |
-- | acsa-jpn-usa-2016 | ACSA | 2017-04-25 | day | entry_into_force |
-- | deta-jpn-deu-2017 | DETA | 2017-07-17 | day | entry_into_force |
-- | acsa-jpn-aus-2017 | ACSA | 2017-09-06 | day | entry_into_force |
-- | acsa-jpn-fra-2018 | ACSA | 2019-06-26 | day | entry_into_force |
-- | acsa-jpn-can-2018 | ACSA | 2019-07-01 | month | entry_into_force |
-- | deta-jpn-vnm-2021 | DETA | 2021-01-01 | year | entry_into_force |
-- | isa-jpn-deu-2021 | ISA | 2021-03-22 | day | entry_into_force |
-- | deta-jpn-idn-2021 | DETA | 2021-03-30 | day | entry_into_force |
-- | acsa-jpn-ind-2020 | ACSA | 2021-07-11 | day | entry_into_force |
-- | deta-jpn-swe-2022 | DETA | 2022-12-19 | day | entry_into_force |
-- | deta-jpn-sgp-2023 | DETA | 2023-06-03 | day | entry_into_force |
-- | itpp-nato-jpn-2023 | PARTNERSHIP | 2023-07-12 | day | adoption |
-- | raa-jpn-aus-2022 | RAA | 2023-08-13 | day | entry_into_force |
-- | raa-jpn-gbr-2023 | RAA | 2023-10-15 | day | entry_into_force |
-- | missile-warning-jpn-kor-usa-2023 | DATA_SHARING | 2023-12-19 | day | activation |
