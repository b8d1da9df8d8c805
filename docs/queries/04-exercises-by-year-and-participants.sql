-- Exercises by year, with their number of participants.
--
-- The year comes from joining calendar_year (no year function differs between
-- SQLite and PostgreSQL). Participants count states and organizations; a
-- reported plan with no date has no year and comes last. A national
-- contingent's deployment to an exercise (part_of set: Japan's F-2s at Pitch
-- Black 2024) is the same exercise, counted once through the exercise itself.
SELECT
    y.year,
    e.slug,
    e.status,
    COUNT(p.id) AS participants,
    COUNT(p.country_id) AS states
FROM exercise e
LEFT JOIN calendar_year y ON e.start_date BETWEEN y.starts_on AND y.ends_on
LEFT JOIN exercise_participant p ON p.exercise_id = e.id
WHERE e.part_of_id IS NULL
GROUP BY y.year, e.id, e.slug, e.status, e.start_date
ORDER BY CASE WHEN y.year IS NULL THEN 1 ELSE 0 END, y.year, e.start_date, e.slug;

-- Expected result on the seeded data (fixtures/seed, dataset version 0.1.0):
--
-- | year | slug | status | participants | states |
-- |---|---|---|---|---|
-- | 2016 | guardian-north-2016 | held | 2 | 2 |
-- | 2022 | pitch-black-2022 | held | 4 | 4 |
-- | 2022 | jpn-deu-fighter-training-2022 | held | 2 | 2 |
-- | 2023 | usa-jpn-kor-bmd-drill-2023-02 | held | 3 | 3 |
-- | 2023 | usa-jpn-kor-bmd-drill-2023-04 | held | 3 | 3 |
-- | 2023 | usa-jpn-kor-bmd-drill-2023-07 | held | 3 | 3 |
-- | 2023 | jpn-fra-fighter-drill-2023 | held | 2 | 2 |
-- | 2023 | jpn-ita-fighter-drill-2023 | held | 2 | 2 |
-- | 2023 | bushido-guardian-2023 | held | 2 | 2 |
-- | 2023 | jasdf-f35a-australia-2023 | held | 2 | 2 |
-- | 2023 | usa-jpn-kor-air-drill-2023-10 | held | 3 | 3 |
-- | 2023 | usa-jpn-kor-air-drill-2023-12 | held | 3 | 3 |
-- | 2024 | freedom-edge-2024-1 | held | 3 | 3 |
-- | 2024 | pitch-black-2024 | held | 2 | 2 |
-- | 2024 | pacific-skies-2024-japan | held | 4 | 4 |
-- | 2024 | freedom-edge-2024-2 | held | 3 | 3 |
-- | 2025 | atlantic-eagles-2025 | held | 5 | 5 |
-- |  | jasdf-fighter-rotation-australia-plan | reported_plan | 1 | 1 |
