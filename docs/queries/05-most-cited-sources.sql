-- Which sources are cited most? (Those cited at least 9 times.)
--
-- A citation ties one source to one fact (a record, event, party or
-- participant) for one claim; a source cited for a date and a place of the
-- same event counts twice. Contradicting citations count too: the origin
-- article is the set of claims the project set out to check, and the sources
-- bear out only some of them.
SELECT
    s.slug,
    s.publisher,
    s.kind,
    COUNT(*) AS citations,
    COUNT(CASE WHEN c.stance = 'contradicts' THEN 1 END) AS contradicting
FROM source s
JOIN citation c ON c.source_id = s.id
GROUP BY s.id, s.slug, s.publisher, s.kind
HAVING COUNT(*) >= 9
ORDER BY citations DESC, s.slug;

-- Expected result on the seeded data (fixtures/seed, dataset version 0.1.0):
--
-- | slug | publisher | kind | citations | contradicting |
-- |---|---|---|---|---|
-- | origin-article |  | analysis | 17 | 4 |
-- | mofa-ja-20241116-ukr-isa-signing | Ministry of Foreign Affairs of Japan | press_release | 15 | 0 |
-- | seawaves-fe242-2024 | Seawaves Magazine | news | 13 | 0 |
-- | aviationist-ps24 | The Aviationist | news | 10 | 0 |
-- | baphotonews-atlantic-eagles-2025 | BA Photo News | news | 10 | 0 |
-- | bundeswehr-ps24 | Bundeswehr (German Air Force) | official_statement | 10 | 0 |
-- | flyteam-pb24-ja | FlyTeam | news | 10 | 0 |
-- | japantimes-ps24 | The Japan Times | news | 10 | 0 |
-- | jiji-ps24 | Jiji Press (via nippon.com) | wire | 10 | 0 |
-- | militaryleak-ps24 | MilitaryLeak | news | 10 | 0 |
-- | mofa-us-acsa-sign-2016-ja | Ministry of Foreign Affairs of Japan | press_release | 10 | 0 |
-- | keyaero-f35-2023 | Key.Aero | news | 9 | 0 |
