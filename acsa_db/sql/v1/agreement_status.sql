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
party_count AS (
    SELECT agreement_id, COUNT(*) AS parties
    FROM agreement_party
    WHERE role = 'party'
    GROUP BY agreement_id
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
    LEFT JOIN party_count pc ON pc.agreement_id = e.agreement_id
    WHERE (e.date IS NULL OR e.date <= CURRENT_DATE)
      AND (e.party_id IS NULL OR s.step NOT IN ('suspension', 'end') OR COALESCE(pc.parties, 0) <= 2)
),
in_force AS (
    -- When the agreement took effect: its first entry into force or
    -- activation, else its adoption.
    SELECT
        a.id AS agreement_id,
        CASE WHEN eif.id IS NOT NULL THEN eif.kind ELSE adoption.kind END AS basis,
        CASE WHEN eif.id IS NOT NULL THEN eif.date ELSE adoption.date END AS date,
        CASE WHEN eif.id IS NOT NULL THEN eif.date_precision ELSE adoption.date_precision END
            AS date_precision
    FROM agreement a
    LEFT JOIN step_event eif
        ON eif.agreement_id = a.id AND eif.step = 'entry_into_force' AND eif.first_rank = 1
    LEFT JOIN step_event adoption
        ON adoption.agreement_id = a.id AND adoption.step = 'adoption' AND adoption.first_rank = 1
    WHERE eif.id IS NOT NULL OR adoption.id IS NOT NULL
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
        WHEN ended.id IS NOT NULL THEN 'terminated'
        WHEN suspension.kind = 'suspension' THEN 'suspended'
        WHEN in_force.agreement_id IS NOT NULL THEN 'in_force'
        WHEN signature.id IS NOT NULL THEN 'signed'
        ELSE 'negotiating'
    END AS status,
    CASE
        WHEN successor.agreement_id IS NOT NULL THEN successor.date
        WHEN ended.id IS NOT NULL THEN ended.date
        WHEN suspension.kind = 'suspension' THEN suspension.date
        WHEN in_force.agreement_id IS NOT NULL THEN in_force.date
        WHEN signature.id IS NOT NULL THEN signature.date
        ELSE negotiation.date
    END AS status_date,
    CASE
        WHEN successor.agreement_id IS NOT NULL THEN successor.date_precision
        WHEN ended.id IS NOT NULL THEN ended.date_precision
        WHEN suspension.kind = 'suspension' THEN suspension.date_precision
        WHEN in_force.agreement_id IS NOT NULL THEN in_force.date_precision
        WHEN signature.id IS NOT NULL THEN signature.date_precision
        ELSE negotiation.date_precision
    END AS status_date_precision,
    negotiation.date AS negotiation_date,
    negotiation.date_precision AS negotiation_date_precision,
    signature.date AS signature_date,
    signature.date_precision AS signature_date_precision,
    in_force.date AS entry_into_force_date,
    in_force.date_precision AS entry_into_force_date_precision,
    in_force.basis AS entry_into_force_basis,
    CASE WHEN suspension.kind = 'suspension' THEN suspension.date END AS suspension_date,
    CASE WHEN suspension.kind = 'suspension' THEN suspension.date_precision END AS suspension_date_precision,
    ended.date AS end_date,
    ended.date_precision AS end_date_precision,
    ended.kind AS end_kind,
    successor.successor_id AS superseded_by_id,
    successor.successor_slug AS superseded_by_slug,
    successor.date AS superseded_date,
    successor.date_precision AS superseded_date_precision
FROM agreement a
JOIN agreement_type t ON t.id = a.type_id
LEFT JOIN step_event negotiation
    ON negotiation.agreement_id = a.id AND negotiation.step = 'negotiation' AND negotiation.first_rank = 1
LEFT JOIN step_event signature
    ON signature.agreement_id = a.id AND signature.step = 'signature' AND signature.first_rank = 1
LEFT JOIN in_force ON in_force.agreement_id = a.id
LEFT JOIN step_event suspension
    ON suspension.agreement_id = a.id AND suspension.step = 'suspension' AND suspension.last_rank = 1
LEFT JOIN step_event ended ON ended.agreement_id = a.id AND ended.step = 'end' AND ended.first_rank = 1
LEFT JOIN successor ON successor.agreement_id = a.id AND successor.rank = 1
