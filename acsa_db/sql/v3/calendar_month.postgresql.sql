-- One row per month from January 1800 to December of the current year, with
-- its first and last day. The views look up the last day of a month-precision
-- date here (<date>_latest), which SQLite and PostgreSQL compute differently.
WITH RECURSIVE month_number(n) AS (
    SELECT 0
    UNION ALL
    SELECT n + 1 FROM month_number WHERE n < (CAST(EXTRACT(YEAR FROM CURRENT_DATE) AS INTEGER) - 1800) * 12 + 11
)
SELECT
    1800 + n / 12 AS year,
    n % 12 + 1 AS month,
    make_date(1800 + n / 12, n % 12 + 1, 1) AS starts_on,
    CAST(make_date(1800 + n / 12, n % 12 + 1, 1) + INTERVAL '1 month' - INTERVAL '1 day' AS DATE) AS ends_on
FROM month_number
