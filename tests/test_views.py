"""The researchers' SQL views: they exist after migrating, match their documentation, and mean what it says.

Each test builds a few agreements or exercises with the ORM and reads the
views with plain SQL, as a researcher would, on SQLite and PostgreSQL alike.
"""

import datetime

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from acsa_db.models import (
    Agreement,
    Citation,
    Country,
    Exercise,
    ExerciseParticipant,
    Organization,
)
from acsa_db.partial_dates import PartialDate
from acsa_db.sql import CURRENT_VERSION, view_names
from acsa_db.sql.catalog import VIEWS
from acsa_db.sql.operations import CreateViews, create_views, drop_views

from .factories import AgreementEventFactory, AgreementFactory, AgreementPartyFactory, AgreementTypeFactory

TODAY = datetime.date.today()


def plain(value):
    """Dates as ISO text: SQLite returns text for computed columns, PostgreSQL dates."""
    return value.isoformat() if isinstance(value, datetime.date) else value


def query(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, map(plain, row), strict=True)) for row in cursor.fetchall()]


def make_agreement(slug, parties, events=(), *, type_code="ACSA", supersedes=None):
    """An agreement with parties ("JPN", ("KOR", "signatory"), "NATO") and events (kind, date[, party])."""
    agreement = AgreementFactory(
        slug=slug,
        title=slug,
        short_title=slug,
        type=AgreementTypeFactory(code=type_code, name=type_code),
        supersedes=supersedes,
    )
    party_rows = {}
    for party in parties:
        key, role = (party, "party") if isinstance(party, str) else party
        if Organization.objects.filter(acronym=key).exists():
            target = {"country": None, "organization": Organization.objects.get(acronym=key)}
        else:
            target = {"country": Country.objects.get(iso3=key)}
        party_rows[key] = AgreementPartyFactory(agreement=agreement, role=role, **target)
    for kind, when, *acting in events:
        date = PartialDate.parse(when) if isinstance(when, str) else None
        if isinstance(when, datetime.date):
            date = PartialDate(when, "day")
        AgreementEventFactory(
            agreement=agreement,
            kind=kind,
            date=date.date if date else None,
            date_precision=date.precision if date else None,
            party=party_rows[acting[0]] if acting else None,
        )
    return agreement


def status_of(agreement):
    (row,) = query("SELECT * FROM agreement_status WHERE agreement_id = %s", [agreement.pk])
    return row


def dyads_of(agreement):
    return query(
        "SELECT * FROM agreement_dyad WHERE agreement_id = %s ORDER BY ccode1, ccode2", [agreement.pk]
    )


def dyad_years(iso3_1, iso3_2, view="dyad_year"):
    return {
        row["year"]: row
        for row in query(f"SELECT * FROM {view} WHERE iso3_1 = %s AND iso3_2 = %s", [iso3_1, iso3_2])
    }


# --- the views exist and match their documentation ------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("view", [view for view in VIEWS if view.primary_key], ids=lambda view: view.name)
def test_each_views_declared_primary_key_identifies_one_row(reference_data, view):
    first = make_agreement(
        "acsa-aus-2010", ["JPN", "AUS"], [("signature", "2010-05-19"), ("entry_into_force", "2013")]
    )
    make_agreement(
        "acsa-aus-2017",
        ["JPN", "AUS"],
        [("signature", "2017-01"), ("entry_into_force", "2017-09-06")],
        supersedes=first,
    )
    make_agreement("warning", ["USA", "JPN", "KOR"], [("activation", "2023-12-19")], type_code="DATA_SHARING")
    key = ", ".join(view.primary_key)
    assert query(f"SELECT COUNT(*) AS n FROM {view.name}")[0]["n"] > 0 or view.name in (
        "exercise_dyad",
        "citation_coverage",
    )
    duplicated = query(f"SELECT {key}, COUNT(*) AS n FROM {view.name} GROUP BY {key} HAVING COUNT(*) > 1")
    assert duplicated == []
    empty = " OR ".join(f"{column} IS NULL" for column in view.primary_key)
    assert query(f"SELECT COUNT(*) AS n FROM {view.name} WHERE {empty}")[0]["n"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize("view", VIEWS, ids=lambda view: view.name)
def test_each_view_answers_with_exactly_its_documented_columns(view):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {view.name} WHERE 1 = 0")
        columns = [column[0] for column in cursor.description]
    assert columns == [column.name for column in view.columns]


@pytest.mark.django_db
def test_every_view_is_documented_and_every_documented_view_exists():
    in_database = {name for name in connection.introspection.table_names(include_views=True)}
    tables = set(connection.introspection.table_names())
    assert {view.name for view in VIEWS} == set(view_names(CURRENT_VERSION))
    assert {view.name for view in VIEWS} <= in_database - tables


@pytest.mark.django_db
def test_every_column_has_a_type_and_a_description():
    for view in VIEWS:
        assert view.summary and view.details
        for column in view.columns:
            assert column.type in {"integer", "string", "date"}, (view.name, column.name)
            assert column.description.endswith("."), (view.name, column.name)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="COMMENT ON is PostgreSQL's")
def test_postgresql_carries_the_documentation_as_comments():
    (row,) = query(
        "SELECT obj_description('agreement_status'::regclass, 'pg_class') AS view_comment, "
        "col_description('agreement_status'::regclass, 8) AS status_comment"
    )
    assert row["view_comment"].startswith("One row per agreement")
    assert row["status_comment"].startswith("negotiating, signed, in_force")


def view_migrations():
    """The acsa_db migrations that create views, in the order they apply, with the version each creates."""
    loader = MigrationExecutor(connection).loader
    (leaf,) = [key for key in loader.graph.leaf_nodes() if key[0] == "acsa_db"]
    plan = [key for key in loader.graph.forwards_plan(leaf) if key[0] == "acsa_db"]
    found = []
    for key in plan:
        for operation in loader.graph.nodes[key].operations:
            if isinstance(operation, CreateViews):
                found.append((key, operation.version))
    return loader, found


@pytest.mark.django_db
def test_the_last_migration_that_creates_views_creates_the_current_version():
    _, found = view_migrations()
    assert found, "a migration must create the views"
    assert found[-1][1] == CURRENT_VERSION


@pytest.mark.django_db(transaction=True)
def test_views_are_dropped_and_recreated_when_their_migrations_are_reversed_and_replayed():
    loader, found = view_migrations()
    # Back to before the first migration that creates views, then forward to the last migration.
    (app, name), _ = found[0]
    (parent,) = [key for key in loader.graph.node_map[(app, name)].parents if key[0] == app]
    call_command("migrate", app, parent[1], verbosity=0)
    assert not set(view_names()) & set(connection.introspection.table_names(include_views=True))
    call_command("migrate", app, verbosity=0)
    for view in view_names():
        query(f"SELECT COUNT(*) AS n FROM {view}")


@pytest.mark.django_db(transaction=True)
def test_a_table_change_fails_under_the_views_and_passes_between_drop_and_create():
    """SQLite rebuilds the table and cannot rename it back under a view; PostgreSQL
    refuses to change the type of a column a view reads. DropViews/CreateViews fix both."""
    old_field = Agreement._meta.get_field("short_title")
    new_field = old_field.clone()
    new_field.set_attributes_from_name("short_title")
    new_field.max_length = 150
    new_field.model = Agreement

    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.schema_editor(atomic=False) as editor:
            editor.alter_field(Agreement, old_field, new_field)

    try:
        with connection.schema_editor() as editor:
            drop_views(editor, CURRENT_VERSION)
            editor.alter_field(Agreement, old_field, new_field)
            create_views(editor, CURRENT_VERSION)
        for name in view_names():
            query(f"SELECT COUNT(*) AS n FROM {name}")
    finally:
        with connection.schema_editor() as editor:
            drop_views(editor, CURRENT_VERSION)
            editor.alter_field(Agreement, new_field, old_field)
            create_views(editor, CURRENT_VERSION)


# --- calendar_year ---------------------------------------------------------------------


@pytest.mark.django_db
def test_calendar_year_runs_from_1800_to_the_current_year():
    years = query("SELECT year, starts_on, ends_on FROM calendar_year ORDER BY year")
    assert years[0] == {"year": 1800, "starts_on": "1800-01-01", "ends_on": "1800-12-31"}
    assert years[-1]["year"] == TODAY.year
    assert len(years) == TODAY.year - 1800 + 1


# --- agreement_status ------------------------------------------------------------------


@pytest.mark.django_db
def test_status_follows_the_agreement_through_its_life(reference_data):
    talks = make_agreement("talks", ["JPN", "FRA"], [("negotiation_launch", "2024-05")])
    signed = make_agreement(
        "signed", ["JPN", "NLD"], [("negotiation_launch", "2024"), ("signature", "2025-12-18")]
    )
    in_force = make_agreement(
        "in-force", ["JPN", "GBR"], [("signature", "2017-01-26"), ("entry_into_force", "2017")]
    )
    assert status_of(talks)["status"] == "negotiating"
    assert (status_of(talks)["status_date"], status_of(talks)["status_date_precision"]) == (
        "2024-05-01",
        "month",
    )
    assert status_of(signed)["status"] == "signed"
    assert status_of(signed)["status_date"] == "2025-12-18"
    assert status_of(signed)["negotiation_date"] == "2024-01-01"
    row = status_of(in_force)
    assert row["status"] == "in_force"
    assert (row["entry_into_force_date"], row["entry_into_force_date_precision"]) == ("2017-01-01", "year")
    assert row["entry_into_force_basis"] == "entry_into_force"
    assert (row["signature_date"], row["signature_date_precision"]) == ("2017-01-26", "day")


@pytest.mark.django_db
def test_an_agreement_with_no_event_is_negotiating_with_no_date(reference_data):
    row = status_of(make_agreement("bare", ["JPN", "ITA"]))
    assert (row["status"], row["status_date"], row["signature_date"]) == ("negotiating", None, None)


@pytest.mark.django_db
def test_adoption_and_activation_put_instruments_into_effect(reference_data):
    adopted = make_agreement("itpp", ["JPN", "NATO"], [("adoption", "2023-07-12")], type_code="PARTNERSHIP")
    activated = make_agreement(
        "warning", ["USA", "JPN", "KOR"], [("activation", "2023-12-19")], type_code="DATA_SHARING"
    )
    row = status_of(adopted)
    assert (row["status"], row["signature_date"], row["entry_into_force_date"]) == (
        "in_force",
        "2023-07-12",
        "2023-07-12",
    )
    assert row["entry_into_force_basis"] == "adoption"
    row = status_of(activated)
    assert (row["status"], row["signature_date"], row["entry_into_force_basis"]) == (
        "in_force",
        None,
        "activation",
    )


@pytest.mark.django_db
def test_suspension_holds_until_a_reinstatement(reference_data):
    suspended = make_agreement(
        "suspended",
        ["JPN", "KOR"],
        [("signature", "2016-11-23"), ("entry_into_force", "2016-11-23"), ("suspension", "2019-11")],
    )
    reinstated = make_agreement(
        "reinstated",
        ["JPN", "KOR"],
        [
            ("signature", "2016-11-23"),
            ("entry_into_force", "2016-11-23"),
            ("suspension", "2019-11"),
            ("reinstatement", "2023-03-16"),
        ],
        type_code="ISA",
    )
    row = status_of(suspended)
    assert (row["status"], row["suspension_date"], row["suspension_date_precision"]) == (
        "suspended",
        "2019-11-01",
        "month",
    )
    row = status_of(reinstated)
    assert (row["status"], row["status_date"], row["suspension_date"]) == ("in_force", "2016-11-23", None)


@pytest.mark.django_db
def test_termination_and_expiry_end_an_agreement(reference_data):
    terminated = make_agreement(
        "ended",
        ["JPN", "USA"],
        [("signature", "2000"), ("entry_into_force", "2001"), ("expiry", "2010-03-31")],
    )
    row = status_of(terminated)
    assert (row["status"], row["end_date"], row["end_kind"]) == ("terminated", "2010-03-31", "expiry")


@pytest.mark.django_db
def test_a_party_withdrawing_ends_a_bilateral_agreement_but_not_a_trilateral_one(reference_data):
    bilateral = make_agreement(
        "bilateral",
        ["JPN", "KOR"],
        [("signature", "2016"), ("entry_into_force", "2016"), ("termination", "2020-01-01", "KOR")],
    )
    trilateral = make_agreement(
        "trilateral",
        ["JPN", "KOR", "USA"],
        [("signature", "2016"), ("entry_into_force", "2016"), ("termination", "2020-01-01", "KOR")],
    )
    assert status_of(bilateral)["status"] == "terminated"
    assert status_of(trilateral)["status"] == "in_force"
    # ... but the pairs with the state that left end with it.
    ends = {(row["iso3_1"], row["iso3_2"]): row["end_date"] for row in dyads_of(trilateral)}
    assert ends == {("USA", "KOR"): "2020-01-01", ("USA", "JPN"): None, ("KOR", "JPN"): "2020-01-01"}


@pytest.mark.django_db
def test_an_agreement_is_superseded_once_its_replacement_takes_effect(reference_data):
    old = make_agreement("acsa-old", ["JPN", "USA"], [("signature", "1996-04-15")])
    new = make_agreement(
        "acsa-new",
        ["JPN", "USA"],
        [("signature", "2016-09-26"), ("entry_into_force", "2017-04-25")],
        supersedes=old,
    )
    row = status_of(old)
    assert (row["status"], row["status_date"], row["superseded_by_slug"]) == (
        "superseded",
        "2017-04-25",
        "acsa-new",
    )
    assert row["superseded_by_id"] == new.pk
    # A replacement that is only signed leaves the old agreement as it was.
    pending = make_agreement("aus-old", ["JPN", "AUS"], [("signature", "2010"), ("entry_into_force", "2013")])
    make_agreement("aus-new", ["JPN", "AUS"], [("signature", "2017-01-14")], supersedes=pending)
    assert status_of(pending)["status"] == "in_force"


@pytest.mark.django_db
def test_events_dated_after_today_do_not_count_yet(reference_data):
    agreement = make_agreement(
        "scheduled",
        ["JPN", "PHL"],
        [("signature", "2026-01-15"), ("entry_into_force", TODAY + datetime.timedelta(days=30))],
    )
    row = status_of(agreement)
    assert (row["status"], row["entry_into_force_date"]) == ("signed", None)


# --- agreement_dyad --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_bilateral_agreement_is_one_pair_ordered_by_cow_code_with_iso_codes_beside(reference_data):
    agreement = make_agreement(
        "acsa-jpn-deu", ["JPN", "DEU"], [("signature", "2024-01-29"), ("entry_into_force", "2024-07-12")]
    )
    (row,) = dyads_of(agreement)
    # Germany is COW 255 (GMY), Japan 740: Germany comes first.
    assert {
        key: row[key] for key in ("ccode1", "cow_abbrev1", "iso3_1", "ccode2", "cow_abbrev2", "iso3_2")
    } == {
        "ccode1": 255,
        "cow_abbrev1": "GMY",
        "iso3_1": "DEU",
        "ccode2": 740,
        "cow_abbrev2": "JPN",
        "iso3_2": "JPN",
    }
    assert (row["signature_date"], row["entry_into_force_date"], row["end_date"]) == (
        "2024-01-29",
        "2024-07-12",
        None,
    )
    assert (row["type_code"], row["status"], row["agreement_slug"]) == ("ACSA", "in_force", "acsa-jpn-deu")


@pytest.mark.django_db
def test_a_multilateral_agreement_gives_every_pair_of_its_states_and_none_with_organizations(reference_data):
    trilateral = make_agreement("moc", ["USA", "JPN", "KOR"], [("signature", "2024-07-28")], type_code="MOC")
    with_nato = make_agreement("itpp", ["JPN", "NATO"], [("adoption", "2023-07-12")], type_code="PARTNERSHIP")
    pairs = [(row["ccode1"], row["ccode2"]) for row in dyads_of(trilateral)]
    assert pairs == [(2, 732), (2, 740), (732, 740)]
    assert dyads_of(with_nato) == []


@pytest.mark.django_db
def test_a_states_own_later_dates_hold_for_its_pairs(reference_data):
    agreement = make_agreement(
        "staggered",
        ["JPN", "AUS", ("GBR", "signatory")],
        [
            ("signature", "2020-03"),
            ("entry_into_force", "2021"),
            ("signature", "2020-06-10", "GBR"),
            ("entry_into_force", "2022-02-01", "AUS"),
        ],
    )
    pairs = {(row["iso3_1"], row["iso3_2"]): row for row in dyads_of(agreement)}
    assert set(pairs) == {("GBR", "JPN"), ("GBR", "AUS"), ("JPN", "AUS")}
    assert (pairs["GBR", "JPN"]["signature_date"], pairs["GBR", "JPN"]["signature_date_precision"]) == (
        "2020-06-10",
        "day",
    )
    # A signatory is not bound: no entry into force for its pairs.
    assert pairs["GBR", "JPN"]["entry_into_force_date"] is None
    assert (pairs["GBR", "JPN"]["role1"], pairs["GBR", "JPN"]["role2"]) == ("signatory", "party")
    # Australia's own entry into force is later than the agreement's.
    assert (
        pairs["JPN", "AUS"]["entry_into_force_date"],
        pairs["JPN", "AUS"]["entry_into_force_date_precision"],
    ) == ("2022-02-01", "day")


@pytest.mark.django_db
def test_on_the_same_date_the_coarser_precision_holds_for_the_pair(reference_data):
    agreement = make_agreement(
        "same-day",
        ["JPN", "IND"],
        # (The same kind on the same date is refused for one agreement: an adoption stands in.)
        [("signature", "2020"), ("adoption", "2020-01-01", "IND")],
    )
    (row,) = dyads_of(agreement)
    assert (row["signature_date"], row["signature_date_precision"]) == ("2020-01-01", "year")


@pytest.mark.django_db
def test_a_state_without_a_cow_code_comes_last_in_its_pairs(reference_data):
    no_cow = Country.objects.filter(cow_code__isnull=True, iso3__isnull=False).order_by("iso3").first()
    assert no_cow is not None, "the crosswalk lists territories without a COW code"
    agreement = make_agreement("territory", ["JPN", no_cow.iso3], [("signature", "2020")])
    (row,) = dyads_of(agreement)
    assert (row["iso3_1"], row["ccode2"], row["iso3_2"]) == ("JPN", None, no_cow.iso3)


# --- dyad_year -------------------------------------------------------------------------


@pytest.mark.django_db
def test_in_force_counts_from_the_year_of_entry_into_force_to_the_year_of_the_end(reference_data):
    make_agreement(
        "acsa",
        ["JPN", "GBR"],
        [("signature", "2017-01-26"), ("entry_into_force", "2017"), ("termination", "2019")],
    )
    years = dyad_years("GBR", "JPN")
    assert min(years) == 2017
    assert max(years) == TODAY.year
    # "2017" (year precision) counts in 2017; an end "in 2019" leaves 2019 in force.
    assert [years[year]["in_force"] for year in (2017, 2018, 2019, 2020)] == [1, 1, 1, 0]
    assert [years[year]["signed"] for year in (2017, 2018, 2019, 2020)] == [1, 1, 1, 0]
    # Within the pair's span, a year with nothing is a zero, not a missing row.
    assert years[2021]["in_force"] == 0 and years[2021]["in_force_ids"] is None


@pytest.mark.django_db
def test_an_end_before_a_year_began_excludes_it_and_a_mid_year_start_includes_it(reference_data):
    make_agreement(
        "acsa",
        ["JPN", "AUS"],
        [("signature", "2010-05-19"), ("entry_into_force", "2013-01-31"), ("expiry", "2016-12-31")],
    )
    years = dyad_years("JPN", "AUS")
    assert [years[year]["in_force"] for year in range(2010, 2018)] == [0, 0, 0, 1, 1, 1, 1, 0]
    # Signed but not yet in force from 2010: counted as signed only.
    assert [years[year]["signed"] for year in range(2010, 2018)] == [1, 1, 1, 1, 1, 1, 1, 0]


@pytest.mark.django_db
def test_a_pair_counts_from_its_entry_into_force_when_that_precedes_the_signature(reference_data):
    # As documented: from the first year an agreement was signed or took effect,
    # whichever came first (v1 started at the signature whenever one was recorded).
    agreement = make_agreement(
        "applied-first", ["JPN", "IND"], [("entry_into_force", "2015-06-01"), ("signature", "2016-02-01")]
    )
    years = dyad_years("JPN", "IND")
    assert min(years) == 2015
    assert (years[2015]["in_force"], years[2015]["signed"], years[2015]["signed_ids"]) == (
        1,
        1,
        str(agreement.pk),
    )
    listed = query(
        "SELECT year FROM dyad_year_agreement WHERE agreement_id = %s ORDER BY year", [agreement.pk]
    )
    assert [row["year"] for row in listed] == list(range(2015, TODAY.year + 1))


@pytest.mark.django_db
def test_counts_by_type_and_ids_in_ascending_order(reference_data):
    raa = make_agreement(
        "raa",
        ["JPN", "AUS"],
        [("signature", "2022-01-06"), ("entry_into_force", "2023-08-13")],
        type_code="RAA",
    )
    acsa = make_agreement(
        "acsa", ["JPN", "AUS"], [("signature", "2017-01-14"), ("entry_into_force", "2017-09-06")]
    )
    row = dyad_years("JPN", "AUS")[2023]
    assert (row["in_force"], row["acsa_in_force"], row["raa_in_force"], row["isa_in_force"]) == (2, 1, 1, 0)
    assert (row["signed"], row["acsa_signed"], row["raa_signed"]) == (2, 1, 1)
    assert row["in_force_ids"] == f"{raa.pk},{acsa.pk}"
    assert row["in_force_slugs"] == "raa,acsa"
    assert dyad_years("JPN", "AUS")[2022]["signed_slugs"] == "raa,acsa"
    assert dyad_years("JPN", "AUS")[2022]["in_force_slugs"] == "acsa"


@pytest.mark.django_db
def test_a_multilateral_agreement_counts_for_every_pair_of_its_states(reference_data):
    make_agreement("warning", ["USA", "JPN", "KOR"], [("activation", "2023-12-19")], type_code="DATA_SHARING")
    for pair in (("USA", "KOR"), ("USA", "JPN"), ("KOR", "JPN")):
        row = dyad_years(*pair)[2023]
        # DATA_SHARING is not collected systematically (collection_coverage): its count is
        # unknown (NULL), while the total of every type recorded still counts it.
        assert (row["in_force"], row["data_sharing_in_force"], row["signed"]) == (1, None, 1), pair


@pytest.mark.django_db
def test_directed_dyad_years_hold_each_pair_both_ways_with_the_same_counts(reference_data):
    make_agreement("acsa", ["JPN", "IND"], [("signature", "2020-09-09"), ("entry_into_force", "2021-07-11")])
    undirected = query("SELECT COUNT(*) AS n FROM dyad_year")[0]["n"]
    assert query("SELECT COUNT(*) AS n FROM dyad_year_directed")[0]["n"] == 2 * undirected
    forward, backward = (
        dyad_years("JPN", "IND", "dyad_year_directed"),
        dyad_years("IND", "JPN", "dyad_year_directed"),
    )
    assert forward.keys() == backward.keys()
    assert (forward[2021]["ccode1"], backward[2021]["ccode1"]) == (740, 750)
    assert forward[2021]["in_force"] == backward[2021]["in_force"] == 1
    assert (backward[2021]["cow_abbrev1"], backward[2021]["name2"]) == ("IND", "Japan")


@pytest.mark.django_db
def test_dyad_year_agreement_lists_the_agreements_behind_each_count(reference_data):
    acsa = make_agreement(
        "acsa", ["JPN", "CAN"], [("signature", "2018-04-21"), ("entry_into_force", "2019-07")]
    )
    rows = query(
        "SELECT year, agreement_id, in_force, signed FROM dyad_year_agreement "
        "WHERE iso3_1 = 'CAN' AND iso3_2 = 'JPN' AND year <= 2020 ORDER BY year"
    )
    assert rows == [
        {"year": 2018, "agreement_id": acsa.pk, "in_force": 0, "signed": 1},
        {"year": 2019, "agreement_id": acsa.pk, "in_force": 1, "signed": 1},
        {"year": 2020, "agreement_id": acsa.pk, "in_force": 1, "signed": 1},
    ]


# --- exercise_dyad ---------------------------------------------------------------------


@pytest.mark.django_db
def test_exercise_dyads_pair_the_state_participants_with_their_roles(reference_data):
    exercise = Exercise.objects.create(
        slug="pitch-black-2024",
        name="Pitch Black 2024",
        series="Pitch Black",
        start_date=datetime.date(2024, 7, 1),
        start_date_precision="month",
    )
    for iso3, role in (("AUS", "host"), ("JPN", "participant"), ("DEU", "observer")):
        ExerciseParticipant.objects.create(
            exercise=exercise, country=Country.objects.get(iso3=iso3), role=role
        )
    ExerciseParticipant.objects.create(
        exercise=exercise, organization=Organization.objects.get(acronym="NATO")
    )
    rows = query(
        "SELECT ccode1, ccode2, role1, role2, start_year, start_date, start_date_precision, series "
        "FROM exercise_dyad WHERE exercise_id = %s ORDER BY ccode1, ccode2",
        [exercise.pk],
    )
    assert [(row["ccode1"], row["ccode2"], row["role1"], row["role2"]) for row in rows] == [
        (255, 740, "observer", "participant"),
        (255, 900, "observer", "host"),
        (740, 900, "participant", "host"),
    ]
    assert {(row["start_year"], row["start_date"], row["start_date_precision"]) for row in rows} == {
        (2024, "2024-07-01", "month")
    }


@pytest.mark.django_db
def test_a_deployment_to_an_exercise_counts_once_as_that_exercise(reference_data):
    japan, australia = Country.objects.get(iso3="JPN"), Country.objects.get(iso3="AUS")
    exercise = Exercise.objects.create(slug="pitch-black-2024", name="Pitch Black 2024")
    deployment = Exercise.objects.create(
        slug="jasdf-pitch-black-2024", name="JASDF deployment to Pitch Black 2024", part_of=exercise
    )
    for record in (exercise, deployment):
        ExerciseParticipant.objects.create(exercise=record, country=australia, role="host")
        ExerciseParticipant.objects.create(exercise=record, country=japan, role="participant")
    rows = query("SELECT exercise_slug FROM exercise_dyad WHERE ccode1 = 740 AND ccode2 = 900")
    assert [row["exercise_slug"] for row in rows] == ["pitch-black-2024"]


# --- citation_coverage -----------------------------------------------------------------


@pytest.mark.django_db
def test_citation_coverage_counts_cited_uncited_and_contradicted_facts(source, agreement, exercise):
    event = agreement.events.get()
    party = agreement.parties.first()
    Citation.objects.create(source=source, agreement=agreement, claim="existence")
    Citation.objects.create(source=source, agreement_event=event, claim="date")
    Citation.objects.create(source=source, agreement_event=event, claim="place", stance="contradicts")
    Citation.objects.create(source=source, agreement_party=party, claim="place", stance="contradicts")
    rows = {row["record_slug"]: row for row in query("SELECT * FROM citation_coverage")}
    assert rows[agreement.slug] == {
        "record_type": "agreement",
        "record_id": agreement.pk,
        "record_slug": agreement.slug,
        "record_name": agreement.short_title,
        "review_status": "draft",
        # the agreement, its two parties, its signature
        "facts": 4,
        "cited_facts": 2,
        "uncited_facts": 2,
        "contradicted_facts": 2,
        "supporting_citations": 2,
        "contradicting_citations": 2,
    }
    # the exercise and its two participants, none cited
    assert (rows[exercise.slug]["facts"], rows[exercise.slug]["uncited_facts"]) == (3, 3)
    assert rows[exercise.slug]["supporting_citations"] == 0


# --- v3: coverage, lineages, inferred entry into force, date bounds, review status -----

COVERAGE_END = datetime.date(2026, 1, 27)  # the latest last_covered_date of fixtures/coverage.json


def panel(iso3_a, iso3_b, year):
    """The balanced panel's row for a pair (in either order) and year."""
    rows = query(
        "SELECT * FROM dyad_year_panel WHERE year = %s AND ((iso3_1 = %s AND iso3_2 = %s) OR (iso3_1 = %s AND iso3_2 = %s))",
        [year, iso3_a, iso3_b, iso3_b, iso3_a],
    )
    return rows[0] if rows else None


@pytest.mark.django_db
def test_a_type_not_collected_for_the_pair_or_the_year_counts_as_unknown_not_zero(reference_data):
    make_agreement("acsa", ["JPN", "USA"], [("signature", "1996-04-15"), ("entry_into_force", "1996-10-22")])
    years = dyad_years("USA", "JPN")
    # ACSA is collected from 1996, ISA from 2007; SOFA, DCA and MOC are not collected at all.
    assert (years[2000]["acsa_in_force"], years[2000]["raa_in_force"]) == (1, 0)
    assert (years[2000]["isa_in_force"], years[2010]["isa_in_force"]) == (None, 0)
    assert {years[2000][c] for c in ("sofa_in_force", "dca_in_force", "moc_in_force", "moc_signed")} == {None}
    # The totals say which types they include.
    assert years[2000]["covered_types"] == "ACSA,DETA,RAA"
    assert years[2010]["covered_types"] == "ACSA,DETA,ISA,RAA"
    assert (years[2000]["in_force"], years[2000]["in_force_covered"]) == (1, 1)
    # A pair without the focal state is not collected for any type.
    make_agreement(
        "usa-kor", ["USA", "KOR"], [("signature", "2000-01-01"), ("entry_into_force", "2000-01-01")]
    )
    other = dyad_years("USA", "KOR")[2000]
    assert (other["in_force"], other["acsa_in_force"], other["in_force_covered"], other["covered_types"]) == (
        1,
        None,
        None,
        None,
    )


@pytest.mark.django_db
def test_replacement_texts_are_one_lineage_counted_once_in_the_year_one_replaces_the_other(reference_data):
    first = make_agreement(
        "acsa-aus-2010", ["JPN", "AUS"], [("signature", "2010-05-19"), ("entry_into_force", "2013-01-31")]
    )
    second = make_agreement(
        "acsa-aus-2017",
        ["JPN", "AUS"],
        [("signature", "2017-01-14"), ("entry_into_force", "2017-09-06")],
        supersedes=first,
    )
    third = make_agreement("acsa-aus-2030", ["JPN", "AUS"], [("signature", "2025-01-01")], supersedes=second)
    lineage = {row["agreement_slug"]: row for row in query("SELECT * FROM agreement_lineage")}
    assert {slug: (row["lineage_slug"], row["generation"]) for slug, row in lineage.items()} == {
        "acsa-aus-2010": ("acsa-aus-2010", 1),
        "acsa-aus-2017": ("acsa-aus-2010", 2),
        "acsa-aus-2030": ("acsa-aus-2010", 3),
    }
    assert {row["texts_in_lineage"] for row in lineage.values()} == {3}
    assert status_of(third)["lineage_id"] == first.pk
    row = dyad_years("JPN", "AUS")[2017]
    # Both texts were in force in 2017: one lineage, one ACSA; the ids still name both texts.
    assert (row["in_force"], row["acsa_in_force"], row["acsa_signed"]) == (1, 1, 1)
    assert row["in_force_slugs"] == "acsa-aus-2010,acsa-aus-2017"
    texts = query(
        "SELECT agreement_slug, lineage_slug FROM dyad_year_agreement WHERE year = 2017 AND iso3_1 = 'JPN' "
        "ORDER BY agreement_id"
    )
    assert [row["lineage_slug"] for row in texts] == ["acsa-aus-2010", "acsa-aus-2010"]


@pytest.mark.django_db
def test_an_amended_agreement_with_no_entry_into_force_is_in_force_from_the_amendment_marked_inferred(
    reference_data,
):
    agreement = make_agreement(
        "acsa-usa-1996",
        ["JPN", "USA"],
        [("signature", "1996-04-15"), ("amendment", "1998-04-28"), ("amendment", "2004-02-27")],
    )
    row = status_of(agreement)
    assert (
        row["status"],
        row["entry_into_force_date"],
        row["entry_into_force_basis"],
        row["in_force_inferred"],
    ) == (
        "in_force",
        "1998-04-28",
        "amendment",
        1,
    )
    (dyad,) = dyads_of(agreement)
    assert (dyad["entry_into_force_date"], dyad["in_force_inferred"]) == ("1998-04-28", 1)
    years = dyad_years("USA", "JPN")
    assert [years[year]["acsa_in_force"] for year in (1996, 1997, 1998, 2000)] == [0, 0, 1, 1]
    # A recorded entry into force wins over the inference.
    recorded = make_agreement(
        "acsa-gbr",
        ["JPN", "GBR"],
        [("signature", "2017-01-26"), ("entry_into_force", "2017"), ("amendment", "2016")],
    )
    assert (status_of(recorded)["entry_into_force_basis"], status_of(recorded)["in_force_inferred"]) == (
        "entry_into_force",
        0,
    )


@pytest.mark.django_db
def test_each_date_has_its_latest_bound_beside_it(reference_data):
    agreement = make_agreement(
        "acsa-gbr",
        ["JPN", "GBR"],
        [("signature", "2017-01-26"), ("entry_into_force", "2017"), ("termination", "2024-02")],
    )
    row = status_of(agreement)
    assert (row["signature_date"], row["signature_date_latest"]) == ("2017-01-26", "2017-01-26")
    assert (row["entry_into_force_date"], row["entry_into_force_date_latest"]) == ("2017-01-01", "2017-12-31")
    assert (row["end_date"], row["end_date_latest"]) == ("2024-02-01", "2024-02-29")  # a leap year
    assert (row["status_date"], row["status_date_latest"]) == ("2024-02-01", "2024-02-29")
    (dyad,) = dyads_of(agreement)
    assert (dyad["entry_into_force_date_latest"], dyad["end_date_latest"]) == ("2017-12-31", "2024-02-29")


IN_FORCE_ON = """
    SELECT agreement_slug,
        CASE
            WHEN entry_into_force_date IS NULL OR entry_into_force_date > %(day)s
                OR end_date_latest <= %(day)s OR superseded_date_latest <= %(day)s THEN 'no'
            WHEN entry_into_force_date_latest <= %(day)s
                AND (end_date IS NULL OR end_date > %(day)s)
                AND (superseded_date IS NULL OR superseded_date > %(day)s) THEN 'yes'
            ELSE 'uncertain'
        END AS in_force
    FROM agreement_status WHERE agreement_slug = 'acsa-gbr'
"""


@pytest.mark.django_db
def test_in_force_on_a_day_is_uncertain_inside_a_year_precision_date(reference_data):
    make_agreement("acsa-gbr", ["JPN", "GBR"], [("signature", "2017-01-26"), ("entry_into_force", "2017")])
    answers = {
        day: query(IN_FORCE_ON, {"day": day})[0]["in_force"]
        for day in ("2016-12-31", "2017-03-01", "2018-01-01")
    }
    assert answers == {"2016-12-31": "no", "2017-03-01": "uncertain", "2018-01-01": "yes"}


@pytest.mark.django_db
def test_today_is_the_coverage_end_not_the_day_the_query_runs(reference_data):
    # An entry into force after the coverage's end (but before the day the tests run) does not count.
    later = COVERAGE_END + datetime.timedelta(days=10)
    assert later < TODAY
    agreement = make_agreement(
        "acsa-phl", ["JPN", "PHL"], [("signature", "2026-01-15"), ("entry_into_force", later)]
    )
    assert (status_of(agreement)["status"], status_of(agreement)["entry_into_force_date"]) == ("signed", None)
    # No row past the coverage's last year.
    assert max(dyad_years("JPN", "PHL")) == COVERAGE_END.year
    assert query("SELECT MAX(year) AS year FROM dyad_year_panel")[0]["year"] == COVERAGE_END.year


@pytest.mark.django_db
def test_notices_and_other_events_do_not_change_force(reference_data):
    agreement = make_agreement(
        "gsomia",
        ["JPN", "KOR"],
        [
            ("signature", "2016-11-23"),
            ("entry_into_force", "2016-11-23"),
            ("termination_notice", "2019-08-23"),
            ("other", "2020-01-01"),
        ],
        type_code="ISA",
    )
    assert status_of(agreement)["status"] == "in_force"
    assert dyad_years("KOR", "JPN")[2020]["isa_in_force"] == 1


@pytest.mark.django_db
def test_dyad_years_carry_the_least_reviewed_status_of_what_they_count(reference_data):
    verified = make_agreement(
        "acsa", ["JPN", "AUS"], [("signature", "2010-05-19"), ("entry_into_force", "2013-01-31")]
    )
    Agreement.objects.filter(pk=verified.pk).update(review_status="verified", reviewed_at=timezone.now())
    assert dyad_years("JPN", "AUS")[2022]["review_status"] == "verified"
    make_agreement("raa", ["JPN", "AUS"], [("signature", "2022-01-06")])  # a draft
    years = dyad_years("JPN", "AUS")
    assert (years[2021]["review_status"], years[2022]["review_status"]) == ("verified", "draft")
    assert panel("JPN", "AUS", 2022)["review_status"] == "draft"
    verified_only = query(
        "SELECT COUNT(DISTINCT lineage_id) AS n FROM dyad_year_agreement "
        "WHERE year = 2022 AND iso3_1 = 'JPN' AND iso3_2 = 'AUS' AND signed = 1 AND review_status = 'verified'"
    )
    assert verified_only[0]["n"] == 1
    assert years[2022]["signed"] == 2


@pytest.mark.django_db
def test_the_panel_has_every_state_of_the_system_in_every_covered_year_zero_where_zero_is_known(
    reference_data,
):
    make_agreement("acsa", ["JPN", "USA"], [("signature", "1996-04-15"), ("entry_into_force", "1996-10-22")])
    members_2000 = query("SELECT COUNT(*) AS n FROM state_year WHERE year = 2000")[0]["n"]
    rows_2000 = query("SELECT COUNT(*) AS n FROM dyad_year_panel WHERE year = 2000")[0]["n"]
    assert rows_2000 == members_2000 - 1  # Japan with every other member
    assert members_2000 > 180
    years = query("SELECT DISTINCT year FROM dyad_year_panel ORDER BY year")
    assert [row["year"] for row in years] == list(range(1983, COVERAGE_END.year + 1))  # DETA from 1983
    usa = panel("USA", "JPN", 2000)
    assert (usa["acsa_in_force"], usa["isa_in_force"], usa["sofa_in_force"]) == (1, None, None)
    chad = panel("CHA" if False else "TCD", "JPN", 2000)
    assert (chad["acsa_in_force"], chad["raa_signed"], chad["in_force_covered"], chad["review_status"]) == (
        0,
        0,
        0,
        None,
    )
    # Before ISA is collected, its count is unknown even where nothing is recorded.
    assert (chad["isa_in_force"], panel("TCD", "JPN", 2010)["isa_in_force"]) == (None, 0)
    # West Germany is a state of the system until 1990, with no country row.
    gfr = query("SELECT * FROM dyad_year_panel WHERE ccode1 = 260 AND year = 1989")
    assert len(gfr) == 1 and gfr[0]["country1_id"] is None and gfr[0]["name1"] == "German Federal Republic"
    assert not query("SELECT * FROM dyad_year_panel WHERE ccode1 = 260 AND year = 1991")


@pytest.mark.django_db
def test_state_year_has_cow_membership_over_the_coverage_with_notes_where_codes_do_not_match(reference_data):
    japan = {row["year"]: row for row in query("SELECT * FROM state_year WHERE ccode = 740")}
    assert min(japan) == 1983 and max(japan) == COVERAGE_END.year
    assert (japan[2016]["cow_data"], japan[2017]["cow_data"], japan[2017]["iso3"]) == (1, 0, "JPN")
    gfr = query("SELECT * FROM state_year WHERE ccode = 260 ORDER BY year")
    assert [row["year"] for row in gfr] == list(range(1983, 1991))
    assert gfr[0]["country_id"] is None and "country table" in gfr[0]["note"]
    germany = query("SELECT year FROM state_year WHERE ccode = 255 ORDER BY year")
    assert germany[0]["year"] == 1990
    yugoslavia = query("SELECT * FROM state_year WHERE ccode = 345 AND year = 2010")[0]
    assert (yugoslavia["iso3"], yugoslavia["name"]) == (None, "Yugoslavia")
    assert "Serbia" in yugoslavia["note"]
    # Serbia's country row is not given 345.
    assert not query("SELECT * FROM state_year WHERE iso3 = 'SRB'")
