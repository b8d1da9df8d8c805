-- dyad_year_agreement: one row per pair of states, year and agreement between
-- them that was signed (in force or not) and not ended in that year
-- (documented in acsa_db/sql/catalog.py).
--
-- Each agreement's pairs joined to the years in which they count, with no
-- aggregate in between: a filter on a pair (country ids, COW or ISO codes) or
-- on an agreement reaches agreement_dyad, and from there the base tables' indexes.
-- v3: no year after the end of the coverage (the latest last_covered_date);
-- each row says its lineage, its review status, whether its entry into force
-- is inferred, and whether its type is collected for the pair in that year.
SELECT
    y.year,
    d.ccode1,
    d.ccode2,
    d.iso3_1,
    d.iso3_2,
    d.country1_id,
    d.country2_id,
    d.agreement_id,
    d.agreement_slug,
    d.type_code,
    d.lineage_id,
    d.lineage_slug,
    d.review_status,
    -- In force in a year: in force by its last day, and not ended before its
    -- first day. A year- or month-precision date stands for its first day, so
    -- an agreement that entered into force "in 2017" counts as in force in 2017.
    CASE WHEN d.entry_into_force_date <= y.ends_on THEN 1 ELSE 0 END AS in_force,
    -- Signed in a year: signed, or in force, by its last day, and not ended
    -- before its first day (the join's condition): whether in force or not.
    1 AS signed,
    d.in_force_inferred,
    -- 1 when the type is collected for the pair in the year (coverage_year: one
    -- of the two states is the focal state); 0 when not.
    CASE
        WHEN EXISTS (
            SELECT 1 FROM coverage_year cy
            WHERE cy.type_code = d.type_code
              AND cy.focal_country_id IN (d.country1_id, d.country2_id)
              AND cy.year = y.year
        ) THEN 1 ELSE 0
    END AS covered
FROM agreement_dyad d
JOIN calendar_year y
    ON (d.signature_date <= y.ends_on OR d.entry_into_force_date <= y.ends_on)
    AND (d.end_date IS NULL OR d.end_date >= y.starts_on)
    AND y.starts_on <= COALESCE((SELECT MAX(c.last_covered_date) FROM collection_coverage c), CURRENT_DATE)
