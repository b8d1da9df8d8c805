"""The seeded data set (fixtures/seed/*.yaml): it loads, every fact is cited, and it says what the
fact sheet says, no more.

The fixtures are loaded with ``load_fixtures`` into the empty test database, as a new
installation would load them: once for the module, in a transaction rolled back at its end.
The SQL tests use plain SQL that runs unchanged on SQLite and PostgreSQL, as a researcher
would write it against the documented tables.
"""

import datetime
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

from acsa_db.models import (
    Agreement,
    AgreementEvent,
    AgreementParty,
    Citation,
    Exercise,
    ExerciseParticipant,
    Source,
)

pytestmark = pytest.mark.django_db

SEED_DIR = Path(settings.BASE_DIR) / "fixtures" / "seed"
SEED_FILES = ["sources.yaml", "agreements.yaml", "exercises.yaml", "citations.yaml"]
REVIEWED_AT = datetime.datetime(2026, 11, 26, tzinfo=datetime.UTC)
# The records of the second sheet (isa.yaml, deta.yaml) were checked against it later.
SECOND_SHEET_REVIEWED_AT = datetime.datetime(2026, 12, 4, tzinfo=datetime.UTC)
SECOND_SHEET_PREFIXES = ("isa-", "deta-", "gsomia-jpn-usa-")

# Foreign keys in the seed files; each must be written as a natural key (a list) or null.
FOREIGN_KEYS = {
    "type",
    "supersedes",
    "agreement",
    "country",
    "organization",
    "party",
    "host",
    "relays",
    "publisher_country",
    "source",
    "agreement_event",
    "agreement_party",
    "exercise",
    "exercise_participant",
    "reviewed_by",
}


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """Load the fixtures once for this module into the empty test database.

    Loading takes a couple of seconds (every foreign key is a natural-key lookup), so it runs
    once, inside a transaction that is rolled back when the module's tests are done; each test
    runs in a savepoint within it, as usual. Returns the row counts right before and after.
    """
    with django_db_blocker.unblock():
        with transaction.atomic():
            before = table_counts()
            call_command("load_fixtures", verbosity=0)
            yield {"before": before, "after": table_counts()}
            transaction.set_rollback(True)


@pytest.fixture
def seeded(seeded_once, db):
    return seeded_once


def table_counts():
    models = (Source, Agreement, AgreementParty, AgreementEvent, Exercise, ExerciseParticipant, Citation)
    return {model.__name__: model.objects.count() for model in models}


def sql(query):
    with connection.cursor() as cursor:
        cursor.execute(query)
        return cursor.fetchall()


def column(query):
    return [row[0] for row in sql(query)]


# --- Loading ---------------------------------------------------------------------------


def test_seed_files_use_natural_keys_only():
    for name in SEED_FILES:
        objects = yaml.safe_load((SEED_DIR / name).read_text(encoding="utf-8"))
        assert objects, name
        for obj in objects:
            assert set(obj) == {"model", "fields"}, f"{name}: {obj}"
            for field, value in obj["fields"].items():
                if field in FOREIGN_KEYS:
                    assert value is None or isinstance(value, list), f"{name}: {field}={value!r}"
                if field == "domains":
                    assert all(isinstance(key, list) for key in value)


def test_fixtures_load_into_an_empty_database(seeded):
    assert set(seeded["before"].values()) == {0}
    assert seeded["after"] == {
        "Source": 381,
        "Agreement": 57,
        "AgreementParty": 116,
        "AgreementEvent": 168,
        "Exercise": 19,
        "ExerciseParticipant": 51,
        "Citation": 1427,
    }
    assert table_counts() == seeded["after"]


def dump_all_tables():
    """Every row of every acsa_db table (and the exercise_domain link table), by primary key."""
    models = list(apps.get_app_config("acsa_db").get_models()) + [Exercise.domains.through]
    return {model._meta.db_table: list(model.objects.order_by("pk").values()) for model in models}


def test_loading_twice_changes_nothing(seeded):
    before = dump_all_tables()
    call_command("load_fixtures", verbosity=0)
    assert dump_all_tables() == before


# --- Citations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model, target",
    [
        (Agreement, "agreement"),
        (AgreementEvent, "agreement_event"),
        (AgreementParty, "agreement_party"),
        (Exercise, "exercise"),
        (ExerciseParticipant, "exercise_participant"),
    ],
)
def test_every_fact_has_a_supporting_citation(seeded, model, target):
    supported = Citation.objects.filter(stance="supports", **{f"{target}__isnull": False}).values(target)
    uncited = model.objects.exclude(pk__in=supported)
    assert list(uncited) == []


def test_every_source_is_cited(seeded):
    assert list(Source.objects.filter(citations__isnull=True)) == []


def test_parties_cite_the_signing_sources(seeded):
    party = AgreementParty.objects.get_by_natural_key("acsa-jpn-deu-2024", "DEU", None)
    sources = set(party.citations.filter(claim="parties").values_list("source__slug", flat=True))
    assert sources == {
        "mofa-deu-acsa-sign-ja",
        "emb-de-acsa-sign-2024",
        "yomiuri-deu-acsa-2024",
        "aa-deu-acsa-2024",
    }
    nato = AgreementParty.objects.get_by_natural_key("itpp-nato-jpn-2023", None, "NATO")
    assert nato.country is None
    assert nato.citations.filter(claim="parties", stance="supports").exists()


def test_disputed_records_keep_both_readings(seeded):
    nld_signature = AgreementEvent.objects.get_by_natural_key("acsa-jpn-nld-2025", "signature", "2025-12-18")
    contradicting = nld_signature.citations.get(stance="contradicts")
    assert contradicting.source.slug == "checkpoint-nld-acsa-2025"
    assert "17 December" in contradicting.note

    air_drill = Exercise.objects.get(slug="usa-jpn-kor-air-drill-2023-10")
    japan = air_drill.participants.get(country__iso3="JPN")
    readings = dict(japan.citations.filter(claim="forces").values_list("source__slug", "note"))
    assert readings["stripes-air-2023"] == "2 F-2."
    assert readings["irria-air-2023"] == "4 F-2."

    for record in [
        *Agreement.objects.filter(review_status="disputed"),
        *Exercise.objects.filter(review_status="disputed"),
    ]:
        assert record.notes.startswith("Disputed:"), record


def test_origin_article(seeded):
    origin = Source.objects.get(slug="origin-article")
    assert (origin.kind, origin.publisher, origin.url, origin.published) == ("analysis", "", None, None)
    assert origin.relays_description
    assert set(origin.citations.values_list("stance", flat=True)) == {"supports", "contradicts"}
    # The 2024 fighter rotation to Australia: the sources show a reported plan, nothing carried out.
    rotation = origin.citations.get(exercise__slug="jasdf-fighter-rotation-australia-plan")
    assert (rotation.claim, rotation.stance) == ("status", "contradicts")
    # Germany's signing "on the 29th", and Italy among the European fighters that visited Japan.
    assert origin.citations.filter(
        agreement_event__agreement__slug="acsa-jpn-deu-2024",
        agreement_event__kind="signature",
        stance="supports",
    ).exists()
    assert origin.citations.filter(
        exercise_participant__exercise__slug="jpn-ita-fighter-drill-2023", stance="supports"
    ).exists()


# --- What the fact sheet says, no more -------------------------------------------------


def test_no_unverified_fact_is_loaded(seeded):
    uk_entry_into_force = AgreementEvent.objects.get(
        agreement__slug="acsa-jpn-gbr-2017", kind="entry_into_force"
    )
    assert (uk_entry_into_force.date, uk_entry_into_force.date_precision) == (
        datetime.date(2017, 1, 1),
        "year",
    )
    assert not AgreementEvent.objects.filter(date=datetime.date(2017, 8, 18)).exists()

    for slug in ("acsa-jpn-nld-2025", "acsa-jpn-nzl-2025"):
        assert not AgreementEvent.objects.filter(agreement__slug=slug, kind="entry_into_force").exists()
    assert not AgreementEvent.objects.filter(agreement__slug="raa-jpn-fra", kind="signature").exists()

    nld_launch = AgreementEvent.objects.get(agreement__slug="acsa-jpn-nld-2025", kind="negotiation_launch")
    assert (nld_launch.date, nld_launch.date_precision) == (None, None)
    assert nld_launch.place.startswith("The Hague")


def test_partial_dates_keep_their_precision(seeded):
    us_approval = AgreementEvent.objects.get(agreement__slug="acsa-jpn-usa-2016", kind="approval")
    assert str(us_approval.partial_date) == "2017-04"
    assert us_approval.party.country.iso3 == "JPN"
    assert str(Exercise.objects.get(slug="jasdf-f2-pitch-black-2024").start) == "2024-07"
    for event in AgreementEvent.objects.filter(party__isnull=False):
        assert event.party.agreement_id == event.agreement_id


def test_replacements_supersede_and_amendments_are_events(seeded):
    assert Agreement.objects.get(slug="acsa-jpn-usa-2016").supersedes.slug == "acsa-jpn-usa-1996"
    assert Agreement.objects.get(slug="acsa-jpn-aus-2017").supersedes.slug == "acsa-jpn-aus-2010"
    amendments = AgreementEvent.objects.filter(agreement__slug="acsa-jpn-usa-1996", kind="amendment")
    assert [str(event.partial_date) for event in amendments.order_by("date")] == ["1998-04-28", "2004-02-27"]
    assert str(Agreement.objects.get(slug="acsa-jpn-deu-2024")) == "Japan–Germany ACSA (2024)"


def test_reported_plan_is_not_recorded_as_carried_out(seeded):
    plan = Exercise.objects.get(slug="jasdf-fighter-rotation-australia-plan")
    assert (plan.status, plan.start_date, plan.end_date) == ("reported_plan", None, None)
    assert Exercise.objects.exclude(slug=plan.slug).filter(status="reported_plan").count() == 0


AGREEMENT_STATUSES = {
    "acsa-jpn-usa-1996": "needs_review",  # entry into force known to the year from one source
    "acsa-jpn-usa-2016": "verified",
    "acsa-jpn-aus-2010": "verified",
    "acsa-jpn-aus-2017": "verified",
    "acsa-jpn-gbr-2017": "needs_review",  # negotiation launch, single source
    "acsa-jpn-fra-2018": "verified",
    "acsa-jpn-can-2018": "needs_review",  # substantive agreement, single source
    "acsa-jpn-ind-2020": "needs_review",  # entry into force, single source
    "acsa-jpn-deu-2024": "verified",
    "acsa-jpn-ita-2024": "needs_review",  # entry into force, single source
    "acsa-jpn-nld-2025": "disputed",  # the day of signature
    "acsa-jpn-nzl-2025": "needs_review",  # negotiation launch, single source
    "acsa-jpn-phl-2026": "needs_review",  # talks and substantive agreement, single source
    "raa-jpn-aus-2022": "needs_review",
    "raa-jpn-gbr-2023": "needs_review",  # Diet approval, single source
    "raa-jpn-phl-2024": "needs_review",
    "raa-jpn-fra": "verified",
    "gsomia-jpn-kor-2016": "needs_review",  # 17 March 2023 step, single source
    "itpp-nato-jpn-2023": "verified",
    "missile-warning-jpn-kor-usa-2023": "verified",
    "tscf-moc-jpn-kor-usa-2024": "verified",
    # the second sheet (isa.yaml, deta.yaml)
    "deta-jpn-are-2023": "needs_review",
    "deta-jpn-aus-2014": "needs_review",
    "deta-jpn-bgd": "disputed",
    "deta-jpn-can-2026": "verified",
    "deta-jpn-deu-2017": "needs_review",
    "deta-jpn-fin": "needs_review",
    "deta-jpn-fra-2015": "verified",
    "deta-jpn-gbr-2013": "needs_review",
    "deta-jpn-idn-2021": "disputed",
    "deta-jpn-ind-2015": "verified",
    "deta-jpn-ita-2017": "needs_review",
    "deta-jpn-mng-2024": "needs_review",
    "deta-jpn-mys-2018": "verified",
    "deta-jpn-phl-2016": "disputed",
    "deta-jpn-sgp-2023": "verified",
    "deta-jpn-swe-2022": "verified",
    "deta-jpn-tha-2022": "needs_review",
    "deta-jpn-usa-1983": "verified",
    "deta-jpn-usa-2006": "verified",
    "deta-jpn-vnm-2021": "needs_review",
    "gsomia-jpn-usa-2007": "verified",
    "isa-eu-jpn": "verified",
    "isa-jpn-aus-2012": "verified",
    "isa-jpn-can-2025": "needs_review",
    "isa-jpn-deu-2021": "disputed",
    "isa-jpn-fra-2011": "verified",
    "isa-jpn-gbr-2013": "needs_review",
    "isa-jpn-ind-2015": "verified",
    "isa-jpn-ita-2016": "needs_review",
    "isa-jpn-nzl-2025": "verified",
    "isa-jpn-phl": "needs_review",
    "isa-jpn-ukr-2024": "disputed",
    "isa-nato-jpn-2010": "verified",
    "isa-programme-jpn-usa-2011": "needs_review",
    "isa-programme-jpn-usa-2018-e767": "verified",
    "isa-programme-jpn-usa-2021-weapons": "verified",
}

EXERCISE_STATUSES = {
    "usa-jpn-kor-bmd-drill-2023-02": "verified",
    "usa-jpn-kor-bmd-drill-2023-04": "verified",
    "usa-jpn-kor-bmd-drill-2023-07": "verified",
    "usa-jpn-kor-air-drill-2023-10": "disputed",  # aircraft counts
    "usa-jpn-kor-air-drill-2023-12": "needs_review",
    "freedom-edge-2024-1": "disputed",  # Japan's ships
    "freedom-edge-2024-2": "needs_review",
    "pitch-black-2022": "disputed",  # start and aircraft count
    "pitch-black-2024": "needs_review",  # Japan's contribution, single source
    "guardian-north-2016": "disputed",  # start
    "jpn-deu-fighter-training-2022": "verified",
    "jpn-fra-fighter-drill-2023": "verified",
    "jpn-ita-fighter-drill-2023": "verified",
    "bushido-guardian-2023": "disputed",  # start
    "pacific-skies-2024-japan": "verified",
    "jasdf-f35a-australia-2023": "disputed",  # aircraft count
    "jasdf-f2-pitch-black-2024": "needs_review",
    "jasdf-fighter-rotation-australia-plan": "verified",
    "atlantic-eagles-2025": "disputed",  # aircraft count
}


def test_review_statuses_follow_confidence(seeded):
    assert dict(Agreement.objects.values_list("slug", "review_status")) == AGREEMENT_STATUSES
    assert dict(Exercise.objects.values_list("slug", "review_status")) == EXERCISE_STATUSES
    for record in [*Agreement.objects.all(), *Exercise.objects.all()]:
        assert record.reviewed_by is None
        if record.review_status in ("verified", "disputed"):
            second_sheet = isinstance(record, Agreement) and record.slug.startswith(SECOND_SHEET_PREFIXES)
            assert record.reviewed_at == (SECOND_SHEET_REVIEWED_AT if second_sheet else REVIEWED_AT), record
        else:
            assert record.reviewed_at is None, record


# --- Researchers' questions, in plain SQL ----------------------------------------------


def test_sql_japans_acsa_partners_in_signing_order(seeded):
    partners = column(
        """
        SELECT c.iso3
        FROM agreement a
        JOIN agreement_type t ON t.id = a.type_id
        JOIN agreement_party p ON p.agreement_id = a.id
        JOIN country c ON c.id = p.country_id
        JOIN agreement_event e ON e.agreement_id = a.id AND e.kind = 'signature'
        WHERE t.code = 'ACSA' AND c.iso3 <> 'JPN'
          AND EXISTS (
            SELECT 1 FROM agreement_party pj JOIN country cj ON cj.id = pj.country_id
            WHERE pj.agreement_id = a.id AND cj.iso3 = 'JPN')
        GROUP BY c.iso3
        ORDER BY MIN(e.date)
        """
    )
    # Canada signed (21 April 2018) before France (13 July 2018); France entered into force first.
    assert partners == ["USA", "AUS", "GBR", "CAN", "FRA", "IND", "DEU", "ITA", "NLD", "NZL", "PHL"]


def test_sql_agreements_signed_in_2024(seeded):
    slugs = column(
        """
        SELECT a.slug
        FROM agreement a
        JOIN agreement_event e ON e.agreement_id = a.id
        WHERE e.kind = 'signature' AND e.date >= '2024-01-01' AND e.date < '2025-01-01'
        ORDER BY e.date
        """
    )
    assert slugs == [
        "acsa-jpn-deu-2024",
        "raa-jpn-phl-2024",
        "tscf-moc-jpn-kor-usa-2024",
        "isa-jpn-ukr-2024",
        "acsa-jpn-ita-2024",
        "deta-jpn-mng-2024",
    ]


def test_sql_exercises_hosted_by_japan(seeded):
    slugs = column(
        """
        SELECT x.slug
        FROM exercise x
        JOIN country c ON c.id = x.host_id
        WHERE c.iso3 = 'JPN'
        ORDER BY x.start_date, x.slug
        """
    )
    assert slugs == [
        "guardian-north-2016",
        "jpn-deu-fighter-training-2022",
        "jpn-fra-fighter-drill-2023",
        "jpn-ita-fighter-drill-2023",
        "bushido-guardian-2023",
        "pacific-skies-2024-japan",
    ]


def test_sql_acsas_in_force_at_the_end_of_2024(seeded):
    slugs = column(
        """
        SELECT a.slug
        FROM agreement a
        JOIN agreement_type t ON t.id = a.type_id
        JOIN agreement_event e ON e.agreement_id = a.id AND e.kind = 'entry_into_force'
        WHERE t.code = 'ACSA' AND e.date <= '2024-12-31'
          AND NOT EXISTS (
            SELECT 1 FROM agreement n
            JOIN agreement_event ne ON ne.agreement_id = n.id AND ne.kind = 'entry_into_force'
            WHERE n.supersedes_id = a.id AND ne.date <= '2024-12-31')
        ORDER BY a.slug
        """
    )
    assert slugs == [
        "acsa-jpn-aus-2017",
        "acsa-jpn-can-2018",
        "acsa-jpn-deu-2024",
        "acsa-jpn-fra-2018",
        "acsa-jpn-gbr-2017",
        "acsa-jpn-ind-2020",
        "acsa-jpn-usa-2016",
    ]


def test_sql_disputed_facts_with_the_sources_that_contradict_them(seeded):
    rows = sql(
        """
        SELECT x.slug, s.slug
        FROM citation ci
        JOIN source s ON s.id = ci.source_id
        JOIN exercise x ON x.id = ci.exercise_id
        WHERE ci.stance = 'contradicts' AND x.review_status = 'disputed'
        ORDER BY x.slug, s.slug
        """
    )
    assert rows == [
        ("bushido-guardian-2023", "adm-bushido-2023"),
        ("bushido-guardian-2023", "nippon-jiji-bushido-2023"),
        ("guardian-north-2016", "diplomat-gn16"),
        ("guardian-north-2016", "japantimes-gn16"),
        ("pitch-black-2022", "flyteam-pb22-plan"),
    ]


# --- The second sheet: information security and equipment transfer ---------------------


def test_sql_isas_and_detas_per_partner(seeded):
    """ISAs and DETAs per partner, as MOFA counts them: the programme-specific US notes are apart."""
    rows = sql(
        """
        SELECT t.code, COALESCE(c.iso3, o.acronym) AS partner, COUNT(*)
        FROM agreement a
        JOIN agreement_type t ON t.id = a.type_id
        JOIN agreement_party p ON p.agreement_id = a.id
        LEFT JOIN country c ON c.id = p.country_id
        LEFT JOIN organization o ON o.id = p.organization_id
        WHERE t.code IN ('ISA', 'DETA')
          AND COALESCE(c.iso3, '') <> 'JPN'
          AND EXISTS (SELECT 1 FROM agreement_event s WHERE s.agreement_id = a.id AND s.kind = 'signature')
          AND NOT EXISTS (SELECT 1 FROM agreement n WHERE n.supersedes_id = a.id)
        GROUP BY t.code, COALESCE(c.iso3, o.acronym)
        ORDER BY t.code, partner
        """
    )
    isas = {partner: n for code, partner, n in rows if code == "ISA"}
    detas = {partner: n for code, partner, n in rows if code == "DETA"}
    # Signed ISAs: the US GSOMIA, NATO, and ten states (the ROK GSOMIA once, from both sheets).
    assert isas == dict.fromkeys(
        ["AUS", "CAN", "DEU", "FRA", "GBR", "IND", "ITA", "KOR", "NATO", "NZL", "UKR", "USA"], 1
    )
    # Signed DETAs: 17 partners, the US once (its 2006 notes replaced those of 1983).
    deta_partners = "ARE AUS CAN DEU FRA GBR IDN IND ITA MNG MYS PHL SGP SWE THA USA VNM".split()
    assert detas == dict.fromkeys(deta_partners, 1)
    programme_notes = Agreement.objects.filter(type__code="ISA_PROGRAMME")
    assert programme_notes.count() == 3
    assert {event.kind for note in programme_notes for event in note.events.all()} == {"exchange_of_notes"}


def test_the_rok_gsomia_is_one_agreement_with_both_sheets_events(seeded):
    assert Agreement.objects.filter(parties__country__iso3="KOR", type__code="ISA").count() == 1
    gsomia = Agreement.objects.get(slug="gsomia-jpn-kor-2016")
    kinds = list(gsomia.events.order_by("date", "id").values_list("kind", "date"))
    assert kinds == [
        ("negotiation_launch", datetime.date(2011, 1, 1)),
        ("other", datetime.date(2012, 6, 29)),  # signing postponed
        ("negotiation_announced", datetime.date(2016, 10, 27)),
        ("initialing", datetime.date(2016, 11, 14)),
        ("signature", datetime.date(2016, 11, 23)),
        ("entry_into_force", datetime.date(2016, 11, 23)),
        ("other", datetime.date(2019, 8, 22)),  # the decision not to keep it
        ("termination_notice", datetime.date(2019, 8, 23)),
        ("notice_suspended", datetime.date(2019, 11, 22)),
        ("reinstatement", datetime.date(2023, 3, 16)),
        ("other", datetime.date(2023, 3, 17)),
        ("notice_withdrawn", datetime.date(2023, 3, 21)),
    ]
    notice = gsomia.events.get(kind="termination_notice")
    assert notice.party.country.iso3 == "KOR"
    # The withdrawal is cited by the first sheet's source and the second sheet's.
    withdrawal = gsomia.events.get(kind="notice_withdrawn")
    assert {"koreaherald-gsomia-2023", "asiae-20230321-gsomia-normalized"} <= set(
        withdrawal.citations.values_list("source__slug", flat=True)
    )


def test_the_us_exchanges_of_notes_are_typed_and_chained(seeded):
    notes_2006 = Agreement.objects.get(slug="deta-jpn-usa-2006")
    assert (notes_2006.type.code, notes_2006.supersedes.slug) == ("DETA", "deta-jpn-usa-1983")
    assert notes_2006.citations.filter(claim="supersession", stance="supports").exists()
    # No source gives when either set of notes took effect: no entry into force is recorded.
    assert not AgreementEvent.objects.filter(
        agreement__slug__in=["deta-jpn-usa-1983", "deta-jpn-usa-2006"], kind="entry_into_force"
    ).exists()


def test_second_sheet_confidence_and_disagreements(seeded):
    # Single-source facts are loaded and their record needs review (the UK ISA: Yomiuri alone).
    uk_isa = Agreement.objects.get(slug="isa-jpn-gbr-2013")
    assert uk_isa.review_status == "needs_review"
    assert uk_isa.events.filter(kind="agreement_in_principle", date=datetime.date(2013, 6, 17)).exists()
    # Unverified events stay out: the Japan–Ukraine ISA's entry into force was not found.
    assert not AgreementEvent.objects.filter(
        agreement__slug="isa-jpn-ukr-2024", kind="entry_into_force"
    ).exists()
    # Disagreements are kept as contradicting citations, and the record is disputed.
    launch = AgreementEvent.objects.get(agreement__slug="isa-jpn-ukr-2024", kind="negotiation_launch")
    contradicting = launch.citations.get(stance="contradicts")
    assert contradicting.source.slug == "nikkei-2023-ukr-isa-via-5ch"
    assert Agreement.objects.get(slug="isa-jpn-ukr-2024").review_status == "disputed"
    # The latest document: the Japan–Canada equipment agreement, signed on 27 January 2026.
    latest = AgreementEvent.objects.exclude(date__isnull=True).order_by("-date").first()
    assert (latest.agreement.slug, latest.date) == ("deta-jpn-can-2026", datetime.date(2026, 1, 27))


def test_mirrors_relay_their_original(seeded):
    mirror = Source.objects.get(slug="govbase-mofa-20181120-e767-notes")
    assert mirror.relays_description == "Ministry of Foreign Affairs of Japan"
    # A page both sheets list is one source; one already in the seed keeps its slug.
    assert not Source.objects.filter(slug="koreaherald-20230321-gsomia").exists()
    assert Source.objects.filter(url__contains="JORFARTI000033926792").count() == 1


def test_a_deployment_to_an_exercise_is_part_of_it(seeded):
    deployment = Exercise.objects.get(slug="jasdf-f2-pitch-black-2024")
    assert deployment.part_of.slug == "pitch-black-2024"
    # Counting exercises once: Pitch Black 2024 and Japan's contingent to it are one exercise.
    held_2024 = column(
        """
        SELECT slug FROM exercise
        WHERE part_of_id IS NULL AND start_date >= '2024-01-01' AND start_date < '2025-01-01'
        ORDER BY slug
        """
    )
    assert "pitch-black-2024" in held_2024
    assert "jasdf-f2-pitch-black-2024" not in held_2024


def test_atlantic_eagles_partners(seeded):
    partners = Exercise.objects.get(slug="atlantic-eagles-2025").participants
    assert set(partners.values_list("country__iso3", flat=True)) == {"JPN", "USA", "CAN", "GBR", "DEU"}
    for partner in partners.exclude(country__iso3="JPN"):
        assert partner.role == "host"
        assert partner.citations.filter(claim="participation", stance="supports").count() >= 2


def test_the_first_us_acsa_is_in_force_from_1996(seeded):
    entry = AgreementEvent.objects.get(agreement__slug="acsa-jpn-usa-1996", kind="entry_into_force")
    assert str(entry.partial_date) == "1996"
    assert entry.citations.filter(claim="date", stance="supports").count() == 2


def test_dated_facts_cite_their_dates(seeded):
    """Every dated fact has a citation of its date, except Bushido Guardian 2023 (see docs/seed-data.md)."""
    from acsa_db.coverage import FACT_TABLES

    uncited = [str(fact) for table in FACT_TABLES for fact in table.model.objects.filter(~table.is_cited())]
    assert uncited == [str(Exercise.objects.get(slug="bushido-guardian-2023"))]
