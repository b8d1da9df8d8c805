-- Which agreements were in force on 1 March 2017?
--
-- In force on a day is yes, no or uncertain: yes when the entry into force is
-- on or before the day even at its latest (entry_into_force_date_latest, the
-- last day of its month or year) and the agreement had neither ended nor been
-- replaced by then; uncertain when a date known only to the month or year
-- straddles the day; no otherwise. The UK ACSA entered into force in "2017":
-- on 1 March 2017 it is uncertain, not in force. The 1996 US ACSA's entry into
-- force is inferred from its 1998 amendment (in_force_inferred = 1).
SELECT
    agreement_slug,
    type_code,
    entry_into_force_date,
    entry_into_force_date_precision,
    entry_into_force_date_latest,
    in_force_inferred,
    CASE
        WHEN entry_into_force_date IS NULL OR entry_into_force_date > '2017-03-01'
            OR end_date_latest <= '2017-03-01' OR superseded_date_latest <= '2017-03-01' THEN 'no'
        WHEN entry_into_force_date_latest <= '2017-03-01'
            AND (end_date IS NULL OR end_date > '2017-03-01')
            AND (superseded_date IS NULL OR superseded_date > '2017-03-01') THEN 'yes'
        ELSE 'uncertain'
    END AS in_force
FROM agreement_status
WHERE entry_into_force_date <= '2017-03-01'
  AND (end_date IS NULL OR end_date > '2017-03-01')
  AND (superseded_date IS NULL OR superseded_date > '2017-03-01')
ORDER BY entry_into_force_date, agreement_slug;

-- Expected result on the seeded data (fixtures/seed, dataset version 0.1.0):
--
-- | agreement_slug | type_code | entry_into_force_date | entry_into_force_date_precision | entry_into_force_date_latest | in_force_inferred | in_force |
-- |---|---|---|---|---|---|---|
-- | acsa-jpn-usa-1996 | ACSA | 1996-01-01 | year | 1996-12-31 | 0 | yes |
-- | deta-jpn-usa-1983 | DETA | 1998-02-06 | day | 1998-02-06 | 1 | yes |
-- | gsomia-jpn-usa-2007 | ISA | 2007-08-01 | month | 2007-08-31 | 0 | yes |
-- | isa-nato-jpn-2010 | ISA | 2010-06-01 | month | 2010-06-30 | 0 | yes |
-- | isa-programme-jpn-usa-2011 | ISA_PROGRAMME | 2011-01-18 | day | 2011-01-18 | 0 | yes |
-- | isa-jpn-fra-2011 | ISA | 2011-10-24 | day | 2011-10-24 | 0 | yes |
-- | acsa-jpn-aus-2010 | ACSA | 2013-01-31 | day | 2013-01-31 | 0 | yes |
-- | isa-jpn-aus-2012 | ISA | 2013-03-22 | day | 2013-03-22 | 0 | yes |
-- | isa-jpn-gbr-2013 | ISA | 2014-01-01 | month | 2014-01-31 | 0 | yes |
-- | deta-jpn-aus-2014 | DETA | 2014-12-01 | month | 2014-12-31 | 0 | yes |
-- | isa-jpn-ind-2015 | ISA | 2015-12-01 | month | 2015-12-31 | 0 | yes |
-- | isa-jpn-ita-2016 | ISA | 2016-06-07 | day | 2016-06-07 | 0 | yes |
-- | gsomia-jpn-kor-2016 | ISA | 2016-11-23 | day | 2016-11-23 | 0 | yes |
-- | deta-jpn-fra-2015 | DETA | 2016-12-01 | day | 2016-12-01 | 0 | yes |
-- | acsa-jpn-gbr-2017 | ACSA | 2017-01-01 | year | 2017-12-31 | 0 | uncertain |
