-- One row per year from 1800 (the earliest date the database records) to the
-- current year, with its first and last day. Other views join it instead of
-- extracting years from dates, which SQLite and PostgreSQL spell differently.
WITH RECURSIVE year_number(year) AS (
    SELECT 1800
    UNION ALL
    SELECT year + 1 FROM year_number WHERE year < CAST(EXTRACT(YEAR FROM CURRENT_DATE) AS INTEGER)
)
SELECT
    year,
    make_date(year, 1, 1) AS starts_on,
    make_date(year, 12, 31) AS ends_on
FROM year_number
