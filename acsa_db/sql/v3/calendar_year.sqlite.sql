-- One row per year from 1800 (the earliest date the database records) to the
-- current year, with its first and last day. Other views join it instead of
-- extracting years from dates, which SQLite and PostgreSQL spell differently.
WITH RECURSIVE year_number(year) AS (
    SELECT 1800
    UNION ALL
    SELECT year + 1 FROM year_number WHERE year < CAST(strftime('%Y', 'now') AS INTEGER)
)
SELECT
    year,
    date(printf('%04d-01-01', year)) AS starts_on,
    date(printf('%04d-12-31', year)) AS ends_on
FROM year_number
