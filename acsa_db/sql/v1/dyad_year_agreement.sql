-- dyad_year_agreement: one row per pair of states, year and agreement between
-- them that was signed (in force or not) and not ended in that year
-- (documented in acsa_db/sql/catalog.py).
WITH dyad AS (
    -- Read once: each agreement's pairs.
    SELECT * FROM agreement_dyad
),
pair AS (
    -- Each pair of states that share an agreement, from the first date on
    -- which one of their agreements was signed or took effect.
    SELECT
        country1_id,
        country2_id,
        MIN(COALESCE(signature_date, entry_into_force_date)) AS first_date
    FROM dyad
    WHERE signature_date IS NOT NULL OR entry_into_force_date IS NOT NULL
    GROUP BY country1_id, country2_id
),
pair_year AS (
    SELECT pair.country1_id, pair.country2_id, y.year, y.starts_on, y.ends_on
    FROM pair
    JOIN calendar_year y ON y.ends_on >= pair.first_date
),
pair_year_agreement AS (
    -- In force in a year: in force by its last day, and not ended before its
    -- first day. A year- or month-precision date stands for its first day, so
    -- an agreement that entered into force "in 2017" counts as in force in 2017.
    SELECT
        py.year,
        py.country1_id,
        py.country2_id,
        d.agreement_id,
        d.agreement_slug,
        d.type_code,
        CASE
            WHEN d.entry_into_force_date <= py.ends_on AND (d.end_date IS NULL OR d.end_date >= py.starts_on)
            THEN 1 ELSE 0
        END AS in_force,
        -- Signed in a year: signed (or in force, when no signature is recorded)
        -- by its last day, and not ended before its first day: whether in force or not.
        CASE
            WHEN (d.signature_date <= py.ends_on OR d.entry_into_force_date <= py.ends_on)
                AND (d.end_date IS NULL OR d.end_date >= py.starts_on)
            THEN 1 ELSE 0
        END AS signed
    FROM pair_year py
    JOIN dyad d ON d.country1_id = py.country1_id AND d.country2_id = py.country2_id
)
SELECT
    pya.year,
    c1.cow_code AS ccode1,
    c2.cow_code AS ccode2,
    c1.iso3 AS iso3_1,
    c2.iso3 AS iso3_2,
    pya.country1_id,
    pya.country2_id,
    pya.agreement_id,
    pya.agreement_slug,
    pya.type_code,
    pya.in_force,
    pya.signed
FROM pair_year_agreement pya
JOIN country c1 ON c1.id = pya.country1_id
JOIN country c2 ON c2.id = pya.country2_id
WHERE pya.signed = 1
