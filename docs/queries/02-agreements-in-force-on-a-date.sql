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
-- | acsa-jpn-gbr-2017 | ACSA | 2017-01-01 | year | entry_into_force |
-- | acsa-jpn-usa-2016 | ACSA | 2017-04-25 | day | entry_into_force |
-- | acsa-jpn-aus-2017 | ACSA | 2017-09-06 | day | entry_into_force |
-- | acsa-jpn-fra-2018 | ACSA | 2019-06-26 | day | entry_into_force |
-- | acsa-jpn-can-2018 | ACSA | 2019-07-01 | month | entry_into_force |
-- | acsa-jpn-ind-2020 | ACSA | 2021-07-11 | day | entry_into_force |
-- | itpp-nato-jpn-2023 | PARTNERSHIP | 2023-07-12 | day | adoption |
-- | raa-jpn-aus-2022 | RAA | 2023-08-13 | day | entry_into_force |
-- | raa-jpn-gbr-2023 | RAA | 2023-10-15 | day | entry_into_force |
-- | missile-warning-jpn-kor-usa-2023 | DATA_SHARING | 2023-12-19 | day | activation |
