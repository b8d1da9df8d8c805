-- agreement_status: one row per agreement with its current status and the
-- dates behind it, derived from its events (documented in acsa_db/sql/catalog.py).
--
-- v3: "today" is the end of the coverage (the latest last_covered_date of
-- collection_coverage), so that answers do not change with the day a query
-- runs; each date has its latest bound beside it (<date>_latest: the last day
-- of its month or year); an exchange of notes signs an instrument and puts it
-- into force at once; with no entry into force recorded, the earliest
-- amendment shows it in force (in_force_inferred); kinds the view does not
-- name (notices, initialling) change nothing.
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
    picked.review_status,
    -- The lineage: the first text of the chain of replacements it belongs to.
    picked.lineage_id,
    lineage.slug AS lineage_slug,
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
    CASE
        WHEN successor_in_force.id IS NOT NULL THEN CASE successor_in_force.date_precision
                WHEN 'year' THEN (SELECT y.ends_on FROM calendar_year y WHERE y.starts_on = successor_in_force.date)
                WHEN 'month' THEN (SELECT m.ends_on FROM calendar_month m WHERE m.starts_on = successor_in_force.date)
                ELSE successor_in_force.date
            END
        WHEN ended.id IS NOT NULL THEN CASE ended.date_precision
                WHEN 'year' THEN (SELECT y.ends_on FROM calendar_year y WHERE y.starts_on = ended.date)
                WHEN 'month' THEN (SELECT m.ends_on FROM calendar_month m WHERE m.starts_on = ended.date)
                ELSE ended.date
            END
        WHEN suspended.id IS NOT NULL THEN CASE suspended.date_precision
                WHEN 'year' THEN (SELECT y.ends_on FROM calendar_year y WHERE y.starts_on = suspended.date)
                WHEN 'month' THEN (SELECT m.ends_on FROM calendar_month m WHERE m.starts_on = suspended.date)
                ELSE suspended.date
            END
        WHEN in_force.id IS NOT NULL THEN CASE in_force.date_precision
                WHEN 'year' THEN (SELECT y.ends_on FROM calendar_year y WHERE y.starts_on = in_force.date)
                WHEN 'month' THEN (SELECT m.ends_on FROM calendar_month m WHERE m.starts_on = in_force.date)
                ELSE in_force.date
            END
        WHEN signed.id IS NOT NULL THEN CASE signed.date_precision
                WHEN 'year' THEN (SELECT y.ends_on FROM calendar_year y WHERE y.starts_on = signed.date)
                WHEN 'month' THEN (SELECT m.ends_on FROM calendar_month m WHERE m.starts_on = signed.date)
                ELSE signed.date
            END
        ELSE CASE negotiated.date_precision
                WHEN 'year' THEN (SELECT y.ends_on FROM calendar_year y WHERE y.starts_on = negotiated.date)
                WHEN 'month' THEN (SELECT m.ends_on FROM calendar_month m WHERE m.starts_on = negotiated.date)
                ELSE negotiated.date
            END
    END AS status_date_latest,
    negotiated.date AS negotiation_date,
    negotiated.date_precision AS negotiation_date_precision,
    CASE negotiated.date_precision
        WHEN 'year' THEN (SELECT y.ends_on FROM calendar_year y WHERE y.starts_on = negotiated.date)
        WHEN 'month' THEN (SELECT m.ends_on FROM calendar_month m WHERE m.starts_on = negotiated.date)
        ELSE negotiated.date
    END AS negotiation_date_latest,
    signed.date AS signature_date,
    signed.date_precision AS signature_date_precision,
    CASE signed.date_precision
        WHEN 'year' THEN (SELECT y.ends_on FROM calendar_year y WHERE y.starts_on = signed.date)
        WHEN 'month' THEN (SELECT m.ends_on FROM calendar_month m WHERE m.starts_on = signed.date)
        ELSE signed.date
    END AS signature_date_latest,
    in_force.date AS entry_into_force_date,
    in_force.date_precision AS entry_into_force_date_precision,
    CASE in_force.date_precision
        WHEN 'year' THEN (SELECT y.ends_on FROM calendar_year y WHERE y.starts_on = in_force.date)
        WHEN 'month' THEN (SELECT m.ends_on FROM calendar_month m WHERE m.starts_on = in_force.date)
        ELSE in_force.date
    END AS entry_into_force_date_latest,
    in_force.kind AS entry_into_force_basis,
    -- 1 when no entry into force, activation, exchange of notes or adoption is
    -- recorded and an amendment is the earliest evidence that it was in force.
    CASE WHEN in_force.kind = 'amendment' THEN 1 ELSE 0 END AS in_force_inferred,
    suspended.date AS suspension_date,
    suspended.date_precision AS suspension_date_precision,
    CASE suspended.date_precision
        WHEN 'year' THEN (SELECT y.ends_on FROM calendar_year y WHERE y.starts_on = suspended.date)
        WHEN 'month' THEN (SELECT m.ends_on FROM calendar_month m WHERE m.starts_on = suspended.date)
        ELSE suspended.date
    END AS suspension_date_latest,
    ended.date AS end_date,
    ended.date_precision AS end_date_precision,
    CASE ended.date_precision
        WHEN 'year' THEN (SELECT y.ends_on FROM calendar_year y WHERE y.starts_on = ended.date)
        WHEN 'month' THEN (SELECT m.ends_on FROM calendar_month m WHERE m.starts_on = ended.date)
        ELSE ended.date
    END AS end_date_latest,
    ended.kind AS end_kind,
    successor.id AS superseded_by_id,
    successor.slug AS superseded_by_slug,
    successor_in_force.date AS superseded_date,
    successor_in_force.date_precision AS superseded_date_precision,
    CASE successor_in_force.date_precision
        WHEN 'year' THEN (SELECT y.ends_on FROM calendar_year y WHERE y.starts_on = successor_in_force.date)
        WHEN 'month' THEN (SELECT m.ends_on FROM calendar_month m WHERE m.starts_on = successor_in_force.date)
        ELSE successor_in_force.date
    END AS superseded_date_latest
FROM (
    -- Each agreement with the id of the event behind each of its steps.
    SELECT
        a.id,
        a.slug,
        a.short_title,
        a.type_id,
        a.review_status,
        -- The first text of its chain of replacements: walk supersedes up from
        -- it (at most 100 steps, so that a cycle entered by mistake ends).
        (
            WITH RECURSIVE earlier(id, supersedes_id, steps) AS (
                SELECT a.id, a.supersedes_id, 0
                UNION ALL
                SELECT p.id, p.supersedes_id, earlier.steps + 1
                FROM agreement p
                JOIN earlier ON p.id = earlier.supersedes_id
                WHERE earlier.steps < 100
            )
            SELECT id FROM earlier ORDER BY steps DESC LIMIT 1
        ) AS lineage_id,
        (
            SELECT e.id FROM agreement_event e
            WHERE e.agreement_id = a.id
              AND e.kind IN ('negotiation_announced', 'negotiation_launch', 'agreement_in_principle')
              AND (e.date IS NULL OR e.date <= COALESCE((SELECT MAX(c.last_covered_date) FROM collection_coverage c), CURRENT_DATE))
            ORDER BY e.date IS NULL, e.date, e.id
            LIMIT 1
        ) AS negotiation_event_id,
        (
            SELECT e.id FROM agreement_event e
            WHERE e.agreement_id = a.id
              AND e.kind IN ('signature', 'adoption', 'exchange_of_notes')
              AND (e.date IS NULL OR e.date <= COALESCE((SELECT MAX(c.last_covered_date) FROM collection_coverage c), CURRENT_DATE))
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
                  AND e.kind IN ('entry_into_force', 'activation', 'exchange_of_notes')
                  AND (e.date IS NULL OR e.date <= COALESCE((SELECT MAX(c.last_covered_date) FROM collection_coverage c), CURRENT_DATE))
                ORDER BY e.date IS NULL, e.date, e.id
                LIMIT 1
            ),
            (
                SELECT e.id FROM agreement_event e
                WHERE e.agreement_id = a.id
                  AND e.kind = 'adoption'
                  AND (e.date IS NULL OR e.date <= COALESCE((SELECT MAX(c.last_covered_date) FROM collection_coverage c), CURRENT_DATE))
                ORDER BY e.date IS NULL, e.date, e.id
                LIMIT 1
            ),
            -- With neither recorded, the earliest dated amendment: an agreement
            -- that was amended was in force by then (in_force_inferred says so).
            (
                SELECT e.id FROM agreement_event e
                WHERE e.agreement_id = a.id
                  AND e.kind = 'amendment'
                  AND e.date <= COALESCE((SELECT MAX(c.last_covered_date) FROM collection_coverage c), CURRENT_DATE)
                ORDER BY e.date, e.id
                LIMIT 1
            )
        ) AS effect_event_id,
        -- A party's own suspension or termination (its withdrawal) suspends or
        -- ends the whole agreement only when the agreement has at most two parties.
        (
            SELECT e.id FROM agreement_event e
            WHERE e.agreement_id = a.id
              AND e.kind IN ('suspension', 'reinstatement')
              AND (e.date IS NULL OR e.date <= COALESCE((SELECT MAX(c.last_covered_date) FROM collection_coverage c), CURRENT_DATE))
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
              AND (e.date IS NULL OR e.date <= COALESCE((SELECT MAX(c.last_covered_date) FROM collection_coverage c), CURRENT_DATE))
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
                      AND e.kind IN ('entry_into_force', 'activation', 'exchange_of_notes')
                      AND (e.date IS NULL OR e.date <= COALESCE((SELECT MAX(c.last_covered_date) FROM collection_coverage c), CURRENT_DATE))
                    ORDER BY e.date IS NULL, e.date, e.id
                    LIMIT 1
                ),
                (
                    SELECT e.id FROM agreement_event e
                    WHERE e.agreement_id = s.id
                      AND e.kind = 'adoption'
                      AND (e.date IS NULL OR e.date <= COALESCE((SELECT MAX(c.last_covered_date) FROM collection_coverage c), CURRENT_DATE))
                    ORDER BY e.date IS NULL, e.date, e.id
                    LIMIT 1
                ),
                (
                    SELECT e.id FROM agreement_event e
                    WHERE e.agreement_id = s.id
                      AND e.kind = 'amendment'
                      AND e.date <= COALESCE((SELECT MAX(c.last_covered_date) FROM collection_coverage c), CURRENT_DATE)
                    ORDER BY e.date, e.id
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
JOIN agreement lineage ON lineage.id = picked.lineage_id
LEFT JOIN agreement_event negotiated ON negotiated.id = picked.negotiation_event_id
LEFT JOIN agreement_event signed ON signed.id = picked.signature_event_id
LEFT JOIN agreement_event in_force ON in_force.id = picked.effect_event_id
-- Only the latest suspension or reinstatement counts, and only a suspension suspends.
LEFT JOIN agreement_event suspended ON suspended.id = picked.suspension_event_id AND suspended.kind = 'suspension'
LEFT JOIN agreement_event ended ON ended.id = picked.end_event_id
LEFT JOIN agreement_event successor_in_force ON successor_in_force.id = picked.successor_effect_event_id
LEFT JOIN agreement successor ON successor.id = successor_in_force.agreement_id
