-- Every disputed fact, with both readings.
--
-- A disputed record (review_status 'disputed') keeps one reading in its own
-- columns (recorded_*) and each source's reading in its citation's note. A fact
-- is disputed when a source contradicts it, or when the sources backing it
-- give different readings. One row per source reading. (A dispute that a
-- record keeps only in its own notes, like Freedom Edge 2024's ships, is in
-- the record's notes column.)
WITH cited AS (
    SELECT
        c.*,
        CASE
            WHEN c.agreement_event_id IS NOT NULL THEN 'agreement_event'
            WHEN c.agreement_party_id IS NOT NULL THEN 'agreement_party'
            WHEN c.exercise_participant_id IS NOT NULL THEN 'exercise_participant'
            WHEN c.agreement_id IS NOT NULL THEN 'agreement'
            ELSE 'exercise'
        END AS fact_table,
        COALESCE(
            c.agreement_event_id, c.agreement_party_id, c.exercise_participant_id, c.agreement_id, c.exercise_id
        ) AS fact_id
    FROM citation c
),
disputed AS (
    SELECT fact_table, fact_id, claim
    FROM cited
    GROUP BY fact_table, fact_id, claim
    HAVING COUNT(CASE WHEN stance = 'contradicts' THEN 1 END) > 0
        OR COUNT(DISTINCT CASE WHEN note <> '' THEN note END) > 1
)
SELECT
    COALESCE(a.slug, x.slug) AS record_slug,
    CASE
        WHEN cited.fact_table = 'agreement_event' THEN ev.kind
        WHEN cited.fact_table = 'exercise_participant' THEN 'participant ' || COALESCE(pc.iso3, po.acronym)
        ELSE cited.fact_table
    END AS fact,
    cited.claim,
    CASE
        WHEN cited.fact_table = 'agreement_event' THEN ev.date
        WHEN cited.fact_table = 'exercise' THEN x.start_date
    END AS recorded_date,
    CASE
        WHEN cited.fact_table = 'agreement_event' THEN ev.date_precision
        WHEN cited.fact_table = 'exercise' THEN x.start_date_precision
    END AS recorded_date_precision,
    CASE WHEN cited.fact_table = 'exercise' THEN x.end_date END AS recorded_end_date,
    p.forces AS recorded_forces,
    s.slug AS source,
    cited.stance,
    cited.note AS reading
FROM cited
JOIN disputed
    ON disputed.fact_table = cited.fact_table
    AND disputed.fact_id = cited.fact_id
    AND disputed.claim = cited.claim
JOIN source s ON s.id = cited.source_id
LEFT JOIN agreement_event ev ON ev.id = cited.agreement_event_id
LEFT JOIN exercise_participant p ON p.id = cited.exercise_participant_id
LEFT JOIN country pc ON pc.id = p.country_id
LEFT JOIN organization po ON po.id = p.organization_id
LEFT JOIN agreement a ON a.id = COALESCE(cited.agreement_id, ev.agreement_id)
LEFT JOIN exercise x ON x.id = COALESCE(cited.exercise_id, p.exercise_id)
WHERE COALESCE(a.review_status, x.review_status) = 'disputed'
  AND (cited.note <> '' OR cited.stance = 'contradicts')
ORDER BY record_slug, fact, cited.claim, cited.stance DESC, s.slug;

-- Expected result on the seeded data (fixtures/seed, dataset version 0.1.0):
--
-- | record_slug | fact | claim | recorded_date | recorded_date_precision | recorded_end_date | recorded_forces | source | stance | reading |
-- |---|---|---|---|---|---|---|---|---|---|
-- | acsa-jpn-nld-2025 | signature | date | 2025-12-18 | day |  |  | defensie-nld-acsa-2025 | supports | The ministry's page, dated 18 December 2025, reports the signing as that day's event. |
-- | acsa-jpn-nld-2025 | signature | date | 2025-12-18 | day |  |  | checkpoint-nld-acsa-2025 | contradicts | Says the agreement was signed on Wednesday, which would be 17 December 2025. |
-- | bushido-guardian-2023 | exercise | date | 2023-08-23 | day | 2023-09-15 |  | adm-bushido-2023 | contradicts | Gives 4 September 2023 as the start. |
-- | bushido-guardian-2023 | exercise | date | 2023-08-23 | day | 2023-09-15 |  | nippon-jiji-bushido-2023 | contradicts | Reports the first RAAF jets arriving at Komatsu on 30 August 2023. |
-- | deta-jpn-bgd | negotiation_launch | date | 2023-04-26 | day |  |  | prothomalo-bgd-2023 | contradicts | Bangladeshi report: dates the joint statement to Thursday 27 April 2023; MOFA gives 26 April. |
-- | deta-jpn-bgd | negotiation_launch | date | 2023-04-26 | day |  |  | unb-bgd-2023 | contradicts | Bangladeshi report: dates the joint statement to Thursday 27 April 2023; MOFA gives 26 April. |
-- | deta-jpn-idn-2021 | negotiation_launch | other | 2015-12-17 | day |  |  | jwing-idn-2021 | contradicts | Describes the December 2015 2+2 as having reached substantive agreement, which the other sources do not support. |
-- | deta-jpn-phl-2016 | negotiation_launch | date | 2015-06-04 | day |  |  | bloomberg-phl-2016 | contradicts | Places the leaders' agreement to negotiate at their November 2015 summit. |
-- | guardian-north-2016 | exercise | date | 2016-10-22 | day | 2016-11-06 |  | diplomat-gn16 | contradicts | Citing the UK Ministry of Defence, drills from 23 October to 6 November; agrees on the end. |
-- | guardian-north-2016 | exercise | date | 2016-10-22 | day | 2016-11-06 |  | japantimes-gn16 | contradicts | A preview: the RAF jets due on 21 October and the drills to start on 24 October. |
-- | isa-jpn-deu-2021 | agreement_in_principle | other | 2019-02-04 | day |  |  | german-embassy-tokyo-20210322-isa | contradicts | Describes the February 2019 summit as announcing negotiations, not as an agreement to conclude. |
-- | isa-jpn-ukr-2024 | negotiation_launch | date | 2024-02-19 | day |  |  | nikkei-2023-ukr-isa-via-5ch | contradicts | Wrote in March 2023, at Prime Minister Kishida's Kyiv visit, that negotiations had begun; Ukrinform dates formal talks to February 2024. |
-- | jasdf-f35a-australia-2023 | participant JPN | forces |  |  |  | F-35A of the 3rd Air Wing, 301st Tactical Fighter Squadron (Misawa): 4 F-35A with a KC-767, a C-130H, 2 C-2 and about 160 personnel in the JASDF plan; 2 F-35A and 55–60 personnel at Tindal according to Australian Defence | eurosd-f35-2023 | supports | JASDF plan of 14 August: 4 F-35A, KC-767, C-130H, 2 C-2, about 160 personnel, 21 August to 2 September. |
-- | jasdf-f35a-australia-2023 | participant JPN | forces |  |  |  | F-35A of the 3rd Air Wing, 301st Tactical Fighter Squadron (Misawa): 4 F-35A with a KC-767, a C-130H, 2 C-2 and about 160 personnel in the JASDF plan; 2 F-35A and 55–60 personnel at Tindal according to Australian Defence | keyaero-f35-2023 | supports | JASDF plan of 14 August: 4 F-35A, KC-767, C-130H, 2 C-2, about 160 personnel, 21 August to 2 September. |
-- | jasdf-f35a-australia-2023 | participant JPN | forces |  |  |  | F-35A of the 3rd Air Wing, 301st Tactical Fighter Squadron (Misawa): 4 F-35A with a KC-767, a C-130H, 2 C-2 and about 160 personnel in the JASDF plan; 2 F-35A and 55–60 personnel at Tindal according to Australian Defence | miragenews-f35-2023 | supports | Australian Defence: 2 F-35A and 55 (or about 60) personnel at Tindal. |
-- | pitch-black-2022 | exercise | date | 2022-08-19 | day | 2022-09-08 |  | defensenews-pb22 | supports | Gives 19 August 2022 as the start. |
-- | pitch-black-2022 | exercise | date | 2022-08-19 | day | 2022-09-08 |  | flyteam-pb22-plan | contradicts | The JASDF plan gives 20 August to 8 September 2022 for Japan's part. |
-- | pitch-black-2022 | participant JPN | forces |  |  |  | F-2 fighters of the 3rd Squadron (Hyakuri): 5 according to Defense News; 6 F-2A and about 150 personnel in the JASDF plan | defensenews-pb22 | supports | 5 F-2. |
-- | pitch-black-2022 | participant JPN | forces |  |  |  | F-2 fighters of the 3rd Squadron (Hyakuri): 5 according to Defense News; 6 F-2A and about 150 personnel in the JASDF plan | flyteam-pb22-plan | supports | Plan: 6 F-2A and about 150 personnel. |
-- | usa-jpn-kor-air-drill-2023-10 | participant JPN | forces |  |  |  | F-2 | irria-air-2023 | supports | 4 F-2. |
-- | usa-jpn-kor-air-drill-2023-10 | participant JPN | forces |  |  |  | F-2 | stripes-air-2023 | supports | 2 F-2. |
-- | usa-jpn-kor-air-drill-2023-10 | participant USA | forces |  |  |  | B-52H, F-16 | irria-air-2023 | supports | 3 F-16. |
-- | usa-jpn-kor-air-drill-2023-10 | participant USA | forces |  |  |  | B-52H, F-16 | stripes-air-2023 | supports | 1 B-52H and 2 F-16. |
