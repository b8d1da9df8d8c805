-- agreement_lineage: one row per agreement with the lineage it belongs to: the
-- chain of texts that replace one another through agreement.supersedes
-- (documented in acsa_db/sql/catalog.py). Computed, not stored: the lineage
-- id is agreement_status's (the first text of the chain, found by walking
-- supersedes up, at most 100 steps); generation counts the same walk.
SELECT
    s.agreement_id,
    s.agreement_slug,
    s.short_title,
    s.type_code,
    s.lineage_id,
    s.lineage_slug,
    (
        WITH RECURSIVE earlier(id, supersedes_id, steps) AS (
            SELECT a.id, a.supersedes_id, 0
            FROM agreement a
            WHERE a.id = s.agreement_id
            UNION ALL
            SELECT p.id, p.supersedes_id, earlier.steps + 1
            FROM agreement p
            JOIN earlier ON p.id = earlier.supersedes_id
            WHERE earlier.steps < 100
        )
        SELECT MAX(steps) + 1 FROM earlier
    ) AS generation,
    (SELECT COUNT(*) FROM agreement_status other WHERE other.lineage_id = s.lineage_id) AS texts_in_lineage,
    s.status,
    s.signature_date,
    s.signature_date_precision,
    s.signature_date_latest
FROM agreement_status s
