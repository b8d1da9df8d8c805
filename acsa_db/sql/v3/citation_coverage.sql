-- citation_coverage: one row per agreement and per exercise, with how many of
-- its facts are cited (documented in acsa_db/sql/catalog.py).
WITH fact AS (
    -- Every fact a citation can back, with the record it belongs to and the
    -- citations that support and contradict it.
    SELECT
        'agreement' AS record_type,
        a.id AS record_id,
        (SELECT COUNT(*) FROM citation c WHERE c.agreement_id = a.id AND c.stance = 'supports') AS supporting,
        (SELECT COUNT(*) FROM citation c WHERE c.agreement_id = a.id AND c.stance = 'contradicts')
            AS contradicting
    FROM agreement a
    UNION ALL
    SELECT
        'agreement',
        p.agreement_id,
        (SELECT COUNT(*) FROM citation c WHERE c.agreement_party_id = p.id AND c.stance = 'supports'),
        (SELECT COUNT(*) FROM citation c WHERE c.agreement_party_id = p.id AND c.stance = 'contradicts')
    FROM agreement_party p
    UNION ALL
    SELECT
        'agreement',
        e.agreement_id,
        (SELECT COUNT(*) FROM citation c WHERE c.agreement_event_id = e.id AND c.stance = 'supports'),
        (SELECT COUNT(*) FROM citation c WHERE c.agreement_event_id = e.id AND c.stance = 'contradicts')
    FROM agreement_event e
    UNION ALL
    SELECT
        'exercise',
        x.id,
        (SELECT COUNT(*) FROM citation c WHERE c.exercise_id = x.id AND c.stance = 'supports'),
        (SELECT COUNT(*) FROM citation c WHERE c.exercise_id = x.id AND c.stance = 'contradicts')
    FROM exercise x
    UNION ALL
    SELECT
        'exercise',
        p.exercise_id,
        (SELECT COUNT(*) FROM citation c WHERE c.exercise_participant_id = p.id AND c.stance = 'supports'),
        (SELECT COUNT(*) FROM citation c WHERE c.exercise_participant_id = p.id AND c.stance = 'contradicts')
    FROM exercise_participant p
),
record AS (
    SELECT 'agreement' AS record_type, id AS record_id, slug, short_title AS name, review_status
    FROM agreement
    UNION ALL
    SELECT 'exercise', id, slug, name, review_status
    FROM exercise
)
SELECT
    r.record_type,
    r.record_id,
    r.slug AS record_slug,
    r.name AS record_name,
    r.review_status,
    COUNT(*) AS facts,
    COUNT(CASE WHEN f.supporting > 0 THEN 1 END) AS cited_facts,
    COUNT(CASE WHEN f.supporting = 0 THEN 1 END) AS uncited_facts,
    COUNT(CASE WHEN f.contradicting > 0 THEN 1 END) AS contradicted_facts,
    CAST(SUM(f.supporting) AS INTEGER) AS supporting_citations,
    CAST(SUM(f.contradicting) AS INTEGER) AS contradicting_citations
FROM record r
JOIN fact f ON f.record_type = r.record_type AND f.record_id = r.record_id
GROUP BY r.record_type, r.record_id, r.slug, r.name, r.review_status
