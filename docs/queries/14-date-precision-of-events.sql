-- How precisely are agreement events dated, by kind?
--
-- Month and year precision mean the day (or month) is not known; "undated"
-- means no source gives a date at all.
SELECT
    kind,
    COALESCE(date_precision, 'undated') AS precision,
    COUNT(*) AS events
FROM agreement_event
GROUP BY kind, COALESCE(date_precision, 'undated')
ORDER BY kind, precision;

-- Expected result on the seeded data (fixtures/seed, dataset version 0.1.0):
--
-- | kind | precision | events |
-- |---|---|---|
-- | activation | day | 1 |
-- | adoption | day | 1 |
-- | agreement_in_principle | day | 6 |
-- | agreement_in_principle | month | 2 |
-- | amendment | day | 2 |
-- | approval | day | 1 |
-- | approval | month | 9 |
-- | entry_into_force | day | 10 |
-- | entry_into_force | month | 1 |
-- | entry_into_force | year | 1 |
-- | negotiation_announced | day | 1 |
-- | negotiation_announced | month | 2 |
-- | negotiation_launch | day | 4 |
-- | negotiation_launch | month | 4 |
-- | negotiation_launch | undated | 1 |
-- | negotiation_launch | year | 1 |
-- | other | day | 2 |
-- | other | month | 1 |
-- | reinstatement | day | 1 |
-- | signature | day | 18 |
