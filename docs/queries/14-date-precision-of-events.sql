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
-- | agreement_in_principle | day | 10 |
-- | agreement_in_principle | month | 2 |
-- | amendment | day | 3 |
-- | approval | day | 1 |
-- | approval | month | 9 |
-- | approval | undated | 1 |
-- | entry_into_force | day | 22 |
-- | entry_into_force | month | 6 |
-- | entry_into_force | undated | 1 |
-- | entry_into_force | year | 3 |
-- | exchange_of_notes | day | 3 |
-- | initialing | day | 1 |
-- | negotiation_announced | day | 7 |
-- | negotiation_announced | month | 3 |
-- | negotiation_launch | day | 18 |
-- | negotiation_launch | month | 7 |
-- | negotiation_launch | undated | 1 |
-- | negotiation_launch | year | 3 |
-- | notice_suspended | day | 1 |
-- | notice_withdrawn | day | 1 |
-- | other | day | 5 |
-- | other | month | 1 |
-- | reinstatement | day | 1 |
-- | signature | day | 47 |
-- | substantive_agreement | day | 7 |
-- | substantive_agreement | month | 1 |
-- | termination_notice | day | 1 |
