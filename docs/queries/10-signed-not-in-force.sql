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
-- | gsomia-jpn-kor-2016 | ISA | 2016-11-23 | day |
-- | tscf-moc-jpn-kor-usa-2024 | MOC | 2024-07-28 | day |
-- | acsa-jpn-nld-2025 | ACSA | 2025-12-18 | day |
-- | acsa-jpn-nzl-2025 | ACSA | 2025-12-19 | day |
-- | acsa-jpn-phl-2026 | ACSA | 2026-01-15 | day |
