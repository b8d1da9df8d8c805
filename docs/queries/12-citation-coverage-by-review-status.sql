-- How well are the records cited, by review status?
--
-- citation_coverage counts each record's facts (itself, its parties and
-- events, or its participants) and how many have a supporting citation.
SELECT
    record_type,
    review_status,
    COUNT(*) AS records,
    CAST(SUM(facts) AS INTEGER) AS facts,
    CAST(SUM(uncited_facts) AS INTEGER) AS uncited_facts,
    CAST(SUM(contradicted_facts) AS INTEGER) AS contradicted_facts,
    CAST(SUM(supporting_citations) AS INTEGER) AS supporting_citations
FROM citation_coverage
GROUP BY record_type, review_status
ORDER BY record_type, review_status;

-- Expected result on the seeded data (fixtures/seed, dataset version 0.1.0):
--
-- | record_type | review_status | records | facts | uncited_facts | contradicted_facts | supporting_citations |
-- |---|---|---|---|---|---|---|
-- | agreement | disputed | 6 | 35 | 0 | 6 | 106 |
-- | agreement | needs_review | 25 | 165 | 0 | 0 | 446 |
-- | agreement | verified | 26 | 141 | 0 | 0 | 446 |
-- | exercise | disputed | 7 | 28 | 0 | 3 | 189 |
-- | exercise | needs_review | 4 | 14 | 0 | 0 | 39 |
-- | exercise | verified | 8 | 28 | 0 | 4 | 185 |
