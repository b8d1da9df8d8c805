"""The admin at scale: estimated counts on PostgreSQL, and query counts that do not grow with the data."""

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.db.models.functions import Upper
from django.test.utils import CaptureQueriesContext

from acsa_db.admin import paginators
from acsa_db.admin.paginators import EstimatedCountPaginator, planner_estimate
from acsa_db.models import (
    Source,
)

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner estimate")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite keeps exact counts")


def analyze(table):
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


@pytest.fixture
def sources(db):
    return Source.objects.bulk_create(
        Source(slug=f"s-{i}", title=f"Report {i}", kind=Source.Kind.NEWS, language="en" if i % 4 else "ja")
        for i in range(30)
    )


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "exact_limit", 5)


def test_a_result_within_the_limit_is_counted_exactly(sources, small_limit):
    paginator = EstimatedCountPaginator(
        Source.objects.filter(language="ja", slug__lt="s-2").order_by("slug"), 2
    )
    assert paginator.count == 3  # s-0, s-12, s-16
    assert not paginator.count_is_estimate
    assert paginator.num_pages == 2


def test_a_page_is_its_slice_of_the_ordered_list_with_the_annotations(sources):
    listed = Source.objects.annotate(language_upper=Upper("language")).order_by("-language", "-slug")
    page = EstimatedCountPaginator(listed, 7).page(2)
    assert isinstance(page.object_list, QuerySet)  # list-editable formsets need a queryset
    assert [s.slug for s in page] == [s.slug for s in listed[7:14]]
    assert [s.language_upper for s in page] == [s.language.upper() for s in listed[7:14]]


@on_sqlite
def test_sqlite_counts_exactly_above_the_limit(sources, small_limit):
    paginator = EstimatedCountPaginator(Source.objects.order_by("slug"), 10)
    assert paginator.count == 30
    assert not paginator.count_is_estimate


@pytest.fixture
def counting_runs_out_of_time(monkeypatch):
    """As on a table too large to count within the paginator's statement timeout."""
    monkeypatch.setattr(paginators, "count_within", lambda queryset, timeout_ms: None)


@on_postgresql
def test_postgresql_counts_a_longer_list_exactly_when_it_can(sources, small_limit):
    # Never analysed: the planner's estimate would be a guess; the count is exact.
    paginator = EstimatedCountPaginator(Source.objects.filter(language="en").order_by("slug"), 10)
    assert paginator.count == 22
    assert not paginator.count_is_estimate


@on_postgresql
def test_a_count_that_runs_out_of_time_falls_back_to_the_estimate(sources, small_limit, monkeypatch):
    analyze("source")
    monkeypatch.setattr(EstimatedCountPaginator, "count_timeout_ms", 1)
    # Each row takes 10 ms to test: 30 rows cannot be counted in 1 ms.
    slow = Source.objects.extra(where=["pg_sleep(0.01) IS NOT NULL"]).order_by("slug")
    paginator = EstimatedCountPaginator(slow, 10)
    assert paginator.count >= 6
    assert paginator.count_is_estimate
    # The cancelled count left the transaction usable and the timeout unset.
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"
    assert Source.objects.count() == 30


@on_postgresql
def test_the_timeout_does_not_outlast_a_successful_count(sources):
    assert paginators.count_within(Source.objects.all(), 150) == 30
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"


@on_postgresql
def test_postgresql_estimates_when_counting_runs_out_of_time(sources, small_limit, counting_runs_out_of_time):
    analyze("source")
    paginator = EstimatedCountPaginator(Source.objects.order_by("slug"), 10)
    # Freshly analysed, the planner knows the table's size exactly.
    assert paginator.count == 30
    assert paginator.count_is_estimate
    assert paginator.page(3).object_list[0].slug == sorted(s.slug for s in sources)[20]


@on_postgresql
def test_the_estimate_is_never_below_the_rows_known_to_exist(sources, small_limit, counting_runs_out_of_time):
    # Never analysed and then emptied and refilled: whatever the planner guesses, the
    # paginator has seen at least exact_limit + 1 rows.
    paginator = EstimatedCountPaginator(Source.objects.filter(language="en"), 10)
    assert paginator.count >= 6
    assert paginator.count_is_estimate


@on_postgresql
def test_planner_estimate_reads_the_plan_not_the_rows(sources):
    analyze("source")
    assert planner_estimate(Source.objects.all()) == 30
    with CaptureQueriesContext(connection) as queries:
        planner_estimate(Source.objects.filter(language="ja"))
    assert len(queries) == 1
    assert queries[0]["sql"].startswith("EXPLAIN")


@on_postgresql
def test_an_estimated_count_never_scans_the_whole_result(sources, small_limit, counting_runs_out_of_time):
    with CaptureQueriesContext(connection) as queries:
        assert EstimatedCountPaginator(Source.objects.all(), 10).count >= 6
    read = [q["sql"] for q in queries if not q["sql"].startswith("EXPLAIN")]
    assert len(read) == 1
    assert read[0].endswith("LIMIT 6")


@on_postgresql
def test_the_count_and_the_first_pages_share_one_query(sources, small_limit, counting_runs_out_of_time):
    listed = Source.objects.filter(language="en").order_by("slug")
    paginator = EstimatedCountPaginator(listed, 2)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count >= 6
        first, second, third = (list(paginator.page(n)) for n in (1, 2, 3))
    expected = list(listed[:6])
    assert first + second + third == expected
    # One query for the first six ids, the EXPLAIN, then one query per page for its rows.
    assert len(queries) == 2 + 3


def _signed_in(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "boss@example.org", None)
    client.force_login(user)
    return client


@pytest.fixture
def admin_client_signed_in(client, django_user_model):
    return _signed_in(client, django_user_model)


def test_distinct_values_walks_the_index_to_the_same_values_as_select_distinct(sources):
    from acsa_db.admin.filters import distinct_values

    Source.objects.filter(slug="s-5").update(language="fr")
    assert distinct_values(Source, "language") == ["en", "fr", "ja"]
    # url_status_code is NULL until a link check: the filter offers "empty" last.
    Source.objects.filter(slug__in=["s-1", "s-2"]).update(url_status_code=404)
    Source.objects.filter(slug="s-3").update(url_status_code=200)
    assert distinct_values(Source, "url_status_code") == [200, 404, None]
    Source.objects.all().delete()
    assert distinct_values(Source, "language") == []


def test_the_language_filter_lists_the_languages_present_on_sources_and_citations(
    admin_client_signed_in, sources
):
    Source.objects.filter(slug="s-5").update(language="fr")
    page = admin_client_signed_in.get("/admin/acsa_db/source/").content.decode()
    for language in ("en", "fr", "ja"):
        assert f"?language={language}" in page
    filtered = admin_client_signed_in.get("/admin/acsa_db/source/?language=fr").content.decode()
    assert "1 source" in filtered
    citations = admin_client_signed_in.get("/admin/acsa_db/citation/").content.decode()
    for language in ("en", "fr", "ja"):
        assert f"?source__language={language}" in citations
