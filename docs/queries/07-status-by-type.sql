-- How many agreements of each type are in each status today?
SELECT
    type_code,
    status,
    COUNT(*) AS agreements
FROM agreement_status
GROUP BY type_code, status
ORDER BY type_code, status;

-- Expected result on the seeded data (fixtures/seed, dataset version 0.1.0):
--
-- | type_code | status | agreements |
-- |---|---|---|
-- | ACSA | in_force | 8 |
-- | ACSA | signed | 3 |
-- | ACSA | superseded | 2 |
-- | DATA_SHARING | in_force | 1 |
-- | DETA | in_force | 10 |
-- | DETA | negotiating | 2 |
-- | DETA | signed | 8 |
-- | ISA | in_force | 10 |
-- | ISA | negotiating | 2 |
-- | ISA | signed | 2 |
-- | ISA_PROGRAMME | in_force | 3 |
-- | MOC | signed | 1 |
-- | PARTNERSHIP | in_force | 1 |
-- | RAA | in_force | 3 |
-- | RAA | negotiating | 1 |
