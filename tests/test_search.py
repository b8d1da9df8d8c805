"""Search in the admin: full-text with a GIN index on PostgreSQL, icontains on SQLite."""

import datetime

import pytest
from django.contrib import admin
from django.db import connection
from django.urls import reverse

from acsa_db.models import Agreement, AgreementParty, AgreementType, Citation, Exercise, Source
from acsa_db.search import DOCUMENTS, prefix_query

from .query_plans import explain, has_subplan, node_types, scans_of, uses_index

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search is PostgreSQL's"
)
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the icontains fallback is SQLite's")


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def records(agreement, source, exercise):
    raa_type = AgreementType.objects.create(code="RAA", name="Reciprocal Access Agreement")
    raa = Agreement.objects.create(
        slug="raa-jpn-gbr-2023",
        title="Agreement between Japan and the United Kingdom concerning the Facilitation of Reciprocal "
        "Access and Cooperation between the Self-Defense Forces of Japan and the Armed Forces of the "
        "United Kingdom",
        short_title="Japan–UK Reciprocal Access Agreement",
        type=raa_type,
        summary="Sets the status of visiting forces during training.",
    )
    wire = Source.objects.create(
        slug="kyodo-raa-2023",
        title="Japan, Britain sign defense pact on troop visits",
        publisher="Kyodo News",
        kind=Source.Kind.WIRE,
        url="https://english.kyodonews.net/example-raa",
        published=datetime.date(2023, 1, 11),
        published_precision="day",
        notes="Names both signatories.",
    )
    drill = Exercise.objects.create(
        slug="pitch-black-2024",
        name="Pitch Black 2024",
        series="Pitch Black",
        location="Darwin and Tindal",
        summary="Large air exercise hosted by Australia.",
    )
    return {
        "raa": raa,
        "acsa": agreement,
        "wire": wire,
        "release": source,
        "drill": drill,
        "exercise": exercise,
    }


def admin_search(client, model, term):
    url = reverse(f"admin:acsa_db_{model._meta.model_name}_changelist")
    response = client.get(url, {"q": term})
    assert response.status_code == 200
    return {obj.slug for obj in response.context["cl"].result_list}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model, term, expected",
    [
        (Agreement, "reciprocal", {"raa-jpn-gbr-2023", "acsa-jpn-deu-2024"}),
        (Agreement, "Reciprocal Access", {"raa-jpn-gbr-2023"}),
        (Agreement, "germany japan", {"acsa-jpn-deu-2024"}),
        (Agreement, "visiting forces", {"raa-jpn-gbr-2023"}),
        (Agreement, "raa-jpn-gbr-2023", {"raa-jpn-gbr-2023"}),
        (Agreement, "DEU", {"acsa-jpn-deu-2024"}),  # a party's ISO code: icontains on both databases
        (Source, "kyodo", {"kyodo-raa-2023"}),
        (Source, "signatories", {"kyodo-raa-2023"}),
        (Source, "Ministry of Foreign Affairs", {"mofa-test-release"}),
        (Source, "english.kyodonews.net", {"kyodo-raa-2023"}),  # the URL: icontains on both
        (Exercise, "pitch black", {"pitch-black-2024"}),
        (Exercise, "Tindal", {"pitch-black-2024"}),
        (Exercise, "hosted australia", {"pitch-black-2024"}),
        (Exercise, "nothing-like-this", set()),
        # No word characters: a substring search on both databases.
        (Agreement, "–", {"raa-jpn-gbr-2023", "acsa-jpn-deu-2024"}),
        (Source, "%", set()),
    ],
)
def test_the_admin_search_box_finds_records_by_their_words(staff_client, records, model, term, expected):
    assert admin_search(staff_client, model, term) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("term", ['"', "& | ! :* ()", "'", "–", "\\", "%"])
def test_stray_punctuation_in_the_search_box_is_harmless(staff_client, records, term):
    for model in (Agreement, Source, Exercise):
        admin_search(staff_client, model, term)


@pytest.mark.django_db
@on_postgresql
def test_postgresql_matches_words_by_prefix_not_fragments_inside_words(staff_client, records):
    assert admin_search(staff_client, Agreement, "reciproc") == {"raa-jpn-gbr-2023", "acsa-jpn-deu-2024"}
    assert admin_search(staff_client, Exercise, "tind") == {"pitch-black-2024"}
    # Full text matches words from their start: a fragment inside a word is no match.
    assert admin_search(staff_client, Exercise, "indal") == set()
    assert admin_search(staff_client, Source, "ignatories") == set()


@pytest.mark.django_db
@on_sqlite
def test_sqlite_falls_back_to_substring_search(staff_client, records):
    assert admin_search(staff_client, Exercise, "indal") == {"pitch-black-2024"}
    assert admin_search(staff_client, Source, "ignatories") == {"kyodo-raa-2023"}


def search(queryset, text):
    """The full-text query the admin runs on PostgreSQL, on one table's rows."""
    query = prefix_query(text)
    if query is None:
        return queryset.none()
    document = DOCUMENTS[queryset.model._meta.db_table]
    return queryset.alias(search_document=document.vector()).filter(search_document=query)


@pytest.mark.django_db
@on_postgresql
def test_search_finds_the_same_records_as_the_admin(records):
    assert set(search(Agreement.objects.all(), "japan united kingdom").values_list("slug", flat=True)) == {
        "raa-jpn-gbr-2023"
    }
    assert not search(Source.objects.all(), "—").exists()


@pytest.mark.django_db
@on_postgresql
def test_each_table_has_a_gin_index_on_its_search_document():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE indexname LIKE %s", ["%_search"]
        )
        found = {row[1]: (row[0], row[2]) for row in cursor.fetchall()}
    for table, document in DOCUMENTS.items():
        assert found[document.index_name][0] == table
        assert "USING gin" in found[document.index_name][1]
        assert "to_tsvector('simple'" in found[document.index_name][1]


@pytest.mark.django_db
@on_postgresql
@pytest.mark.parametrize("model", [Source, Agreement, Exercise], ids=lambda m: m._meta.db_table)
def test_the_search_query_is_served_by_the_gin_index(records, model):
    """The planner can use the index only when the query's expression is the index's own."""
    # Unordered: an ORDER BY could walk another index (the slug's) and filter on the way.
    queryset = search(model.objects.order_by(), "japan")
    sql, params = queryset.query.sql_with_params()
    # A few rows make a sequential scan cheaper; forbid it to see whether the index applies.
    plan = explain(sql, params, disable=["seqscan"])
    assert uses_index(plan, DOCUMENTS[model._meta.db_table].index_name), plan


@pytest.fixture
def logistics(records, germany):
    """An agreement whose text does not name its party: only the party's country does."""
    logistics = Agreement.objects.create(
        slug="logistics-2020",
        title="Logistics arrangement",
        short_title="Logistics arrangement",
        type=records["acsa"].type,
    )
    AgreementParty.objects.create(agreement=logistics, country=germany)
    return logistics


@pytest.mark.django_db
def test_one_word_may_name_a_party_country_and_another_the_agreement_text(staff_client, logistics):
    assert admin_search(staff_client, Agreement, "germany logistics") == {"logistics-2020"}
    assert admin_search(staff_client, Agreement, "logistics DEU") == {"logistics-2020"}
    assert admin_search(staff_client, Agreement, "germany") == {"logistics-2020", "acsa-jpn-deu-2024"}
    assert admin_search(staff_client, Agreement, "germany visiting") == set()


@pytest.mark.django_db
@on_postgresql
def test_an_agreement_search_is_answered_by_indexes_alone(rf, admin_user, logistics):
    """A word's alternatives come from indexes, combined as bitmaps.

    The text through the GIN index, the parties' countries as an array of ids
    through the primary key. An ``id IN (SELECT ...)`` alternative could only be
    checked row by row, walking the whole list in its order.
    """
    model_admin = admin.site._registry[Agreement]
    request = rf.get("/")
    request.user = admin_user
    queryset, _ = model_admin.get_search_results(
        request, Agreement.objects.order_by("slug"), "germany logistics"
    )
    sql, params = queryset.values("pk").query.sql_with_params()
    # Only bitmap scans allowed: a condition that no index can answer leaves a sequential scan.
    plan = explain(sql, params, disable=["seqscan", "indexscan"])
    # The listed table itself, not the subqueries' own aliases of it (U0, U1...).
    [listed_scan] = scans_of(plan, "agreement", alias="agreement")
    assert listed_scan["Node Type"] == "Bitmap Heap Scan", plan
    assert "BitmapOr" in node_types(listed_scan), plan
    assert uses_index(plan, "agreement_search", "Bitmap Index Scan"), plan
    assert uses_index(plan, "agreement_pkey", "Bitmap Index Scan"), plan
    assert not has_subplan(plan), plan


@pytest.fixture
def citations(records):
    by_wire = Citation.objects.create(
        source=records["wire"],
        agreement=records["raa"],
        claim=Citation.Claim.EXISTENCE,
        quote="the two governments signed the agreement in Tokyo",
        note="Date from the dateline; page two names the ministers.",
    )
    by_release = Citation.objects.create(
        source=records["release"], agreement=records["acsa"], claim=Citation.Claim.EXISTENCE
    )
    return {"wire": by_wire, "release": by_release}


def citation_search(client, term):
    response = client.get(reverse("admin:acsa_db_citation_changelist"), {"q": term})
    assert response.status_code == 200
    return {citation.pk for citation in response.context["cl"].result_list}


@pytest.mark.django_db
def test_the_citation_search_finds_citations_by_their_source_and_by_their_own_words(staff_client, citations):
    wire, release = citations["wire"].pk, citations["release"].pk
    assert citation_search(staff_client, "kyodo") == {wire}  # the source's publisher
    assert citation_search(staff_client, "Ministry of Foreign Affairs") == {release}  # the source's title
    assert citation_search(staff_client, "dateline") == {wire}  # the note
    assert citation_search(staff_client, "Tokyo") == {wire}  # the quote
    assert citation_search(staff_client, "kyodo tokyo") == {wire}  # every word, each anywhere
    assert citation_search(staff_client, "kyodo ministry") == set()
    assert citation_search(staff_client, "nothing-like-this") == set()


@pytest.mark.django_db
@on_postgresql
@pytest.mark.parametrize("model, column", [(Citation, "note"), (Citation, "quote"), (Source, "url")])
def test_substring_search_fields_are_served_by_a_trigram_index(citations, model, column):
    queryset = model.objects.order_by().filter(**{f"{column}__icontains": "dateline"})
    sql, params = queryset.query.sql_with_params()
    plan = explain(sql, params, disable=["seqscan"])
    assert uses_index(plan, f"{model._meta.db_table}_{column}_trigram"), plan
