-- Which agreements are one lineage of texts that replace one another?
--
-- A replacement text is a new agreement that supersedes the old one; the
-- texts of a chain share lineage_id and lineage_slug (its first text). The
-- dyad-year counts count lineages, so that a pair does not have two ACSAs in
-- the year one text replaces the other. Short titles are shared: the slug and
-- the signature date tell the texts apart.
SELECT
    lineage_slug,
    generation,
    agreement_slug,
    short_title,
    signature_date,
    status
FROM agreement_lineage
WHERE texts_in_lineage > 1
ORDER BY lineage_slug, generation;

-- Expected result on the seeded data (fixtures/seed, dataset version 0.1.0):
--
-- | lineage_slug | generation | agreement_slug | short_title | signature_date | status |
-- |---|---|---|---|---|---|
-- | acsa-jpn-aus-2010 | 1 | acsa-jpn-aus-2010 | Japan–Australia ACSA | 2010-05-19 | superseded |
-- | acsa-jpn-aus-2010 | 2 | acsa-jpn-aus-2017 | Japan–Australia ACSA | 2017-01-14 | in_force |
-- | acsa-jpn-usa-1996 | 1 | acsa-jpn-usa-1996 | Japan–US ACSA | 1996-04-15 | superseded |
-- | acsa-jpn-usa-1996 | 2 | acsa-jpn-usa-2016 | Japan–US ACSA | 2016-09-26 | in_force |
-- | deta-jpn-usa-1983 | 1 | deta-jpn-usa-1983 | Japan–US military technology transfer notes (1983) | 1983-11-08 | in_force |
-- | deta-jpn-usa-1983 | 2 | deta-jpn-usa-2006 | Japan–US arms and military technology transfer notes (2006) | 2006-06-23 | signed |
