-- dyad_year: one row per pair of states and year, from the first year one of
-- their agreements was signed or took effect to the current year, with counts
-- of agreements in force and signed, by type, and their ids (documented in
-- acsa_db/sql/catalog.py). "In force" and "signed" are defined in dyad_year_agreement.
WITH pair_agreement AS (
    -- Read once: each agreement of each pair in each year.
    SELECT * FROM dyad_year_agreement
),
pair AS (
    SELECT
        country1_id,
        country2_id,
        -- Signature or entry into force, the earlier.
        MIN(
            CASE
                WHEN entry_into_force_date < signature_date THEN entry_into_force_date
                ELSE COALESCE(signature_date, entry_into_force_date)
            END
        ) AS first_date
    FROM agreement_dyad
    WHERE signature_date IS NOT NULL OR entry_into_force_date IS NOT NULL
    GROUP BY country1_id, country2_id
),
pair_year AS (
    SELECT pair.country1_id, pair.country2_id, y.year
    FROM pair
    JOIN calendar_year y ON y.ends_on >= pair.first_date
),
tally AS (
    SELECT
        country1_id,
        country2_id,
        year,
        COUNT(CASE WHEN in_force = 1 THEN 1 END) AS in_force,
        COUNT(CASE WHEN signed = 1 THEN 1 END) AS signed,
        COUNT(CASE WHEN in_force = 1 AND type_code = 'ACSA' THEN 1 END) AS acsa_in_force,
        COUNT(CASE WHEN signed = 1 AND type_code = 'ACSA' THEN 1 END) AS acsa_signed,
        COUNT(CASE WHEN in_force = 1 AND type_code = 'RAA' THEN 1 END) AS raa_in_force,
        COUNT(CASE WHEN signed = 1 AND type_code = 'RAA' THEN 1 END) AS raa_signed,
        COUNT(CASE WHEN in_force = 1 AND type_code = 'SOFA' THEN 1 END) AS sofa_in_force,
        COUNT(CASE WHEN signed = 1 AND type_code = 'SOFA' THEN 1 END) AS sofa_signed,
        COUNT(CASE WHEN in_force = 1 AND type_code = 'ISA' THEN 1 END) AS isa_in_force,
        COUNT(CASE WHEN signed = 1 AND type_code = 'ISA' THEN 1 END) AS isa_signed,
        COUNT(CASE WHEN in_force = 1 AND type_code = 'DETA' THEN 1 END) AS deta_in_force,
        COUNT(CASE WHEN signed = 1 AND type_code = 'DETA' THEN 1 END) AS deta_signed,
        COUNT(CASE WHEN in_force = 1 AND type_code = 'DCA' THEN 1 END) AS dca_in_force,
        COUNT(CASE WHEN signed = 1 AND type_code = 'DCA' THEN 1 END) AS dca_signed,
        COUNT(CASE WHEN in_force = 1 AND type_code = 'PARTNERSHIP' THEN 1 END) AS partnership_in_force,
        COUNT(CASE WHEN signed = 1 AND type_code = 'PARTNERSHIP' THEN 1 END) AS partnership_signed,
        COUNT(CASE WHEN in_force = 1 AND type_code = 'DATA_SHARING' THEN 1 END) AS data_sharing_in_force,
        COUNT(CASE WHEN signed = 1 AND type_code = 'DATA_SHARING' THEN 1 END) AS data_sharing_signed,
        COUNT(CASE WHEN in_force = 1 AND type_code = 'MOC' THEN 1 END) AS moc_in_force,
        COUNT(CASE WHEN signed = 1 AND type_code = 'MOC' THEN 1 END) AS moc_signed
    FROM pair_agreement
    GROUP BY country1_id, country2_id, year
),
listed AS (
    -- SQLite before 3.44 cannot order group_concat's input; as a window
    -- function over a frame ordered by id it concatenates in that order.
    SELECT
        country1_id,
        country2_id,
        year,
        group_concat(CASE WHEN in_force = 1 THEN agreement_id END, ',') OVER by_id AS in_force_ids,
        group_concat(CASE WHEN in_force = 1 THEN agreement_slug END, ',') OVER by_id AS in_force_slugs,
        group_concat(CASE WHEN signed = 1 THEN agreement_id END, ',') OVER by_id AS signed_ids,
        group_concat(CASE WHEN signed = 1 THEN agreement_slug END, ',') OVER by_id AS signed_slugs
    FROM pair_agreement
    WINDOW by_id AS (
        PARTITION BY country1_id, country2_id, year
        ORDER BY agreement_id
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    )
),
lists AS (
    SELECT DISTINCT country1_id, country2_id, year, in_force_ids, in_force_slugs, signed_ids, signed_slugs
    FROM listed
)
SELECT
    py.year,
    c1.cow_code AS ccode1,
    c2.cow_code AS ccode2,
    c1.iso3 AS iso3_1,
    c2.iso3 AS iso3_2,
    c1.cow_abbrev AS cow_abbrev1,
    c2.cow_abbrev AS cow_abbrev2,
    c1.name AS name1,
    c2.name AS name2,
    py.country1_id,
    py.country2_id,
    COALESCE(tally.in_force, 0) AS in_force,
    COALESCE(tally.signed, 0) AS signed,
    COALESCE(tally.acsa_in_force, 0) AS acsa_in_force,
    COALESCE(tally.acsa_signed, 0) AS acsa_signed,
    COALESCE(tally.raa_in_force, 0) AS raa_in_force,
    COALESCE(tally.raa_signed, 0) AS raa_signed,
    COALESCE(tally.sofa_in_force, 0) AS sofa_in_force,
    COALESCE(tally.sofa_signed, 0) AS sofa_signed,
    COALESCE(tally.isa_in_force, 0) AS isa_in_force,
    COALESCE(tally.isa_signed, 0) AS isa_signed,
    COALESCE(tally.deta_in_force, 0) AS deta_in_force,
    COALESCE(tally.deta_signed, 0) AS deta_signed,
    COALESCE(tally.dca_in_force, 0) AS dca_in_force,
    COALESCE(tally.dca_signed, 0) AS dca_signed,
    COALESCE(tally.partnership_in_force, 0) AS partnership_in_force,
    COALESCE(tally.partnership_signed, 0) AS partnership_signed,
    COALESCE(tally.data_sharing_in_force, 0) AS data_sharing_in_force,
    COALESCE(tally.data_sharing_signed, 0) AS data_sharing_signed,
    COALESCE(tally.moc_in_force, 0) AS moc_in_force,
    COALESCE(tally.moc_signed, 0) AS moc_signed,
    lists.in_force_ids,
    lists.in_force_slugs,
    lists.signed_ids,
    lists.signed_slugs
FROM pair_year py
JOIN country c1 ON c1.id = py.country1_id
JOIN country c2 ON c2.id = py.country2_id
LEFT JOIN tally
    ON tally.country1_id = py.country1_id AND tally.country2_id = py.country2_id AND tally.year = py.year
LEFT JOIN lists
    ON lists.country1_id = py.country1_id AND lists.country2_id = py.country2_id AND lists.year = py.year
