-- agreement_dyad: one row per agreement and unordered pair of its state
-- parties (documented in acsa_db/sql/catalog.py).
WITH step_kind AS (
    SELECT column1 AS kind, column2 AS step
    FROM (
        VALUES
            ('signature', 'signature'),
            ('adoption', 'signature'),
            ('entry_into_force', 'entry_into_force'),
            ('activation', 'entry_into_force'),
            ('termination', 'end'),
            ('expiry', 'end')
    ) AS step_kind_row
),
status AS (
    -- Read once: the agreement's own dates, end and replacement.
    SELECT * FROM agreement_status
),
own_event AS (
    -- Each party's earliest event of each step where it acted alone (signed,
    -- ratified or withdrew on its own date), by today.
    SELECT party_id, step, date, date_precision
    FROM (
        SELECT
            e.party_id,
            s.step,
            e.date,
            e.date_precision,
            ROW_NUMBER() OVER (PARTITION BY e.party_id, s.step ORDER BY e.date IS NULL, e.date, e.id) AS rank
        FROM agreement_event e
        JOIN step_kind s ON s.kind = e.kind
        WHERE e.party_id IS NOT NULL AND (e.date IS NULL OR e.date <= CURRENT_DATE)
    ) AS ranked
    WHERE rank = 1
),
state_party AS (
    -- Each state that is party to an agreement or has signed it, with the dates
    -- that apply to it: its own event where it acted alone, else the agreement's.
    -- Only a party (not a mere signatory) can have the agreement in force.
    SELECT
        p.id AS party_id,
        p.agreement_id,
        p.role,
        c.id AS country_id,
        c.cow_code,
        c.cow_abbrev,
        c.iso3,
        c.name,
        CASE WHEN own_signature.step IS NOT NULL THEN own_signature.date ELSE s.signature_date END
            AS signature_date,
        CASE
            WHEN own_signature.step IS NOT NULL THEN own_signature.date_precision
            ELSE s.signature_date_precision
        END AS signature_date_precision,
        CASE
            WHEN p.role <> 'party' THEN NULL
            WHEN own_in_force.step IS NOT NULL THEN own_in_force.date
            ELSE s.entry_into_force_date
        END AS entry_into_force_date,
        CASE
            WHEN p.role <> 'party' THEN NULL
            WHEN own_in_force.step IS NOT NULL THEN own_in_force.date_precision
            ELSE s.entry_into_force_date_precision
        END AS entry_into_force_date_precision,
        own_end.date AS own_end_date,
        own_end.date_precision AS own_end_date_precision
    FROM agreement_party p
    JOIN country c ON c.id = p.country_id
    JOIN status s ON s.agreement_id = p.agreement_id
    LEFT JOIN own_event own_signature ON own_signature.party_id = p.id AND own_signature.step = 'signature'
    LEFT JOIN own_event own_in_force ON own_in_force.party_id = p.id AND own_in_force.step = 'entry_into_force'
    LEFT JOIN own_event own_end ON own_end.party_id = p.id AND own_end.step = 'end'
    WHERE p.role IN ('party', 'signatory')
),
pair AS (
    -- Each unordered pair once: ordered by COW code, then (for states without
    -- one) after every state that has one, by ISO code.
    SELECT
        one.agreement_id,
        one.party_id AS party1_id,
        two.party_id AS party2_id
    FROM state_party one
    JOIN state_party two
        ON two.agreement_id = one.agreement_id
        AND (
            one.cow_code < two.cow_code
            OR (one.cow_code IS NOT NULL AND two.cow_code IS NULL)
            OR (one.cow_code IS NULL AND two.cow_code IS NULL AND one.iso3 < two.iso3)
        )
),
pair_end_candidate AS (
    -- What can end the agreement between the pair: its own end, its
    -- replacement taking effect, or either state's withdrawal.
    SELECT pair.agreement_id, pair.party1_id, pair.party2_id, s.end_date AS date, s.end_date_precision AS date_precision
    FROM pair JOIN status s ON s.agreement_id = pair.agreement_id
    WHERE s.end_date IS NOT NULL
    UNION ALL
    SELECT pair.agreement_id, pair.party1_id, pair.party2_id, s.superseded_date, s.superseded_date_precision
    FROM pair JOIN status s ON s.agreement_id = pair.agreement_id
    WHERE s.superseded_date IS NOT NULL
    UNION ALL
    SELECT pair.agreement_id, pair.party1_id, pair.party2_id, one.own_end_date, one.own_end_date_precision
    FROM pair JOIN state_party one ON one.party_id = pair.party1_id
    WHERE one.own_end_date IS NOT NULL
    UNION ALL
    SELECT pair.agreement_id, pair.party1_id, pair.party2_id, two.own_end_date, two.own_end_date_precision
    FROM pair JOIN state_party two ON two.party_id = pair.party2_id
    WHERE two.own_end_date IS NOT NULL
),
pair_end AS (
    SELECT party1_id, party2_id, date, date_precision
    FROM (
        SELECT
            candidate.*,
            -- On the same date, the coarser precision holds.
            ROW_NUMBER() OVER (
                PARTITION BY party1_id, party2_id
                ORDER BY date, CASE date_precision WHEN 'year' THEN 0 WHEN 'month' THEN 1 ELSE 2 END
            ) AS rank
        FROM pair_end_candidate candidate
    ) AS ranked
    WHERE rank = 1
)
SELECT
    pair.agreement_id,
    a.slug AS agreement_slug,
    s.type_code,
    s.status,
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
    -- The pair's signature and entry into force are the later of the two
    -- states'; when both fall on the same date, the coarser precision holds.
    CASE
        WHEN one.signature_date IS NULL OR two.signature_date IS NULL THEN NULL
        WHEN one.signature_date >= two.signature_date THEN one.signature_date
        ELSE two.signature_date
    END AS signature_date,
    CASE
        WHEN one.signature_date IS NULL OR two.signature_date IS NULL THEN NULL
        WHEN one.signature_date > two.signature_date THEN one.signature_date_precision
        WHEN two.signature_date > one.signature_date THEN two.signature_date_precision
        WHEN 'year' IN (one.signature_date_precision, two.signature_date_precision) THEN 'year'
        WHEN 'month' IN (one.signature_date_precision, two.signature_date_precision) THEN 'month'
        ELSE 'day'
    END AS signature_date_precision,
    CASE
        WHEN one.entry_into_force_date IS NULL OR two.entry_into_force_date IS NULL THEN NULL
        WHEN one.entry_into_force_date >= two.entry_into_force_date THEN one.entry_into_force_date
        ELSE two.entry_into_force_date
    END AS entry_into_force_date,
    CASE
        WHEN one.entry_into_force_date IS NULL OR two.entry_into_force_date IS NULL THEN NULL
        WHEN one.entry_into_force_date > two.entry_into_force_date THEN one.entry_into_force_date_precision
        WHEN two.entry_into_force_date > one.entry_into_force_date THEN two.entry_into_force_date_precision
        WHEN 'year' IN (one.entry_into_force_date_precision, two.entry_into_force_date_precision) THEN 'year'
        WHEN 'month' IN (one.entry_into_force_date_precision, two.entry_into_force_date_precision) THEN 'month'
        ELSE 'day'
    END AS entry_into_force_date_precision,
    pair_end.date AS end_date,
    pair_end.date_precision AS end_date_precision
FROM pair
JOIN agreement a ON a.id = pair.agreement_id
JOIN status s ON s.agreement_id = pair.agreement_id
JOIN state_party one ON one.party_id = pair.party1_id
JOIN state_party two ON two.party_id = pair.party2_id
LEFT JOIN pair_end ON pair_end.party1_id = pair.party1_id AND pair_end.party2_id = pair.party2_id
