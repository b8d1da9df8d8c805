-- Which agreements were replaced by a new text, and since when?
SELECT
    old.agreement_slug AS replaced,
    old.signature_date AS replaced_signed,
    old.superseded_by_slug AS replaced_by,
    old.superseded_date AS replaced_on,
    old.superseded_date_precision AS replaced_on_precision
FROM agreement_status old
WHERE old.status = 'superseded'
ORDER BY old.superseded_date, old.agreement_slug;

-- Expected result on the seeded data (fixtures/seed, dataset version 0.1.0):
--
-- | replaced | replaced_signed | replaced_by | replaced_on | replaced_on_precision |
-- |---|---|---|---|---|
-- | acsa-jpn-usa-1996 | 1996-04-15 | acsa-jpn-usa-2016 | 2017-04-25 | day |
-- | acsa-jpn-aus-2010 | 2010-05-19 | acsa-jpn-aus-2017 | 2017-09-06 | day |
