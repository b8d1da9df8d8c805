"""The synthetic data generator: deterministic, realistically shaped, refusing curated databases."""

from collections import Counter

import pytest

from acsa_db.models import (
    Agreement,
    AgreementEvent,
    AgreementParty,
    Citation,
    Country,
    Exercise,
    ExerciseParticipant,
    ReviewStatus,
    Source,
)
from bench import synthetic
from bench.generate_synthetic import main as generate_synthetic
from bench.synthetic import Sizes, SyntheticDataRefused, generate

SMALL = Sizes(agreements=40, exercises=30, sources=80, citations=400)


def _party(row):
    return row.country.iso3 if row.country_id else row.organization.acronym


def snapshot():
    """Everything generated, named by slugs and codes rather than primary keys."""
    agreements = [
        (a.slug, a.title, a.short_title, a.type.code, a.supersedes and a.supersedes.slug, a.review_status)
        + (a.reviewed_at, a.summary)
        for a in Agreement.objects.select_related("type", "supersedes").order_by("slug")
    ]
    parties = sorted(
        (p.agreement.slug, _party(p), p.role)
        for p in AgreementParty.objects.select_related("agreement", "country", "organization")
    )
    events = sorted(
        (e.agreement.slug, e.kind, str(e.date), e.date_precision, e.place, e.party and _party(e.party))
        for e in AgreementEvent.objects.select_related("agreement", "party__country", "party__organization")
    )
    exercises = [
        (x.slug, x.name, x.series, x.kind, x.status, str(x.start_date), x.start_date_precision)
        + (str(x.end_date), x.end_date_precision, x.location, x.host and x.host.iso3, x.review_status)
        + (tuple(sorted(d.code for d in x.domains.all())),)
        for x in Exercise.objects.select_related("host").prefetch_related("domains").order_by("slug")
    ]
    participants = sorted(
        (p.exercise.slug, _party(p), p.role, p.forces)
        for p in ExerciseParticipant.objects.select_related("exercise", "country", "organization")
    )
    sources = list(
        Source.objects.order_by("slug").values_list(
            "slug", "title", "publisher", "kind", "url", "published", "published_precision", "language"
        )
    )
    citations = sorted(
        (c.source.slug, c.target_name, str(c.target.pk and _target_key(c)), c.claim, c.stance)
        for c in Citation.objects.select_related(
            "source",
            "agreement",
            "agreement_event__agreement",
            "agreement_party__agreement",
            "agreement_party__country",
            "agreement_party__organization",
            "exercise",
            "exercise_participant__exercise",
            "exercise_participant__country",
            "exercise_participant__organization",
        )
    )
    return agreements, parties, events, exercises, participants, sources, citations


def _target_key(citation):
    target = citation.target
    if citation.agreement_event_id:
        return (target.agreement.slug, target.kind)
    if citation.agreement_party_id:
        return (target.agreement.slug, _party(target))
    if citation.exercise_participant_id:
        return (target.exercise.slug, _party(target))
    return target.slug


def test_same_seed_same_data_and_other_seed_other_data(reference_data):
    generate(SMALL, seed=11)
    first = snapshot()
    generate(SMALL, seed=11, replace=True)
    assert snapshot() == first
    generate(SMALL, seed=12, replace=True)
    other = snapshot()
    assert other[0] != first[0]
    assert other[6] != first[6]


def test_sizes_are_exact_and_counted_in_the_report(reference_data):
    report = generate(SMALL, seed=3)
    assert Agreement.objects.count() == report.counts["agreement"] == 40
    assert Exercise.objects.count() == report.counts["exercise"] == 30
    assert Source.objects.count() == report.counts["source"] == 80
    assert Citation.objects.count() == report.counts["citation"] == 400
    assert AgreementParty.objects.count() == report.counts["agreement_party"]
    assert ExerciseParticipant.objects.count() == report.counts["exercise_participant"]


def test_default_sizes_keep_the_issues_proportions():
    sizes = Sizes(agreements=100_000)
    assert (sizes.exercises, sizes.sources, sizes.citations) == (100_000, 200_000, 1_000_000)


def test_shapes_are_realistic(reference_data):
    generate(Sizes(agreements=300, exercises=200, sources=400, citations=3000), seed=5)
    party_counts = Counter(AgreementParty.objects.values_list("agreement_id", flat=True))
    sizes = Counter(party_counts.values())
    assert sizes[2] > 0.7 * 300, "mostly bilateral"
    assert any(n > 2 for n in party_counts.values()), "some multilateral"
    assert max(party_counts.values()) <= 30
    event_counts = Counter(AgreementEvent.objects.values_list("agreement_id", flat=True)).values()
    assert min(event_counts) >= 2 and max(event_counts) <= 6
    participant_counts = Counter(ExerciseParticipant.objects.values_list("exercise_id", flat=True)).values()
    assert max(participant_counts) <= 41  # up to 40 states, and sometimes an organization
    assert max(participant_counts) > 10
    precisions = set(AgreementEvent.objects.values_list("date_precision", flat=True))
    assert {"day", "month", "year"} <= precisions
    assert {"day", "month", "year"} <= set(Exercise.objects.values_list("start_date_precision", flat=True))
    assert {"day", "month", "year"} <= set(Source.objects.values_list("published_precision", flat=True))
    per_fact = Counter(
        Citation.objects.filter(agreement_event__isnull=False).values_list("agreement_event_id", flat=True)
    )
    assert max(per_fact.values()) >= 2, "several citations per fact"
    statuses = set(Agreement.objects.values_list("review_status", flat=True))
    assert {ReviewStatus.DRAFT, ReviewStatus.VERIFIED} <= statuses
    # The countries are the real reference countries, about 200 of them, not made-up ones.
    used = set(AgreementParty.objects.filter(country__isnull=False).values_list("country_id", flat=True))
    assert used <= set(
        Country.objects.filter(iso3__isnull=False, cow_code__isnull=False).values_list("pk", flat=True)
    )
    assert len(used) > 100


def test_synthetic_records_are_marked(reference_data):
    generate(SMALL, seed=3)
    assert not Agreement.objects.exclude(slug__startswith="syn-").exists()
    assert not Exercise.objects.exclude(slug__startswith="syn-").exists()
    assert not Source.objects.exclude(slug__startswith="syn-").exists()
    assert not Source.objects.exclude(publisher__startswith="Synthetic ").exists()
    urls = Source.objects.exclude(url__isnull=True).values_list("url", flat=True)
    assert urls and all(url.startswith("https://synthetic.invalid/") for url in urls)


def test_no_history_rows_for_synthetic_records(reference_data):
    generate(SMALL, seed=3)
    assert Agreement.history.count() == 0
    assert Citation.history.count() == 0
    assert Source.history.count() == 0


def test_refuses_a_database_with_curated_records(reference_data, agreement):
    with pytest.raises(SyntheticDataRefused, match="curated records .*1 in agreement"):
        generate(SMALL, seed=3)
    assert not synthetic.synthetic(Source.objects.all()).exists()
    with pytest.raises(SystemExit, match="--force"):
        generate_synthetic(["--agreements=5", "--quiet"])
    assert not synthetic.synthetic(Agreement.objects.all()).exists()


def test_force_adds_synthetic_records_beside_curated_ones(reference_data, agreement):
    generate(SMALL, seed=3, force=True)
    assert Agreement.objects.count() == 41
    assert Agreement.objects.filter(slug=agreement.slug).exists()


def test_refuses_existing_synthetic_records_unless_replace(reference_data):
    generate(SMALL, seed=3)
    with pytest.raises(SyntheticDataRefused, match="--replace"):
        generate(SMALL, seed=3)
    generate(Sizes(agreements=5, exercises=5, sources=10, citations=50), seed=4, replace=True)
    assert Agreement.objects.count() == 5
    assert Citation.objects.count() == 50


def test_replace_keeps_curated_records(reference_data, cited_agreement):
    generate(SMALL, seed=3, force=True)
    generate(SMALL, seed=3, force=True, replace=True)
    assert Agreement.objects.count() == 41
    assert Citation.objects.filter(agreement=cited_agreement).count() == 1
    assert Citation.objects.count() == 400 + Citation.objects.filter(source__slug="mofa-test-release").count()


def test_a_failed_run_writes_nothing(reference_data):
    # One source cannot back 200 citations of three agreements' few facts: the
    # generator fails after writing the source and agreements, and all of it is rolled back.
    with pytest.raises(SyntheticDataRefused, match="Too few sources"):
        generate(Sizes(agreements=3, exercises=0, sources=1, citations=200), seed=3)
    assert not Source.objects.exists()
    assert not Agreement.objects.exists()


def test_loads_the_reference_data_into_an_empty_database(db):
    generate(Sizes(agreements=3, exercises=3, sources=6, citations=30), seed=3)
    assert Country.objects.filter(iso3="JPN").exists()
    assert Agreement.objects.count() == 3


def test_script_reports_progress_and_counts(reference_data, capsys):
    generate_synthetic(["--agreements=10", "--seed=2", "--chunk-size=4"])  # stage start and end lines
    out = capsys.readouterr().out
    assert "agreements         4 / 10" in out  # first chunk of the stage
    assert "agreements        10 / 10" in out
    assert "citation 100" in out
    assert Citation.objects.count() == 100


def test_script_rejects_negative_sizes(db, capsys):
    with pytest.raises(SystemExit):
        generate_synthetic(["--agreements", "-5", "--quiet"])
    assert "invalid count value: '-5'" in capsys.readouterr().err
