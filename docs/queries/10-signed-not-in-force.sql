-- Which agreements are signed but not (or not known to be) in force?
--
-- Either not yet in force, or in force on a date no source gives: the data
-- records no date rather than a guess. Read these before treating a zero in
-- dyad_year's in_force as "no agreement".
SELECT
    agreement_slug,
    type_code,
    signature_date,
    signature_date_precision
FROM agreement_status
WHERE status = 'signed'
ORDER BY signature_date, agreement_slug;

-- Expected result on the seeded data (fixtures/seed, dataset version 0.1.0):
--
-- | agreement_slug | type_code | signature_date | signature_date_precision |
-- |---|---|---|---|
-- | deta-jpn-usa-2006 | DETA | 2006-06-23 | day |
-- | deta-jpn-gbr-2013 | DETA | 2013-07-04 | day |
-- | deta-jpn-ind-2015 | DETA | 2015-12-12 | day |
-- | deta-jpn-phl-2016 | DETA | 2016-02-29 | day |
-- | deta-jpn-ita-2017 | DETA | 2017-05-22 | day |
-- | deta-jpn-mys-2018 | DETA | 2018-04-18 | day |
-- | deta-jpn-tha-2022 | DETA | 2022-05-02 | day |
-- | tscf-moc-jpn-kor-usa-2024 | MOC | 2024-07-28 | day |
-- | isa-jpn-ukr-2024 | ISA | 2024-11-16 | day |
-- | acsa-jpn-nld-2025 | ACSA | 2025-12-18 | day |
-- | acsa-jpn-nzl-2025 | ACSA | 2025-12-19 | day |
-- | isa-jpn-nzl-2025 | ISA | 2025-12-19 | day |
-- | acsa-jpn-phl-2026 | ACSA | 2026-01-15 | day |
-- | deta-jpn-can-2026 | DETA | 2026-01-27 | day |
