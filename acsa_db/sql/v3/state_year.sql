-- state_year: one row per state of the Correlates of War state system and
-- year it was a member, over the years of the coverage (documented in
-- acsa_db/sql/catalog.py). From cow_state_membership (COW v2016), joined to
-- country by cow_code.
--
-- The COW list ends on 31 December 2016: a state still a member then (its
-- spell ends on the list's last day) is carried on to the end of the
-- coverage, and cow_data says which years come from the list itself.
WITH spell AS (
    SELECT
        m.cow_code,
        m.cow_abbrev,
        m.state_name,
        m.start_date,
        m.end_date,
        m.note,
        CASE
            WHEN m.end_date = (SELECT MAX(last.end_date) FROM cow_state_membership last)
            THEN COALESCE((SELECT MAX(c.last_covered_date) FROM collection_coverage c), CURRENT_DATE)
            ELSE m.end_date
        END AS carried_end_date,
        (SELECT MAX(last.end_date) FROM cow_state_membership last) AS list_end_date
    FROM cow_state_membership m
)
SELECT
    y.year,
    spell.cow_code AS ccode,
    spell.cow_abbrev,
    spell.state_name,
    country.id AS country_id,
    country.iso3,
    country.name,
    -- 1 for a year the COW list covers, 0 for a year it was carried on to.
    CASE WHEN y.starts_on <= MAX(spell.list_end_date) THEN 1 ELSE 0 END AS cow_data,
    MAX(spell.note) AS note
FROM spell
JOIN calendar_year y ON spell.start_date <= y.ends_on AND spell.carried_end_date >= y.starts_on
LEFT JOIN country ON country.cow_code = spell.cow_code
WHERE y.starts_on >= (SELECT MIN(c.first_covered_date) FROM collection_coverage c)
  AND y.starts_on <= (SELECT MAX(c.last_covered_date) FROM collection_coverage c)
GROUP BY y.year, y.starts_on, spell.cow_code, spell.cow_abbrev, spell.state_name, country.id, country.iso3, country.name
