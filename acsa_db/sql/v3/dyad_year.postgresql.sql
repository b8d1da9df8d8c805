-- dyad_year: one row per pair of states and year, from the first year one of
-- their agreements was signed or took effect to the end of the coverage, with
-- counts of agreements in force and signed, by type, and their ids
-- (documented in acsa_db/sql/catalog.py). "In force" and "signed" are defined
-- in dyad_year_agreement.
--
-- v3: counts are of lineages (a text and the texts that replace it count
-- once); a type's count is NULL, not 0, in a year the type is not collected
-- for the pair (coverage_year); the *_covered totals count only the collected
-- types, which covered_types lists; review_status is the least reviewed
-- status among the agreements counted; no year after the coverage's end.
--
-- One pass over agreement_dyad, grouped by the pair (with the columns that
-- name its states) and the year, so that a filter on a pair or a year passes
-- the GROUP BY and reaches agreement_dyad and the base tables' indexes.
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
        d.lineage_id,
        d.type_code,
        d.review_status,
        CASE
            WHEN d.entry_into_force_date <= y.ends_on AND (d.end_date IS NULL OR d.end_date >= y.starts_on)
            THEN 1 ELSE 0
        END AS in_force,
        CASE
            WHEN (d.signature_date <= y.ends_on OR d.entry_into_force_date <= y.ends_on)
                AND (d.end_date IS NULL OR d.end_date >= y.starts_on)
            THEN 1 ELSE 0
        END AS signed,
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
        ON y.ends_on >= CASE
            WHEN d.entry_into_force_date < d.signature_date THEN d.entry_into_force_date
            ELSE COALESCE(d.signature_date, d.entry_into_force_date)
        END
        AND y.starts_on <= COALESCE((SELECT MAX(c.last_covered_date) FROM collection_coverage c), CURRENT_DATE)
),
tally AS (
    SELECT
        country1_id, country2_id, ccode1, ccode2, iso3_1, iso3_2, cow_abbrev1, cow_abbrev2, name1, name2,
        year,
        COUNT(DISTINCT CASE WHEN in_force = 1 THEN lineage_id END) AS in_force,
        COUNT(DISTINCT CASE WHEN signed = 1 THEN lineage_id END) AS signed,
        COUNT(DISTINCT CASE WHEN in_force = 1 AND covered = 1 THEN lineage_id END) AS in_force_covered,
        COUNT(DISTINCT CASE WHEN signed = 1 AND covered = 1 THEN lineage_id END) AS signed_covered,
        COUNT(DISTINCT CASE WHEN in_force = 1 AND type_code = 'ACSA' THEN lineage_id END) AS acsa_in_force,
        COUNT(DISTINCT CASE WHEN signed = 1 AND type_code = 'ACSA' THEN lineage_id END) AS acsa_signed,
        COUNT(DISTINCT CASE WHEN in_force = 1 AND type_code = 'RAA' THEN lineage_id END) AS raa_in_force,
        COUNT(DISTINCT CASE WHEN signed = 1 AND type_code = 'RAA' THEN lineage_id END) AS raa_signed,
        COUNT(DISTINCT CASE WHEN in_force = 1 AND type_code = 'SOFA' THEN lineage_id END) AS sofa_in_force,
        COUNT(DISTINCT CASE WHEN signed = 1 AND type_code = 'SOFA' THEN lineage_id END) AS sofa_signed,
        COUNT(DISTINCT CASE WHEN in_force = 1 AND type_code = 'ISA' THEN lineage_id END) AS isa_in_force,
        COUNT(DISTINCT CASE WHEN signed = 1 AND type_code = 'ISA' THEN lineage_id END) AS isa_signed,
        COUNT(DISTINCT CASE WHEN in_force = 1 AND type_code = 'DETA' THEN lineage_id END) AS deta_in_force,
        COUNT(DISTINCT CASE WHEN signed = 1 AND type_code = 'DETA' THEN lineage_id END) AS deta_signed,
        COUNT(DISTINCT CASE WHEN in_force = 1 AND type_code = 'DCA' THEN lineage_id END) AS dca_in_force,
        COUNT(DISTINCT CASE WHEN signed = 1 AND type_code = 'DCA' THEN lineage_id END) AS dca_signed,
        COUNT(DISTINCT CASE WHEN in_force = 1 AND type_code = 'PARTNERSHIP' THEN lineage_id END) AS partnership_in_force,
        COUNT(DISTINCT CASE WHEN signed = 1 AND type_code = 'PARTNERSHIP' THEN lineage_id END) AS partnership_signed,
        COUNT(DISTINCT CASE WHEN in_force = 1 AND type_code = 'DATA_SHARING' THEN lineage_id END) AS data_sharing_in_force,
        COUNT(DISTINCT CASE WHEN signed = 1 AND type_code = 'DATA_SHARING' THEN lineage_id END) AS data_sharing_signed,
        COUNT(DISTINCT CASE WHEN in_force = 1 AND type_code = 'MOC' THEN lineage_id END) AS moc_in_force,
        COUNT(DISTINCT CASE WHEN signed = 1 AND type_code = 'MOC' THEN lineage_id END) AS moc_signed,
        -- The least reviewed status among the agreements counted (signed in the year).
        MIN(
            CASE
                WHEN signed = 0 THEN NULL
                WHEN review_status = 'draft' THEN 1
                WHEN review_status = 'needs_review' THEN 2
                WHEN review_status = 'disputed' THEN 3
                WHEN review_status = 'verified' THEN 4
            END
        ) AS review_rank,
        -- Lists in the order of the agreements' ids, the slugs in the same order.
        string_agg(CAST(agreement_id AS TEXT), ',' ORDER BY agreement_id) FILTER (WHERE in_force = 1)
            AS in_force_ids,
        string_agg(agreement_slug, ',' ORDER BY agreement_id) FILTER (WHERE in_force = 1) AS in_force_slugs,
        string_agg(CAST(agreement_id AS TEXT), ',' ORDER BY agreement_id) FILTER (WHERE signed = 1)
            AS signed_ids,
        string_agg(agreement_slug, ',' ORDER BY agreement_id) FILTER (WHERE signed = 1) AS signed_slugs
    FROM pair_year_agreement
    GROUP BY country1_id, country2_id, ccode1, ccode2, iso3_1, iso3_2, cow_abbrev1, cow_abbrev2, name1, name2, year
),
pair_year_coverage AS (
    -- The types collected for each pair and year, one flag per type and the list.
    SELECT
        tally.country1_id,
        tally.country2_id,
        tally.year,
        MAX(CASE WHEN cy.type_code = 'ACSA' THEN 1 ELSE 0 END) AS acsa_covered,
        MAX(CASE WHEN cy.type_code = 'RAA' THEN 1 ELSE 0 END) AS raa_covered,
        MAX(CASE WHEN cy.type_code = 'SOFA' THEN 1 ELSE 0 END) AS sofa_covered,
        MAX(CASE WHEN cy.type_code = 'ISA' THEN 1 ELSE 0 END) AS isa_covered,
        MAX(CASE WHEN cy.type_code = 'DETA' THEN 1 ELSE 0 END) AS deta_covered,
        MAX(CASE WHEN cy.type_code = 'DCA' THEN 1 ELSE 0 END) AS dca_covered,
        MAX(CASE WHEN cy.type_code = 'PARTNERSHIP' THEN 1 ELSE 0 END) AS partnership_covered,
        MAX(CASE WHEN cy.type_code = 'DATA_SHARING' THEN 1 ELSE 0 END) AS data_sharing_covered,
        MAX(CASE WHEN cy.type_code = 'MOC' THEN 1 ELSE 0 END) AS moc_covered,
        string_agg(DISTINCT cy.type_code, ',' ORDER BY cy.type_code) AS covered_types
    FROM tally
    JOIN coverage_year cy
        ON cy.focal_country_id IN (tally.country1_id, tally.country2_id) AND cy.year = tally.year
    GROUP BY tally.country1_id, tally.country2_id, tally.year
)
SELECT
    tally.year,
    tally.ccode1,
    tally.ccode2,
    tally.iso3_1,
    tally.iso3_2,
    tally.cow_abbrev1,
    tally.cow_abbrev2,
    tally.name1,
    tally.name2,
    tally.country1_id,
    tally.country2_id,
    tally.in_force,
    tally.signed,
    CASE WHEN cov.acsa_covered = 1 THEN tally.acsa_in_force END AS acsa_in_force,
    CASE WHEN cov.acsa_covered = 1 THEN tally.acsa_signed END AS acsa_signed,
    CASE WHEN cov.raa_covered = 1 THEN tally.raa_in_force END AS raa_in_force,
    CASE WHEN cov.raa_covered = 1 THEN tally.raa_signed END AS raa_signed,
    CASE WHEN cov.sofa_covered = 1 THEN tally.sofa_in_force END AS sofa_in_force,
    CASE WHEN cov.sofa_covered = 1 THEN tally.sofa_signed END AS sofa_signed,
    CASE WHEN cov.isa_covered = 1 THEN tally.isa_in_force END AS isa_in_force,
    CASE WHEN cov.isa_covered = 1 THEN tally.isa_signed END AS isa_signed,
    CASE WHEN cov.deta_covered = 1 THEN tally.deta_in_force END AS deta_in_force,
    CASE WHEN cov.deta_covered = 1 THEN tally.deta_signed END AS deta_signed,
    CASE WHEN cov.dca_covered = 1 THEN tally.dca_in_force END AS dca_in_force,
    CASE WHEN cov.dca_covered = 1 THEN tally.dca_signed END AS dca_signed,
    CASE WHEN cov.partnership_covered = 1 THEN tally.partnership_in_force END AS partnership_in_force,
    CASE WHEN cov.partnership_covered = 1 THEN tally.partnership_signed END AS partnership_signed,
    CASE WHEN cov.data_sharing_covered = 1 THEN tally.data_sharing_in_force END AS data_sharing_in_force,
    CASE WHEN cov.data_sharing_covered = 1 THEN tally.data_sharing_signed END AS data_sharing_signed,
    CASE WHEN cov.moc_covered = 1 THEN tally.moc_in_force END AS moc_in_force,
    CASE WHEN cov.moc_covered = 1 THEN tally.moc_signed END AS moc_signed,
    tally.in_force_ids,
    tally.in_force_slugs,
    tally.signed_ids,
    tally.signed_slugs,
    -- The totals over the collected types only; NULL when none is collected.
    CASE WHEN cov.covered_types IS NOT NULL THEN tally.in_force_covered END AS in_force_covered,
    CASE WHEN cov.covered_types IS NOT NULL THEN tally.signed_covered END AS signed_covered,
    cov.covered_types,
    CASE tally.review_rank
        WHEN 1 THEN 'draft'
        WHEN 2 THEN 'needs_review'
        WHEN 3 THEN 'disputed'
        WHEN 4 THEN 'verified'
    END AS review_status
FROM tally
LEFT JOIN pair_year_coverage cov
    ON cov.country1_id = tally.country1_id AND cov.country2_id = tally.country2_id AND cov.year = tally.year
