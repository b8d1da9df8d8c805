-- dyad_year_panel: the balanced panel, one row per pair of the focal state
-- (collection_coverage's focal_country: Japan) and another state of the COW
-- state system, for every year the coverage covers for the focal state
-- (documented in acsa_db/sql/catalog.py), like peacesciencer's dyad-years.
-- A type's count is 0 where none is recorded in a year the type is collected,
-- NULL where it is not collected; the counts are dyad_year's (lineages). No
-- row after the coverage's end: the last year holds what was known at its end.
WITH focal_year AS (
    SELECT
        cy.focal_country_id,
        cy.focal_ccode,
        cy.year,
        MAX(CASE WHEN cy.type_code = 'ACSA' THEN 1 ELSE 0 END) AS acsa_covered,
        MAX(CASE WHEN cy.type_code = 'RAA' THEN 1 ELSE 0 END) AS raa_covered,
        MAX(CASE WHEN cy.type_code = 'SOFA' THEN 1 ELSE 0 END) AS sofa_covered,
        MAX(CASE WHEN cy.type_code = 'ISA' THEN 1 ELSE 0 END) AS isa_covered,
        MAX(CASE WHEN cy.type_code = 'DETA' THEN 1 ELSE 0 END) AS deta_covered,
        MAX(CASE WHEN cy.type_code = 'DCA' THEN 1 ELSE 0 END) AS dca_covered,
        MAX(CASE WHEN cy.type_code = 'PARTNERSHIP' THEN 1 ELSE 0 END) AS partnership_covered,
        MAX(CASE WHEN cy.type_code = 'DATA_SHARING' THEN 1 ELSE 0 END) AS data_sharing_covered,
        MAX(CASE WHEN cy.type_code = 'MOC' THEN 1 ELSE 0 END) AS moc_covered
    FROM coverage_year cy
    GROUP BY cy.focal_country_id, cy.focal_ccode, cy.year
),
pair_year AS (
    -- The focal state and each other member of the state system, ordered so
    -- that ccode1 < ccode2 as in dyad_year.
    SELECT
        fy.*,
        CASE WHEN focal.ccode < other.ccode THEN focal.ccode ELSE other.ccode END AS ccode1,
        CASE WHEN focal.ccode < other.ccode THEN other.ccode ELSE focal.ccode END AS ccode2,
        CASE WHEN focal.ccode < other.ccode THEN focal.cow_abbrev ELSE other.cow_abbrev END AS cow_abbrev1,
        CASE WHEN focal.ccode < other.ccode THEN other.cow_abbrev ELSE focal.cow_abbrev END AS cow_abbrev2,
        CASE WHEN focal.ccode < other.ccode THEN focal.iso3 ELSE other.iso3 END AS iso3_1,
        CASE WHEN focal.ccode < other.ccode THEN other.iso3 ELSE focal.iso3 END AS iso3_2,
        CASE
            WHEN focal.ccode < other.ccode THEN COALESCE(focal.name, focal.state_name)
            ELSE COALESCE(other.name, other.state_name)
        END AS name1,
        CASE
            WHEN focal.ccode < other.ccode THEN COALESCE(other.name, other.state_name)
            ELSE COALESCE(focal.name, focal.state_name)
        END AS name2,
        CASE WHEN focal.ccode < other.ccode THEN focal.country_id ELSE other.country_id END AS country1_id,
        CASE WHEN focal.ccode < other.ccode THEN other.country_id ELSE focal.country_id END AS country2_id
    FROM focal_year fy
    JOIN state_year focal ON focal.ccode = fy.focal_ccode AND focal.year = fy.year
    JOIN state_year other ON other.year = fy.year AND other.ccode <> fy.focal_ccode
)
SELECT
    p.year,
    p.ccode1,
    p.ccode2,
    p.iso3_1,
    p.iso3_2,
    p.cow_abbrev1,
    p.cow_abbrev2,
    p.name1,
    p.name2,
    p.country1_id,
    p.country2_id,
    CASE WHEN p.acsa_covered = 1 THEN COALESCE(d.acsa_in_force, 0) END AS acsa_in_force,
    CASE WHEN p.acsa_covered = 1 THEN COALESCE(d.acsa_signed, 0) END AS acsa_signed,
    CASE WHEN p.raa_covered = 1 THEN COALESCE(d.raa_in_force, 0) END AS raa_in_force,
    CASE WHEN p.raa_covered = 1 THEN COALESCE(d.raa_signed, 0) END AS raa_signed,
    CASE WHEN p.sofa_covered = 1 THEN COALESCE(d.sofa_in_force, 0) END AS sofa_in_force,
    CASE WHEN p.sofa_covered = 1 THEN COALESCE(d.sofa_signed, 0) END AS sofa_signed,
    CASE WHEN p.isa_covered = 1 THEN COALESCE(d.isa_in_force, 0) END AS isa_in_force,
    CASE WHEN p.isa_covered = 1 THEN COALESCE(d.isa_signed, 0) END AS isa_signed,
    CASE WHEN p.deta_covered = 1 THEN COALESCE(d.deta_in_force, 0) END AS deta_in_force,
    CASE WHEN p.deta_covered = 1 THEN COALESCE(d.deta_signed, 0) END AS deta_signed,
    CASE WHEN p.dca_covered = 1 THEN COALESCE(d.dca_in_force, 0) END AS dca_in_force,
    CASE WHEN p.dca_covered = 1 THEN COALESCE(d.dca_signed, 0) END AS dca_signed,
    CASE WHEN p.partnership_covered = 1 THEN COALESCE(d.partnership_in_force, 0) END AS partnership_in_force,
    CASE WHEN p.partnership_covered = 1 THEN COALESCE(d.partnership_signed, 0) END AS partnership_signed,
    CASE WHEN p.data_sharing_covered = 1 THEN COALESCE(d.data_sharing_in_force, 0) END AS data_sharing_in_force,
    CASE WHEN p.data_sharing_covered = 1 THEN COALESCE(d.data_sharing_signed, 0) END AS data_sharing_signed,
    CASE WHEN p.moc_covered = 1 THEN COALESCE(d.moc_in_force, 0) END AS moc_in_force,
    CASE WHEN p.moc_covered = 1 THEN COALESCE(d.moc_signed, 0) END AS moc_signed,
    -- The totals over the collected types, which covered_types lists (by code).
    COALESCE(d.in_force_covered, 0) AS in_force_covered,
    COALESCE(d.signed_covered, 0) AS signed_covered,
    SUBSTR(
        CASE WHEN p.acsa_covered = 1 THEN ',ACSA' ELSE '' END
        || CASE WHEN p.data_sharing_covered = 1 THEN ',DATA_SHARING' ELSE '' END
        || CASE WHEN p.dca_covered = 1 THEN ',DCA' ELSE '' END
        || CASE WHEN p.deta_covered = 1 THEN ',DETA' ELSE '' END
        || CASE WHEN p.isa_covered = 1 THEN ',ISA' ELSE '' END
        || CASE WHEN p.moc_covered = 1 THEN ',MOC' ELSE '' END
        || CASE WHEN p.partnership_covered = 1 THEN ',PARTNERSHIP' ELSE '' END
        || CASE WHEN p.raa_covered = 1 THEN ',RAA' ELSE '' END
        || CASE WHEN p.sofa_covered = 1 THEN ',SOFA' ELSE '' END,
        2
    ) AS covered_types,
    d.in_force_slugs,
    d.signed_slugs,
    d.review_status
FROM pair_year p
LEFT JOIN dyad_year d ON d.year = p.year AND d.ccode1 = p.ccode1 AND d.ccode2 = p.ccode2
