-- How many Japan–US ACSAs were in force in 2000, and on what evidence?
--
-- No source dates the entry into force of the 1996 ACSA; its 1998 amendment
-- shows it was in force by then, so it counts from 28 April 1998 and
-- in_force_inferred says the date is inferred, not recorded. A count is of
-- lineages (a text and its replacements count once); acsa_in_force is empty,
-- not 0, where ACSAs are not collected for the pair or the year.
SELECT
    d.year,
    d.acsa_in_force,
    d.in_force_slugs,
    a_status.entry_into_force_date,
    a_status.entry_into_force_basis,
    a.in_force_inferred,
    d.review_status
FROM dyad_year d
JOIN dyad_year_agreement a
    ON a.year = d.year AND a.country1_id = d.country1_id AND a.country2_id = d.country2_id
    AND a.type_code = 'ACSA' AND a.in_force = 1
JOIN agreement_status a_status ON a_status.agreement_id = a.agreement_id
WHERE d.iso3_1 = 'USA' AND d.iso3_2 = 'JPN' AND d.year = 2000;

-- Expected result on the seeded data (fixtures/seed, dataset version 0.1.0):
--
-- | year | acsa_in_force | in_force_slugs | entry_into_force_date | entry_into_force_basis | in_force_inferred | review_status |
-- |---|---|---|---|---|---|---|
-- | 2000 | 1 | acsa-jpn-usa-1996 | 1998-04-28 | amendment | 1 | verified |
