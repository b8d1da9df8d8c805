-- coverage_year: one row per agreement type, focal state and year that
-- collection_coverage covers (documented in acsa_db/sql/catalog.py). The one
-- definition of a covered year that the other views use: the type's coverage
-- began by the year's first day and had not ended before it. The last year
-- may be covered only in part (complete says so).
SELECT
    y.year,
    t.code AS type_code,
    c.focal_country_id,
    focal.cow_code AS focal_ccode,
    focal.iso3 AS focal_iso3,
    c.first_covered_date,
    c.last_covered_date,
    CASE WHEN c.last_covered_date >= y.ends_on THEN 1 ELSE 0 END AS complete
FROM collection_coverage c
JOIN agreement_type t ON t.id = c.agreement_type_id
JOIN country focal ON focal.id = c.focal_country_id
JOIN calendar_year y ON y.starts_on >= c.first_covered_date AND y.starts_on <= c.last_covered_date
