-- How many Japan–US ACSAs were in force in 2000, and on what evidence?
--
-- The 1996 ACSA's entry into force is recorded to the year only (1996; the
-- record needs review: docs/seed-data.md says why). Were it not recorded, its
-- 1998 amendment would show it in force from then, and in_force_inferred
-- would say the date is inferred. A count is of lineages (a text and its
-- replacements count once); acsa_in_force is empty, not 0, where ACSAs are
-- not collected for the pair or the year. review_status is the ACSA's own.
SELECT
    d.year,
    d.acsa_in_force,
    a.agreement_slug,
    a_status.entry_into_force_date,
    a_status.entry_into_force_basis,
    a.in_force_inferred,
    a.review_status
FROM dyad_year d
JOIN dyad_year_agreement a
    ON a.year = d.year AND a.country1_id = d.country1_id AND a.country2_id = d.country2_id
    AND a.type_code = 'ACSA' AND a.in_force = 1
JOIN agreement_status a_status ON a_status.agreement_id = a.agreement_id
WHERE d.iso3_1 = 'USA' AND d.iso3_2 = 'JPN' AND d.year = 2000;

-- Expected result on the seeded data (fixtures/seed, dataset version 0.1.0):
--
-- | year | acsa_in_force | agreement_slug | entry_into_force_date | entry_into_force_basis | in_force_inferred | review_status |
-- |---|---|---|---|---|---|---|
-- | 2000 | 1 | acsa-jpn-usa-1996 | 1996-01-01 | entry_into_force | 0 | needs_review |
