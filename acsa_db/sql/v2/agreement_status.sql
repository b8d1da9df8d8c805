-- agreement_status: one row per agreement with its current status and the
-- dates behind it, derived from its events (documented in acsa_db/sql/catalog.py).
--
-- Each step's event is picked per agreement by a correlated subquery (ORDER BY
-- ... LIMIT 1) rather than ranked over the whole event table, so that a filter
-- on agreement_id (or a join to one agreement) reads that agreement's events
-- through their index and nothing else. Events that have happened by today
-- count (an undated event is known to have happened); the earliest of a step
-- counts, dated before undated; for suspensions and reinstatements, the latest.
-- No WITH clause: PostgreSQL does not merge a view that has one into the query
-- that reads it, so a join to this view (agreement_dyad's, one agreement per
-- pair) would compute every agreement's status before joining.
SELECT
    picked.id AS agreement_id,
    picked.slug AS agreement_slug,
    picked.short_title,
    t.code AS type_code,
    CASE
        WHEN successor_in_force.id IS NOT NULL THEN 'superseded'
        WHEN ended.id IS NOT NULL THEN 'terminated'
        WHEN suspended.id IS NOT NULL THEN 'suspended'
        WHEN in_force.id IS NOT NULL THEN 'in_force'
        WHEN signed.id IS NOT NULL THEN 'signed'
        ELSE 'negotiating'
    END AS status,
    CASE
        WHEN successor_in_force.id IS NOT NULL THEN successor_in_force.date
        WHEN ended.id IS NOT NULL THEN ended.date
        WHEN suspended.id IS NOT NULL THEN suspended.date
        WHEN in_force.id IS NOT NULL THEN in_force.date
        WHEN signed.id IS NOT NULL THEN signed.date
        ELSE negotiated.date
    END AS status_date,
    CASE
        WHEN successor_in_force.id IS NOT NULL THEN successor_in_force.date_precision
        WHEN ended.id IS NOT NULL THEN ended.date_precision
        WHEN suspended.id IS NOT NULL THEN suspended.date_precision
        WHEN in_force.id IS NOT NULL THEN in_force.date_precision
        WHEN signed.id IS NOT NULL THEN signed.date_precision
        ELSE negotiated.date_precision
    END AS status_date_precision,
    negotiated.date AS negotiation_date,
    negotiated.date_precision AS negotiation_date_precision,
    signed.date AS signature_date,
    signed.date_precision AS signature_date_precision,
    in_force.date AS entry_into_force_date,
    in_force.date_precision AS entry_into_force_date_precision,
    in_force.kind AS entry_into_force_basis,
    suspended.date AS suspension_date,
    suspended.date_precision AS suspension_date_precision,
    ended.date AS end_date,
    ended.date_precision AS end_date_precision,
    ended.kind AS end_kind,
    successor.id AS superseded_by_id,
    successor.slug AS superseded_by_slug,
    successor_in_force.date AS superseded_date,
    successor_in_force.date_precision AS superseded_date_precision
FROM (
    -- Each agreement with the id of the event behind each of its steps.
    SELECT
        a.id,
        a.slug,
        a.short_title,
        a.type_id,
        (
            SELECT e.id FROM agreement_event e
            WHERE e.agreement_id = a.id
              AND e.kind IN ('negotiation_announced', 'negotiation_launch', 'agreement_in_principle')
              AND (e.date IS NULL OR e.date <= CURRENT_DATE)
            ORDER BY e.date IS NULL, e.date, e.id
            LIMIT 1
        ) AS negotiation_event_id,
        (
            SELECT e.id FROM agreement_event e
            WHERE e.agreement_id = a.id
              AND e.kind IN ('signature', 'adoption')
              AND (e.date IS NULL OR e.date <= CURRENT_DATE)
            ORDER BY e.date IS NULL, e.date, e.id
            LIMIT 1
        ) AS signature_event_id,
        -- What put it into effect: its first entry into force or activation,
        -- else its adoption (a non-treaty instrument both concludes it and
        -- puts it into effect).
        COALESCE(
            (
                SELECT e.id FROM agreement_event e
                WHERE e.agreement_id = a.id
                  AND e.kind IN ('entry_into_force', 'activation')
                  AND (e.date IS NULL OR e.date <= CURRENT_DATE)
                ORDER BY e.date IS NULL, e.date, e.id
                LIMIT 1
            ),
            (
                SELECT e.id FROM agreement_event e
                WHERE e.agreement_id = a.id
                  AND e.kind = 'adoption'
                  AND (e.date IS NULL OR e.date <= CURRENT_DATE)
                ORDER BY e.date IS NULL, e.date, e.id
                LIMIT 1
            )
        ) AS effect_event_id,
        -- A party's own suspension or termination (its withdrawal) suspends or
        -- ends the whole agreement only when the agreement has at most two parties.
        (
            SELECT e.id FROM agreement_event e
            WHERE e.agreement_id = a.id
              AND e.kind IN ('suspension', 'reinstatement')
              AND (e.date IS NULL OR e.date <= CURRENT_DATE)
              AND (
                  e.party_id IS NULL
                  OR (SELECT COUNT(*) FROM agreement_party p WHERE p.agreement_id = a.id AND p.role = 'party') <= 2
              )
            ORDER BY e.date IS NULL, e.date DESC, e.id DESC
            LIMIT 1
        ) AS suspension_event_id,
        (
            SELECT e.id FROM agreement_event e
            WHERE e.agreement_id = a.id
              AND e.kind IN ('termination', 'expiry')
              AND (e.date IS NULL OR e.date <= CURRENT_DATE)
              AND (
                  e.party_id IS NULL
                  OR (SELECT COUNT(*) FROM agreement_party p WHERE p.agreement_id = a.id AND p.role = 'party') <= 2
              )
            ORDER BY e.date IS NULL, e.date, e.id
            LIMIT 1
        ) AS end_event_id,
        -- Of the agreements that supersede it and have taken effect, the
        -- earliest: the event that put it into effect (and, through it, the agreement).
        (
            SELECT f.id
            FROM agreement s
            JOIN agreement_event f ON f.id = COALESCE(
                (
                    SELECT e.id FROM agreement_event e
                    WHERE e.agreement_id = s.id
                      AND e.kind IN ('entry_into_force', 'activation')
                      AND (e.date IS NULL OR e.date <= CURRENT_DATE)
                    ORDER BY e.date IS NULL, e.date, e.id
                    LIMIT 1
                ),
                (
                    SELECT e.id FROM agreement_event e
                    WHERE e.agreement_id = s.id
                      AND e.kind = 'adoption'
                      AND (e.date IS NULL OR e.date <= CURRENT_DATE)
                    ORDER BY e.date IS NULL, e.date, e.id
                    LIMIT 1
                )
            )
            WHERE s.supersedes_id = a.id
            ORDER BY f.date IS NULL, f.date, s.id
            LIMIT 1
        ) AS successor_effect_event_id
    FROM agreement a
) AS picked
JOIN agreement_type t ON t.id = picked.type_id
LEFT JOIN agreement_event negotiated ON negotiated.id = picked.negotiation_event_id
LEFT JOIN agreement_event signed ON signed.id = picked.signature_event_id
LEFT JOIN agreement_event in_force ON in_force.id = picked.effect_event_id
-- Only the latest suspension or reinstatement counts, and only a suspension suspends.
LEFT JOIN agreement_event suspended ON suspended.id = picked.suspension_event_id AND suspended.kind = 'suspension'
LEFT JOIN agreement_event ended ON ended.id = picked.end_event_id
LEFT JOIN agreement_event successor_in_force ON successor_in_force.id = picked.successor_effect_event_id
LEFT JOIN agreement successor ON successor.id = successor_in_force.agreement_id
