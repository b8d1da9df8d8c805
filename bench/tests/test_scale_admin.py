"""The admin at scale on synthetic data (bench/synthetic.py): estimated counts, and query counts that do
not grow with the data."""

import re

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from acsa_db.admin import paginators
from acsa_db.admin.paginators import EstimatedCountPaginator
from acsa_db.coverage import with_contradicting_citations
from acsa_db.models import (
    Agreement,
    AgreementEvent,
    AgreementParty,
    Citation,
    Country,
    Exercise,
    ExerciseParticipant,
    Source,
)
from bench.synthetic import Sizes, generate
from tests.test_scale_admin import _signed_in, analyze


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "exact_limit", 5)


@pytest.fixture
def admin_client_signed_in(client, django_user_model):
    return _signed_in(client, django_user_model)


@pytest.fixture
def counting_runs_out_of_time(monkeypatch):
    """As on a table too large to count within the paginator's statement timeout."""
    monkeypatch.setattr(paginators, "count_within", lambda queryset, timeout_ms: None)


def test_changelist_says_about_when_the_count_is_estimated(
    admin_client_signed_in, reference_data, small_limit, counting_runs_out_of_time
):
    generate(Sizes(agreements=12, exercises=2, sources=10, citations=40), seed=1)
    analyze("agreement") if connection.vendor == "postgresql" else None
    page = admin_client_signed_in.get("/admin/acsa_db/agreement/").content.decode()
    paginator_line = re.search(r'<p class="paginator">(.*?)</p>', page, re.S).group(1)
    if connection.vendor == "postgresql":
        assert "about 12 agreements (estimated)" in paginator_line
    else:
        assert "12 agreements" in paginator_line
        assert "about" not in paginator_line


def test_changelist_counts_a_list_above_the_limit_exactly(
    admin_client_signed_in, reference_data, small_limit
):
    # Issue 18: a list of a few hundred rows said "about 713 (estimated)".
    generate(Sizes(agreements=12, exercises=2, sources=10, citations=40), seed=1)
    page = admin_client_signed_in.get("/admin/acsa_db/agreement/").content.decode()
    paginator_line = re.search(r'<p class="paginator">(.*?)</p>', page, re.S).group(1)
    assert "12 agreements" in paginator_line
    assert "about" not in paginator_line


def test_changelists_do_not_count_the_whole_table_twice(admin_client_signed_in, reference_data):
    generate(Sizes(agreements=5, exercises=5, sources=10, citations=40), seed=1)
    with CaptureQueriesContext(connection) as queries:
        response = admin_client_signed_in.get("/admin/acsa_db/citation/?stance__exact=supports")
    assert response.status_code == 200
    counts = [
        q["sql"] for q in queries if re.search(r"COUNT\(\*\)", q["sql"], re.I) and "citation" in q["sql"]
    ]
    # The filtered list is counted once (on PostgreSQL under a timeout), the table never.
    assert len(counts) == 1, counts


def test_a_filtered_list_reads_its_rows_by_id_without_the_filter_again(
    admin_client_signed_in, reference_data
):
    generate(Sizes(agreements=40, exercises=2, sources=10, citations=400), seed=1)
    contradicted = with_contradicting_citations(Agreement.objects.all())
    expected = sorted(contradicted.values_list("slug", flat=True))
    assert expected, "the synthetic data should hold contradicting citations"
    with CaptureQueriesContext(connection) as queries:
        response = admin_client_signed_in.get("/admin/acsa_db/agreement/?contradicted=yes")
    assert [agreement.slug for agreement in response.context_data["cl"].result_list] == expected
    filtering = [
        q["sql"] for q in queries if "'contradicts'" in q["sql"] and not q["sql"].startswith("EXPLAIN")
    ]
    # The contradicting citations are read for the ids and for the exact count, not once
    # more for the rows' columns.
    assert len(filtering) == 2, filtering


CHANGELISTS = [
    "/admin/acsa_db/agreement/",
    "/admin/acsa_db/agreement/?review_status__exact=draft",
    "/admin/acsa_db/agreement/?q=agreement",
    "/admin/acsa_db/agreement/?o=-1",
    "/admin/acsa_db/agreement/?party={hub}",
    "/admin/acsa_db/agreement/?signed={year}",
    "/admin/acsa_db/agreement/?uncited=yes",
    "/admin/acsa_db/agreement/?uncited=no",
    "/admin/acsa_db/agreement/?contradicted=no",
    "/admin/acsa_db/agreementevent/",
    "/admin/acsa_db/agreementparty/",
    "/admin/acsa_db/exercise/",
    "/admin/acsa_db/exercise/?status__exact=held",
    "/admin/acsa_db/exercise/?o=-4",
    "/admin/acsa_db/exercise/?participant={hub}",
    "/admin/acsa_db/exercise/?uncited=yes",
    "/admin/acsa_db/exerciseparticipant/",
    "/admin/acsa_db/source/",
    "/admin/acsa_db/source/?kind__exact=news",
    "/admin/acsa_db/citation/",
    "/admin/acsa_db/citation/?target=agreement_event",
]


def _query_counts(client, paths):
    """Queries each page ran, and how many rows it listed."""
    counts = {}
    for path in paths:
        client.get(path)  # fills Django's caches (content types), as on a running server
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        changelist = (response.context_data or {}).get("cl")
        counts[path] = len(queries), changelist.result_count if changelist else None
    return counts


def _changelists():
    """The changelists, filtered on a country and a year that occur in the data."""
    hub = (
        AgreementParty.objects.filter(country__isnull=False)
        .values_list("country__iso3", flat=True)
        .annotate(n=Count("*"))
        .order_by("-n", "country__iso3")
        .first()
    )
    year = (
        AgreementEvent.objects.filter(kind="signature", date__isnull=False)
        .order_by("date")
        .values_list("date", flat=True)[0]
        .year
    )
    return [path.format(hub=hub, year=year) for path in CHANGELISTS]


def test_changelist_query_counts_do_not_grow_with_the_data(admin_client_signed_in, reference_data):
    generate(Sizes(agreements=8, exercises=8, sources=16, citations=120), seed=1)
    few = _query_counts(admin_client_signed_in, _changelists())
    generate(Sizes(agreements=150, exercises=150, sources=300, citations=1500), seed=1, replace=True)
    assert Agreement.objects.count() == 150
    many = _query_counts(admin_client_signed_in, _changelists())
    # An empty list skips its prefetches: compare the lists that show rows at both sizes.
    compared = [path for path, (_, rows) in few.items() if rows and many.get(path, (0, 0))[1]]
    assert len(compared) >= 15
    assert {path: many[path][0] for path in compared} == {path: few[path][0] for path in compared}
    assert any(many[path][1] > 100 for path in compared), "some list spans several pages"


def _busy_agreement(events, citations_per_event, first_year):
    agreement = Agreement.objects.filter(slug__startswith="syn-").order_by("slug").first()
    sources = list(Source.objects.order_by("slug")[: citations_per_event + 1])
    made = AgreementEvent.objects.bulk_create(
        AgreementEvent(
            agreement=agreement,
            kind=AgreementEvent.Kind.AMENDMENT,
            date=f"{first_year + i}-01-01",
            date_precision="year",
        )
        for i in range(events)
    )
    Citation.objects.bulk_create(
        Citation(source=source, agreement_event=event, claim=Citation.Claim.DATE)
        for event in made
        for source in sources[:citations_per_event]
    )
    return agreement


def test_agreement_change_page_queries_do_not_grow_with_its_events(admin_client_signed_in, reference_data):
    generate(Sizes(agreements=2, exercises=1, sources=30, citations=10), seed=1)
    agreement = _busy_agreement(events=2, citations_per_event=1, first_year=1900)
    path = f"/admin/acsa_db/agreement/{agreement.pk}/change/"
    few = _query_counts(admin_client_signed_in, [path])[path]
    _busy_agreement(events=20, citations_per_event=3, first_year=1950)
    assert agreement.events.count() > 20
    assert _query_counts(admin_client_signed_in, [path])[path][0] == few[0]


def test_exercise_and_source_change_pages_do_not_grow(admin_client_signed_in, reference_data):
    generate(Sizes(agreements=2, exercises=1, sources=3, citations=0), seed=1)
    exercise = Exercise.objects.get()
    source = Source.objects.order_by("slug").first()
    agreement = Agreement.objects.order_by("slug").first()
    Citation.objects.create(source=source, exercise=exercise, claim=Citation.Claim.EXISTENCE)
    Citation.objects.create(source=source, agreement=agreement, claim=Citation.Claim.EXISTENCE)
    paths = [f"/admin/acsa_db/exercise/{exercise.pk}/change/", f"/admin/acsa_db/source/{source.pk}/change/"]
    few = _query_counts(admin_client_signed_in, paths)
    # Thirty more participants, each cited twice, and the source cited for each of them.
    taken = exercise.participants.values("country")
    for country in Country.objects.exclude(pk__in=taken).order_by("iso3")[:30]:
        participant = ExerciseParticipant.objects.create(
            exercise=exercise, country=country, forces="1 frigate"
        )
        for other in Source.objects.order_by("slug")[:2]:
            Citation.objects.create(
                source=other, exercise_participant=participant, claim=Citation.Claim.PARTICIPATION
            )
    assert source.citations.count() == 32
    assert _query_counts(admin_client_signed_in, paths) == few  # (queries, None) for change pages


def test_a_source_page_lists_a_bounded_number_of_citations(
    admin_client_signed_in, reference_data, monkeypatch
):
    from acsa_db.admin import sources

    monkeypatch.setattr(sources, "FACTS_BACKED_LIMIT", 5)
    generate(Sizes(agreements=1, exercises=1, sources=1, citations=0), seed=1)
    source = Source.objects.get()
    exercise = Exercise.objects.get()
    for participant in exercise.participants.all():
        for claim in (Citation.Claim.FORCES, Citation.Claim.PARTICIPATION, Citation.Claim.ROLE):
            Citation.objects.create(source=source, exercise_participant=participant, claim=claim)
    total = source.citations.count()
    assert total >= 6
    page = admin_client_signed_in.get(f"/admin/acsa_db/source/{source.pk}/change/").content.decode()
    assert page.count(">citation</a></small>") == 5
    assert f"The first 5 of {total} citations" in page
    assert f"/admin/acsa_db/citation/?source__id__exact={source.pk}" in page
    listed = admin_client_signed_in.get(f"/admin/acsa_db/citation/?source__id__exact={source.pk}")
    assert listed.status_code == 200
    assert f"{total} citations" in listed.content.decode()
