-- dyad_year: one row per pair of states and year, from the first year one of
-- their agreements was signed or took effect to the current year, with counts
-- of agreements in force and signed, by type, and their ids (documented in
-- acsa_db/sql/catalog.py). "In force" and "signed" are defined in dyad_year_agreement.
--
-- One pass over agreement_dyad, grouped by the pair (with the columns that
-- name its states) and the year, so that a filter on a pair or a year passes
-- the GROUP BY and reaches agreement_dyad and the base tables' indexes. Each
-- agreement is joined to every year from its first date (signature or entry
-- into force, the earlier) to the current year: those years, over all the
-- pair's agreements, are the pair's years, and an agreement counts in a year
-- as dyad_year_agreement says.
WITH pair_year_agreement AS (
    SELECT
        d.country1_id,
        d.country2_id,
        d.ccode1,
        d.ccode2,
        d.iso3_1,
        d.iso3_2,
        d.cow_abbrev1,
        d.cow_abbrev2,
        d.name1,
        d.name2,
        y.year,
        d.agreement_id,
        d.agreement_slug,
        d.type_code,
        CASE
            WHEN d.entry_into_force_date <= y.ends_on AND (d.end_date IS NULL OR d.end_date >= y.starts_on)
            THEN 1 ELSE 0
        END AS in_force,
        CASE
            WHEN (d.signature_date <= y.ends_on OR d.entry_into_force_date <= y.ends_on)
                AND (d.end_date IS NULL OR d.end_date >= y.starts_on)
            THEN 1 ELSE 0
        END AS signed
    FROM agreement_dyad d
    JOIN calendar_year y
        ON y.ends_on >= CASE
            WHEN d.entry_into_force_date < d.signature_date THEN d.entry_into_force_date
            ELSE COALESCE(d.signature_date, d.entry_into_force_date)
        END
),
tally AS (
    SELECT
        country1_id,
        country2_id,
        ccode1,
        ccode2,
        iso3_1,
        iso3_2,
        cow_abbrev1,
        cow_abbrev2,
        name1,
        name2,
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
        COUNT(CASE WHEN signed = 1 AND type_code = 'MOC' THEN 1 END) AS moc_signed,
        -- Lists in the order of the agreements' ids, the slugs in the same order.
        string_agg(CAST(agreement_id AS TEXT), ',' ORDER BY agreement_id) FILTER (WHERE in_force = 1)
            AS in_force_ids,
        string_agg(agreement_slug, ',' ORDER BY agreement_id) FILTER (WHERE in_force = 1) AS in_force_slugs,
        string_agg(CAST(agreement_id AS TEXT), ',' ORDER BY agreement_id) FILTER (WHERE signed = 1)
            AS signed_ids,
        string_agg(agreement_slug, ',' ORDER BY agreement_id) FILTER (WHERE signed = 1) AS signed_slugs
    FROM pair_year_agreement
    GROUP BY country1_id, country2_id, ccode1, ccode2, iso3_1, iso3_2, cow_abbrev1, cow_abbrev2, name1, name2, year
)
SELECT
    year,
    ccode1,
    ccode2,
    iso3_1,
    iso3_2,
    cow_abbrev1,
    cow_abbrev2,
    name1,
    name2,
    country1_id,
    country2_id,
    in_force,
    signed,
    acsa_in_force,
    acsa_signed,
    raa_in_force,
    raa_signed,
    sofa_in_force,
    sofa_signed,
    isa_in_force,
    isa_signed,
    deta_in_force,
    deta_signed,
    dca_in_force,
    dca_signed,
    partnership_in_force,
    partnership_signed,
    data_sharing_in_force,
    data_sharing_signed,
    moc_in_force,
    moc_signed,
    in_force_ids,
    in_force_slugs,
    signed_ids,
    signed_slugs
FROM tally
