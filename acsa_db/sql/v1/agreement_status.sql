-- agreement_status: one row per agreement with its current status and the
-- dates behind it, derived from its events (documented in acsa_db/sql/catalog.py).
WITH step_kind AS (
    -- Which event kinds mark each step of an agreement's life. An adoption
    -- (a non-treaty instrument) both concludes it and, unless an entry into
    -- force or activation is recorded, puts it into effect.
    SELECT column1 AS kind, column2 AS step
    FROM (
        VALUES
            ('negotiation_announced', 'negotiation'),
            ('negotiation_launch', 'negotiation'),
            ('agreement_in_principle', 'negotiation'),
            ('signature', 'signature'),
            ('adoption', 'signature'),
            ('adoption', 'adoption'),
            ('entry_into_force', 'entry_into_force'),
            ('activation', 'entry_into_force'),
            ('suspension', 'suspension'),
            ('reinstatement', 'suspension'),
            ('termination', 'end'),
            ('expiry', 'end')
    ) AS step_kind_row
),
step_event AS (
    -- Events that have happened by today (an undated event is known to have
    -- happened), ranked within each step from the earliest and from the latest.
    -- A party's own suspension or termination (its withdrawal) suspends or ends
    -- the whole agreement only when the agreement has at most two parties.
    SELECT
        e.id,
        e.agreement_id,
        e.kind,
        e.date,
        e.date_precision,
        s.step,
        ROW_NUMBER() OVER (
            PARTITION BY e.agreement_id, s.step ORDER BY e.date IS NULL, e.date, e.id
        ) AS first_rank,
        ROW_NUMBER() OVER (
            PARTITION BY e.agreement_id, s.step ORDER BY e.date IS NULL, e.date DESC, e.id DESC
        ) AS last_rank
    FROM agreement_event e
    JOIN step_kind s ON s.kind = e.kind
    WHERE (e.date IS NULL OR e.date <= CURRENT_DATE)
      AND (
          e.party_id IS NULL
          OR s.step NOT IN ('suspension', 'end')
          OR (SELECT COUNT(*) FROM agreement_party p WHERE p.agreement_id = e.agreement_id AND p.role = 'party') <= 2
      )
),
step AS (
    -- One row per agreement with events: the earliest event of each step (the
    -- latest, for suspensions and reinstatements), pivoted into columns. Each
    -- MAX sees at most one row, the ranked one; the flags tell an undated event
    -- from no event.
    SELECT
        agreement_id,
        MAX(CASE WHEN step = 'negotiation' AND first_rank = 1 THEN 1 ELSE 0 END) AS negotiated,
        MAX(CASE WHEN step = 'negotiation' AND first_rank = 1 THEN date END) AS negotiation_date,
        MAX(CASE WHEN step = 'negotiation' AND first_rank = 1 THEN date_precision END) AS negotiation_date_precision,
        MAX(CASE WHEN step = 'signature' AND first_rank = 1 THEN 1 ELSE 0 END) AS signed,
        MAX(CASE WHEN step = 'signature' AND first_rank = 1 THEN date END) AS signature_date,
        MAX(CASE WHEN step = 'signature' AND first_rank = 1 THEN date_precision END) AS signature_date_precision,
        MAX(CASE WHEN step = 'entry_into_force' AND first_rank = 1 THEN 1 ELSE 0 END) AS took_effect,
        MAX(CASE WHEN step = 'entry_into_force' AND first_rank = 1 THEN kind END) AS effect_kind,
        MAX(CASE WHEN step = 'entry_into_force' AND first_rank = 1 THEN date END) AS effect_date,
        MAX(CASE WHEN step = 'entry_into_force' AND first_rank = 1 THEN date_precision END) AS effect_date_precision,
        MAX(CASE WHEN step = 'adoption' AND first_rank = 1 THEN 1 ELSE 0 END) AS adopted,
        MAX(CASE WHEN step = 'adoption' AND first_rank = 1 THEN date END) AS adoption_date,
        MAX(CASE WHEN step = 'adoption' AND first_rank = 1 THEN date_precision END) AS adoption_date_precision,
        MAX(CASE WHEN step = 'suspension' AND last_rank = 1 AND kind = 'suspension' THEN 1 ELSE 0 END) AS suspended,
        MAX(CASE WHEN step = 'suspension' AND last_rank = 1 AND kind = 'suspension' THEN date END) AS suspension_date,
        MAX(CASE WHEN step = 'suspension' AND last_rank = 1 AND kind = 'suspension' THEN date_precision END)
            AS suspension_date_precision,
        MAX(CASE WHEN step = 'end' AND first_rank = 1 THEN 1 ELSE 0 END) AS ended,
        MAX(CASE WHEN step = 'end' AND first_rank = 1 THEN kind END) AS end_kind,
        MAX(CASE WHEN step = 'end' AND first_rank = 1 THEN date END) AS end_date,
        MAX(CASE WHEN step = 'end' AND first_rank = 1 THEN date_precision END) AS end_date_precision
    FROM step_event
    GROUP BY agreement_id
),
in_force AS (
    -- When the agreement took effect: its first entry into force or
    -- activation, else its adoption.
    SELECT
        agreement_id,
        CASE WHEN took_effect = 1 THEN effect_kind ELSE 'adoption' END AS basis,
        CASE WHEN took_effect = 1 THEN effect_date ELSE adoption_date END AS date,
        CASE WHEN took_effect = 1 THEN effect_date_precision ELSE adoption_date_precision END AS date_precision
    FROM step
    WHERE took_effect = 1 OR adopted = 1
),
successor AS (
    -- The agreements that supersede another and have taken effect, the earliest first.
    SELECT
        a.supersedes_id AS agreement_id,
        a.id AS successor_id,
        a.slug AS successor_slug,
        f.date,
        f.date_precision,
        ROW_NUMBER() OVER (PARTITION BY a.supersedes_id ORDER BY f.date IS NULL, f.date, a.id) AS rank
    FROM agreement a
    JOIN in_force f ON f.agreement_id = a.id
    WHERE a.supersedes_id IS NOT NULL
)
SELECT
    a.id AS agreement_id,
    a.slug AS agreement_slug,
    a.short_title,
    t.code AS type_code,
    CASE
        WHEN successor.agreement_id IS NOT NULL THEN 'superseded'
        WHEN step.ended = 1 THEN 'terminated'
        WHEN step.suspended = 1 THEN 'suspended'
        WHEN in_force.agreement_id IS NOT NULL THEN 'in_force'
        WHEN step.signed = 1 THEN 'signed'
        ELSE 'negotiating'
    END AS status,
    CASE
        WHEN successor.agreement_id IS NOT NULL THEN successor.date
        WHEN step.ended = 1 THEN step.end_date
        WHEN step.suspended = 1 THEN step.suspension_date
        WHEN in_force.agreement_id IS NOT NULL THEN in_force.date
        WHEN step.signed = 1 THEN step.signature_date
        ELSE step.negotiation_date
    END AS status_date,
    CASE
        WHEN successor.agreement_id IS NOT NULL THEN successor.date_precision
        WHEN step.ended = 1 THEN step.end_date_precision
        WHEN step.suspended = 1 THEN step.suspension_date_precision
        WHEN in_force.agreement_id IS NOT NULL THEN in_force.date_precision
        WHEN step.signed = 1 THEN step.signature_date_precision
        ELSE step.negotiation_date_precision
    END AS status_date_precision,
    step.negotiation_date,
    step.negotiation_date_precision,
    step.signature_date,
    step.signature_date_precision,
    in_force.date AS entry_into_force_date,
    in_force.date_precision AS entry_into_force_date_precision,
    in_force.basis AS entry_into_force_basis,
    step.suspension_date,
    step.suspension_date_precision,
    step.end_date,
    step.end_date_precision,
    step.end_kind,
    successor.successor_id AS superseded_by_id,
    successor.successor_slug AS superseded_by_slug,
    successor.date AS superseded_date,
    successor.date_precision AS superseded_date_precision
FROM agreement a
JOIN agreement_type t ON t.id = a.type_id
LEFT JOIN step ON step.agreement_id = a.id
LEFT JOIN in_force ON in_force.agreement_id = a.id
LEFT JOIN successor ON successor.agreement_id = a.id AND successor.rank = 1
