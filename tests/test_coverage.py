"""Citation coverage: the page, the changelist filters, and the citations shown on each record's page."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from acsa_db import coverage
from acsa_db.coverage import (
    FACT_TABLES,
    coverage_report,
    table_coverage,
    uncited_facts,
    wilson_interval,
    with_contradicting_citations,
    with_uncited_facts,
)
from acsa_db.models import Agreement, Citation, Exercise, Source

from .factories import AgreementFactory, CitationFactory
from .query_plans import explain, has_subplan, joins, node_types, scans_of, uses_index


def test_report_counts_per_table(cited_agreement, exercise, source):
    participant = exercise.participants.get(country__iso3="JPN")
    CitationFactory(source=source, exercise_participant=participant, claim="participation")
    CitationFactory(source=source, exercise=exercise, claim="date", stance="contradicts")
    report = {row.table.table: row for row in coverage_report()}
    assert (report["agreement"].total, report["agreement"].cited) == (1, 1)
    assert (report["agreement_party"].total, report["agreement_party"].cited) == (2, 2)
    assert (report["exercise"].total, report["exercise"].cited, report["exercise"].contradicted) == (1, 0, 1)
    assert (report["exercise_participant"].cited, report["exercise_participant"].uncited) == (1, 1)
    assert [str(p.party) for p in report["exercise_participant"].uncited_rows] == ["Germany"]


def test_a_fact_cited_twice_counts_once_and_the_uncited_list_keeps_its_limit(exercise, source):
    first, second = exercise.participants.order_by("pk")

    def participants_row(limit):
        return next(row for row in coverage_report(limit) if row.table.table == "exercise_participant")

    assert participants_row(limit=1).uncited_rows == [first]  # both uncited, one listed
    CitationFactory(source=source, exercise_participant=first, claim="participation")
    CitationFactory(source=source, exercise_participant=first, claim="forces")
    CitationFactory(source=source, exercise_participant=first, claim="date", stance="contradicts")
    row = participants_row(limit=1)
    assert (row.total, row.cited, row.contradicted) == (2, 1, 1)
    assert row.uncited_rows == [second]


def test_a_table_whose_every_fact_is_cited_is_not_searched_for_uncited_ones(exercise, source):
    participants = next(table for table in FACT_TABLES if table.table == "exercise_participant")
    first, second = exercise.participants.order_by("pk")
    CitationFactory(source=source, exercise_participant=first, claim="participation")
    with CaptureQueriesContext(connection) as one_uncited:
        assert table_coverage(participants).uncited_rows == [second]
    CitationFactory(source=source, exercise_participant=second, claim="participation")
    with CaptureQueriesContext(connection) as none_uncited:
        row = table_coverage(participants)
    assert (row.total, row.cited, row.uncited_rows) == (2, 2, [])
    # The counts already say so: the query that would check every fact for a citation is skipped.
    assert len(none_uncited) == len(one_uncited) - 1


on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL estimates")


@pytest.fixture
def drills(db, source, monkeypatch):
    """240 exercises, every fourth uncited, one contradicted; "large" above 100 facts, sampled by 80."""
    monkeypatch.setattr(coverage, "EXACT_UP_TO", 100)
    monkeypatch.setattr(coverage, "SAMPLE_SIZE", 80)
    monkeypatch.setattr(coverage, "NEWEST_FACTS", 50)
    drills = Exercise.objects.bulk_create(
        Exercise(slug=f"drill-{n:03}", name=f"Drill {n}") for n in range(240)
    )
    Citation.objects.bulk_create(
        Citation(source=source, exercise=drill, claim="existence") for n, drill in enumerate(drills) if n % 4
    )
    CitationFactory(source=source, exercise=drills[1], claim="date", stance="contradicts")
    return drills


def exercise_row(**options):
    return next(row for row in coverage_report(**options) if row.table.table == "exercise")


@on_postgresql
def test_a_large_table_is_estimated_from_a_sample_and_says_how_sure(drills):
    row = exercise_row()
    assert row.estimated and row.sampled == 80
    assert row.total == 240  # the ids have no gaps: every draw finds a fact
    low, high = row.cited_interval
    assert low < 0.75 < high  # 180 of 240 cited
    assert abs(row.cited - 180) <= 240 * (high - low)
    assert row.contradicted == 1  # counted exactly, whatever the size
    assert row.newest_searched == 50
    # The uncited facts listed are the first among the newest 50: ids past the 190th exercise.
    newest_uncited = [drill for n, drill in enumerate(drills) if n % 4 == 0 and n >= 190]
    assert row.uncited_rows == newest_uncited
    # The same draw on every visit: the figures move only with the data.
    again = exercise_row()
    assert (again.total, again.cited, again.cited_interval) == (row.total, row.cited, row.cited_interval)


@on_postgresql
def test_the_sample_and_the_newest_facts_are_checked_one_index_probe_each(drills):
    with CaptureQueriesContext(connection) as queries:
        exercise_row()
    probing = [query["sql"] for query in queries if "\"stance\" = 'supports'" in query["sql"]]
    probing = [sql for sql in probing if 'FROM "exercise"' in sql]
    assert len(probing) == 2, probing  # the sample's counts, the newest facts' walk
    for sql in probing:
        # Statistics vary over a test run: leave the planner index-only scans alone, which a
        # join with the citations could use as well as a probe per fact.
        plan = explain(sql, disable=["seqscan", "indexscan", "bitmapscan"])
        # Not an anti-join with the citations (merged, it reads the whole index): a subplan
        # run per fact, reading the (target, stance, claim) index alone: an exercise is dated,
        # so whether a citation backs its date is read from the index too.
        assert not joins(plan, "Anti") and has_subplan(plan), plan
        assert uses_index(plan, "citation_exercise_stance_claim", "Index Only Scan"), plan


@on_postgresql
def test_exact_counts_on_request(drills):
    row = exercise_row(exact=True)
    assert not row.estimated
    assert (row.total, row.cited, row.contradicted) == (240, 180, 1)
    assert row.uncited_rows[0] == drills[0]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite counts")
def test_sqlite_always_counts_exactly(drills):
    row = exercise_row()
    assert not row.estimated
    assert (row.total, row.cited) == (240, 180)


@on_postgresql
def test_a_table_thinned_by_deletions_is_counted_exactly(drills):
    Citation.objects.filter(exercise__in=drills[1:200]).delete()
    Exercise.objects.filter(pk__in=[drill.pk for drill in drills[1:200]]).delete()
    row = exercise_row()  # 41 facts over 240 ids: a sample would find too few
    assert not row.estimated
    assert (row.total, row.cited) == (41, 30)


@on_postgresql
def test_the_coverage_page_marks_estimates_and_links_to_exact_counts(client, viewer, drills):
    client.force_login(viewer)
    url = reverse("admin:acsa_db_citation_coverage")
    page = " ".join(html.unescape(client.get(url).content.decode()).split())
    assert 'id="coverage-estimated"' in page and "95% confidence interval" in page
    assert "about 240" in page
    exact = html.unescape(client.get(url, {"exact": "1"}).content.decode())
    assert 'id="coverage-estimated"' not in exact and "about 240" not in exact
    assert "<td>240</td><td>180</td><td>60</td><td>75%</td>" in exact


def test_the_wilson_interval_stays_within_0_and_1_and_is_not_empty_at_either_end():
    assert wilson_interval(0, 500)[0] == 0.0 and wilson_interval(0, 500)[1] > 0
    assert wilson_interval(500, 500)[1] == pytest.approx(1.0) and wilson_interval(500, 500)[0] < 1
    low, high = wilson_interval(475, 500)
    assert round(low, 3) == 0.927 and round(high, 3) == 0.966  # 95% at 95%: from 92.7% to 96.6%


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
@pytest.mark.django_db
@pytest.mark.parametrize("table", FACT_TABLES, ids=lambda table: table.table)
def test_the_cited_count_reads_only_the_target_and_stance_index(table):
    # (target, stance), or (target, stance, claim) for the dated facts' tables.
    [index] = [
        index.name for index in Citation._meta.indexes if index.fields[:2] == [table.citation_field, "stance"]
    ]
    fact_id = f"{table.citation_field}_id"
    citing = Citation.objects.filter(**{f"{fact_id}__isnull": False}, stance="supports")
    sql, params = citing.order_by().values(fact_id).distinct().query.sql_with_params()
    # On an empty table every plan costs about the same: leave the planner only index-only
    # scans, which it can use only with an index that holds both columns.
    plan = explain(sql, params, disable=["seqscan", "indexscan", "bitmapscan"])
    [scan] = scans_of(plan, "citation")
    assert (scan["Node Type"], scan["Index Name"]) == ("Index Only Scan", index), plan
    # The index gives the facts in order: no sort for DISTINCT.
    assert not [node for node in node_types(plan) if "Sort" in node], plan


def test_coverage_page_links_each_uncited_fact_to_where_it_is_fixed(client, agreement, viewer):
    client.force_login(viewer)
    response = client.get(reverse("admin:acsa_db_citation_coverage"))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    event = agreement.events.get()
    party = agreement.parties.get(country__iso3="DEU")
    assert f'href="{reverse("admin:acsa_db_agreementevent_change", args=[event.pk])}"' in page
    assert "event signature, 2024-01-29 of Japan–Germany ACSA (2024)" in page
    assert f'href="{reverse("admin:acsa_db_agreementparty_change", args=[party.pk])}"' in page
    assert f'href="{reverse("admin:acsa_db_agreement_change", args=[agreement.pk])}"' in page
    # The admin index links to it.
    assert reverse("admin:acsa_db_citation_coverage") in client.get(reverse("admin:index")).content.decode()


def test_uncited_facts_filter(client, cited_agreement, acsa_type, viewer):
    bare = AgreementFactory(slug="bare", title="Bare", type=acsa_type)
    assert list(with_uncited_facts(Agreement.objects.all())) == [bare]
    # Citing only the record still leaves its event uncited.
    party = cited_agreement.parties.first()
    Citation.objects.filter(agreement_party=party).delete()
    assert set(with_uncited_facts(Agreement.objects.all())) == {bare, cited_agreement}
    client.force_login(viewer)
    changelist = reverse("admin:acsa_db_agreement_changelist")
    assert set(client.get(changelist, {"uncited": "yes"}).context["cl"].result_list) == {
        bare,
        cited_agreement,
    }
    CitationFactory(source=Citation.objects.first().source, agreement_party=party, claim="parties")
    assert list(client.get(changelist, {"uncited": "no"}).context["cl"].result_list) == [cited_agreement]


def test_contradicting_citations_filter(client, cited_agreement, exercise, source, viewer):
    participant = exercise.participants.first()
    CitationFactory(source=source, exercise_participant=participant, claim="forces", stance="contradicts")
    assert list(with_contradicting_citations(Exercise.objects.all())) == [exercise]
    assert list(with_contradicting_citations(Agreement.objects.all())) == []
    client.force_login(viewer)
    response = client.get(reverse("admin:acsa_db_exercise_changelist"), {"contradicted": "yes"})
    assert list(response.context["cl"].result_list) == [exercise]
    response = client.get(reverse("admin:acsa_db_agreement_changelist"), {"contradicted": "no"})
    assert list(response.context["cl"].result_list) == [cited_agreement]


def test_record_page_shows_citations_per_fact_and_what_is_missing(client, exercise, source, viewer):
    japan = exercise.participants.get(country__iso3="JPN")
    CitationFactory(source=source, exercise_participant=japan, claim="forces", stance="contradicts")
    client.force_login(viewer)
    page = client.get(reverse("admin:acsa_db_exercise_change", args=[exercise.pk])).content.decode()
    # The contradicting citation stands out; the uncited participant says so.
    assert 'class="acsa-contradicts"' in page and "contradicts" in page
    assert 'class="acsa-uncited"' in page
    check = html.unescape(page).split("No supporting citation yet:")[1].split("</div>")[0]
    assert [part.rsplit(">", 1)[1] for part in check.split("</a>")[:-1]] == [
        "the exercise itself",
        "participant Japan",
        "participant Germany",
    ]
    assert [str(f.party) for f in uncited_facts(exercise)[1:]] == ["Japan", "Germany"]


def test_a_dated_fact_is_cited_only_by_a_citation_of_its_date(cited_agreement, exercise, source):
    """A source for an event's or exercise's existence does not back its date (issue 17, point 9)."""
    events = next(table for table in FACT_TABLES if table.table == "agreement_event")
    exercises = next(table for table in FACT_TABLES if table.table == "exercise")
    signed = cited_agreement.events.create(kind="amendment", date="2025-03-01", date_precision="month")
    undated = cited_agreement.events.create(kind="negotiation_launch", place="Berlin")
    CitationFactory(source=source, agreement_event=signed, claim="existence")
    CitationFactory(source=source, agreement_event=undated, claim="existence")
    assert exercise.start_date is not None
    CitationFactory(source=source, exercise=exercise, claim="existence")

    def uncited(table):
        return list(
            table.model.objects.filter(~table.is_cited()).filter(pk__in=[signed.pk, undated.pk, exercise.pk])
        )

    # The dated facts count as uncited everywhere coverage is read: the counts, the lists, a record's facts,
    # the changelist filter and the per-fact probe.
    assert uncited(events) == [signed]
    assert uncited(exercises) == [exercise]
    assert table_coverage(events).uncited_rows == [signed]
    assert (table_coverage(exercises).cited, table_coverage(exercises).uncited_rows) == (0, [exercise])
    assert signed in uncited_facts(cited_agreement) and undated not in uncited_facts(cited_agreement)
    assert uncited_facts(exercise)[0] == exercise
    assert cited_agreement in with_uncited_facts(Agreement.objects.all())
    probe = Exercise.objects.filter(pk=exercise.pk).annotate(cited_id=exercises.cited_id())
    assert probe.get().cited_id is None

    # A citation of the date makes them cited; a contradicting one does not.
    other_report = Source.objects.create(slug="other-report", title="Another report", kind="news")
    CitationFactory(source=other_report, agreement_event=signed, claim="date", stance="contradicts")
    assert uncited(events) == [signed]
    CitationFactory(source=source, agreement_event=signed, claim="date")
    CitationFactory(source=source, exercise=exercise, claim="date")
    assert uncited(events) == [] and uncited(exercises) == []
    assert table_coverage(exercises).cited == 1
    assert probe.get().cited_id == exercise.pk
