-- exercise_dyad: one row per exercise and unordered pair of its state
-- participants (documented in acsa_db/sql/catalog.py). v3: the exercise's
-- review status, and the latest bound of each date (<date>_latest); a national
-- deployment to an exercise (exercise.part_of) is counted once, as the exercise
-- it went to, so it has no rows of its own.
WITH state_participant AS NOT MATERIALIZED (
    SELECT
        p.exercise_id,
        p.role,
        c.id AS country_id,
        c.cow_code,
        c.cow_abbrev,
        c.iso3,
        c.name
    FROM exercise_participant p
    JOIN country c ON c.id = p.country_id
)
SELECT
    e.id AS exercise_id,
    e.slug AS exercise_slug,
    e.name AS exercise_name,
    e.series,
    e.kind,
    e.status,
    e.review_status,
    e.start_date,
    e.start_date_precision,
    CASE e.start_date_precision
        WHEN 'year' THEN (SELECT cy.ends_on FROM calendar_year cy WHERE cy.starts_on = e.start_date)
        WHEN 'month' THEN (SELECT cm.ends_on FROM calendar_month cm WHERE cm.starts_on = e.start_date)
        ELSE e.start_date
    END AS start_date_latest,
    y.year AS start_year,
    e.end_date,
    e.end_date_precision,
    CASE e.end_date_precision
        WHEN 'year' THEN (SELECT cy.ends_on FROM calendar_year cy WHERE cy.starts_on = e.end_date)
        WHEN 'month' THEN (SELECT cm.ends_on FROM calendar_month cm WHERE cm.starts_on = e.end_date)
        ELSE e.end_date
    END AS end_date_latest,
    one.country_id AS country1_id,
    one.cow_code AS ccode1,
    one.cow_abbrev AS cow_abbrev1,
    one.iso3 AS iso3_1,
    one.name AS name1,
    one.role AS role1,
    two.country_id AS country2_id,
    two.cow_code AS ccode2,
    two.cow_abbrev AS cow_abbrev2,
    two.iso3 AS iso3_2,
    two.name AS name2,
    two.role AS role2
FROM exercise e
JOIN state_participant one ON one.exercise_id = e.id
-- Each unordered pair once, ordered as in agreement_dyad.
JOIN state_participant two
    ON two.exercise_id = e.id
    AND (
        one.cow_code < two.cow_code
        OR (one.cow_code IS NOT NULL AND two.cow_code IS NULL)
        OR (one.cow_code IS NULL AND two.cow_code IS NULL AND one.iso3 < two.iso3)
    )
LEFT JOIN calendar_year y ON e.start_date BETWEEN y.starts_on AND y.ends_on
WHERE e.part_of_id IS NULL
