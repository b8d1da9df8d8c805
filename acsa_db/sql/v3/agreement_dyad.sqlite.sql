-- agreement_dyad: one row per agreement and unordered pair of its state
-- parties (documented in acsa_db/sql/catalog.py).
--
-- Written so that a filter on agreement_id or on a country reaches the base
-- tables' indexes: each party's own events are picked by correlated
-- subqueries (not ranked over the whole event table) and the agreement's
-- dates come from agreement_status, which answers one agreement at a time.
WITH state_party AS NOT MATERIALIZED (
    -- Each state that is party to an agreement or has signed it, with its own
    -- earliest event of each step where it acted alone (signed, ratified or
    -- withdrew on its own date), by today.
    SELECT
        p.id AS party_id,
        p.agreement_id,
        p.role,
        c.id AS country_id,
        c.cow_code,
        c.cow_abbrev,
        c.iso3,
        c.name,
        (
            SELECT e.id FROM agreement_event e
            WHERE e.party_id = p.id
              AND e.kind IN ('signature', 'adoption', 'exchange_of_notes')
              AND (e.date IS NULL OR e.date <= COALESCE((SELECT MAX(c.last_covered_date) FROM collection_coverage c), CURRENT_DATE))
            ORDER BY e.date IS NULL, e.date, e.id
            LIMIT 1
        ) AS own_signature_id,
        (
            SELECT e.id FROM agreement_event e
            WHERE e.party_id = p.id
              AND e.kind IN ('entry_into_force', 'activation', 'exchange_of_notes')
              AND (e.date IS NULL OR e.date <= COALESCE((SELECT MAX(c.last_covered_date) FROM collection_coverage c), CURRENT_DATE))
            ORDER BY e.date IS NULL, e.date, e.id
            LIMIT 1
        ) AS own_in_force_id,
        (
            SELECT e.id FROM agreement_event e
            WHERE e.party_id = p.id
              AND e.kind IN ('termination', 'expiry')
              AND (e.date IS NULL OR e.date <= COALESCE((SELECT MAX(c.last_covered_date) FROM collection_coverage c), CURRENT_DATE))
            ORDER BY e.date IS NULL, e.date, e.id
            LIMIT 1
        ) AS own_end_id
    FROM agreement_party p
    JOIN country c ON c.id = p.country_id
    WHERE p.role IN ('party', 'signatory')
),
pair AS (
    -- Each unordered pair once (ordered by COW code, then, for states without
    -- one, after every state that has one, by ISO code), with each state's
    -- dates: its own event where it acted alone, else the agreement's. Only a
    -- party (not a mere signatory) can have the agreement in force.
    SELECT
        one.agreement_id,
        s.agreement_slug,
        s.type_code,
        s.status,
        s.review_status,
        s.lineage_id,
        s.lineage_slug,
        -- Inferred when a state's entry into force is the agreement's, and the
        -- agreement's is inferred from an amendment.
        CASE
            WHEN one_in_force.id IS NULL OR two_in_force.id IS NULL THEN s.in_force_inferred ELSE 0
        END AS in_force_inferred,
        s.end_date AS agreement_end_date,
        s.end_date_precision AS agreement_end_date_precision,
        s.superseded_date,
        s.superseded_date_precision,
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
        two.role AS role2,
        CASE WHEN one_signature.id IS NOT NULL THEN one_signature.date ELSE s.signature_date END
            AS signature_date1,
        CASE WHEN one_signature.id IS NOT NULL THEN one_signature.date_precision ELSE s.signature_date_precision END
            AS signature_date_precision1,
        CASE WHEN two_signature.id IS NOT NULL THEN two_signature.date ELSE s.signature_date END
            AS signature_date2,
        CASE WHEN two_signature.id IS NOT NULL THEN two_signature.date_precision ELSE s.signature_date_precision END
            AS signature_date_precision2,
        CASE
            WHEN one.role <> 'party' THEN NULL
            WHEN one_in_force.id IS NOT NULL THEN one_in_force.date
            ELSE s.entry_into_force_date
        END AS entry_into_force_date1,
        CASE
            WHEN one.role <> 'party' THEN NULL
            WHEN one_in_force.id IS NOT NULL THEN one_in_force.date_precision
            ELSE s.entry_into_force_date_precision
        END AS entry_into_force_date_precision1,
        CASE
            WHEN two.role <> 'party' THEN NULL
            WHEN two_in_force.id IS NOT NULL THEN two_in_force.date
            ELSE s.entry_into_force_date
        END AS entry_into_force_date2,
        CASE
            WHEN two.role <> 'party' THEN NULL
            WHEN two_in_force.id IS NOT NULL THEN two_in_force.date_precision
            ELSE s.entry_into_force_date_precision
        END AS entry_into_force_date_precision2,
        one_end.date AS own_end_date1,
        one_end.date_precision AS own_end_date_precision1,
        two_end.date AS own_end_date2,
        two_end.date_precision AS own_end_date_precision2
    FROM state_party one
    JOIN state_party two
        ON two.agreement_id = one.agreement_id
        AND (
            one.cow_code < two.cow_code
            OR (one.cow_code IS NOT NULL AND two.cow_code IS NULL)
            OR (one.cow_code IS NULL AND two.cow_code IS NULL AND one.iso3 < two.iso3)
        )
    JOIN agreement_status s ON s.agreement_id = one.agreement_id
    LEFT JOIN agreement_event one_signature ON one_signature.id = one.own_signature_id
    LEFT JOIN agreement_event two_signature ON two_signature.id = two.own_signature_id
    LEFT JOIN agreement_event one_in_force ON one_in_force.id = one.own_in_force_id
    LEFT JOIN agreement_event two_in_force ON two_in_force.id = two.own_in_force_id
    LEFT JOIN agreement_event one_end ON one_end.id = one.own_end_id
    LEFT JOIN agreement_event two_end ON two_end.id = two.own_end_id
),
pair_end AS (
    -- What can end the agreement between the pair: its own end, its
    -- replacement taking effect, or either state's withdrawal; the earliest.
    SELECT
        pair.*,
        (
            SELECT MIN(candidate.date)
            FROM (
                SELECT pair.agreement_end_date AS date
                UNION ALL SELECT pair.superseded_date
                UNION ALL SELECT pair.own_end_date1
                UNION ALL SELECT pair.own_end_date2
            ) AS candidate
        ) AS end_date
    FROM pair
),
dated AS (
    -- The pair's dates and precisions; their latest bounds are added below.
    SELECT
        agreement_id,
        agreement_slug,
        type_code,
        status,
        review_status,
        lineage_id,
        lineage_slug,
        in_force_inferred,
        country1_id,
        ccode1,
        cow_abbrev1,
        iso3_1,
        name1,
        role1,
        country2_id,
        ccode2,
        cow_abbrev2,
        iso3_2,
        name2,
        role2,
        -- The pair's signature and entry into force are the later of the two
        -- states'; when both fall on the same date, the coarser precision holds.
        CASE
            WHEN signature_date1 IS NULL OR signature_date2 IS NULL THEN NULL
            WHEN signature_date1 >= signature_date2 THEN signature_date1
            ELSE signature_date2
        END AS signature_date,
        CASE
            WHEN signature_date1 IS NULL OR signature_date2 IS NULL THEN NULL
            WHEN signature_date1 > signature_date2 THEN signature_date_precision1
            WHEN signature_date2 > signature_date1 THEN signature_date_precision2
            WHEN 'year' IN (signature_date_precision1, signature_date_precision2) THEN 'year'
            WHEN 'month' IN (signature_date_precision1, signature_date_precision2) THEN 'month'
            ELSE 'day'
        END AS signature_date_precision,
        CASE
            WHEN entry_into_force_date1 IS NULL OR entry_into_force_date2 IS NULL THEN NULL
            WHEN entry_into_force_date1 >= entry_into_force_date2 THEN entry_into_force_date1
            ELSE entry_into_force_date2
        END AS entry_into_force_date,
        CASE
            WHEN entry_into_force_date1 IS NULL OR entry_into_force_date2 IS NULL THEN NULL
            WHEN entry_into_force_date1 > entry_into_force_date2 THEN entry_into_force_date_precision1
            WHEN entry_into_force_date2 > entry_into_force_date1 THEN entry_into_force_date_precision2
            WHEN 'year' IN (entry_into_force_date_precision1, entry_into_force_date_precision2) THEN 'year'
            WHEN 'month' IN (entry_into_force_date_precision1, entry_into_force_date_precision2) THEN 'month'
            ELSE 'day'
        END AS entry_into_force_date_precision,
        end_date,
        -- On the same date, the coarser precision of the candidates holds.
        CASE
            WHEN end_date IS NULL THEN NULL
            WHEN (agreement_end_date = end_date AND agreement_end_date_precision = 'year')
                OR (superseded_date = end_date AND superseded_date_precision = 'year')
                OR (own_end_date1 = end_date AND own_end_date_precision1 = 'year')
                OR (own_end_date2 = end_date AND own_end_date_precision2 = 'year')
            THEN 'year'
            WHEN (agreement_end_date = end_date AND agreement_end_date_precision = 'month')
                OR (superseded_date = end_date AND superseded_date_precision = 'month')
                OR (own_end_date1 = end_date AND own_end_date_precision1 = 'month')
                OR (own_end_date2 = end_date AND own_end_date_precision2 = 'month')
            THEN 'month'
            ELSE 'day'
        END AS end_date_precision
    FROM pair_end
)
SELECT
    agreement_id, agreement_slug, type_code, status, review_status, lineage_id, lineage_slug,
    country1_id, ccode1, cow_abbrev1, iso3_1, name1, role1,
    country2_id, ccode2, cow_abbrev2, iso3_2, name2, role2,
    signature_date,
    signature_date_precision,
    CASE signature_date_precision
        WHEN 'year' THEN (SELECT y.ends_on FROM calendar_year y WHERE y.starts_on = signature_date)
        WHEN 'month' THEN (SELECT m.ends_on FROM calendar_month m WHERE m.starts_on = signature_date)
        ELSE signature_date
    END AS signature_date_latest,
    entry_into_force_date,
    entry_into_force_date_precision,
    CASE entry_into_force_date_precision
        WHEN 'year' THEN (SELECT y.ends_on FROM calendar_year y WHERE y.starts_on = entry_into_force_date)
        WHEN 'month' THEN (SELECT m.ends_on FROM calendar_month m WHERE m.starts_on = entry_into_force_date)
        ELSE entry_into_force_date
    END AS entry_into_force_date_latest,
    in_force_inferred,
    end_date,
    end_date_precision,
    CASE end_date_precision
        WHEN 'year' THEN (SELECT y.ends_on FROM calendar_year y WHERE y.starts_on = end_date)
        WHEN 'month' THEN (SELECT m.ends_on FROM calendar_month m WHERE m.starts_on = end_date)
        ELSE end_date
    END AS end_date_latest
FROM dated
