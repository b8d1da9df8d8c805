"""The import path: natural keys, creates and updates, history with the importing user, sheets."""

import io
import json

import openpyxl
import pytest

from acsa_db.imports import (
    AgreementEventResource,
    AgreementPartyResource,
    AgreementSheetResource,
    CitationResource,
    ExerciseParticipantResource,
    ExerciseResource,
    ExerciseSheetResource,
    FileInput,
    ImportFile,
    SourceResource,
    import_file,
    import_files,
)
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


def csv_bytes(*lines):
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture
def importer(django_user_model):
    return django_user_model.objects.create_user("importer", is_staff=True)


@pytest.fixture
def known_source(db):
    return Source.objects.create(
        slug="mofa-jpn-deu-acsa",
        title="Signing of the Japan–Germany ACSA",
        kind=Source.Kind.OFFICIAL_STATEMENT,
        url="https://example.org/jpn-deu-acsa",
    )


def test_related_rows_by_natural_key_and_partial_dates(reference_data):
    data = csv_bytes(
        "slug,name,start_date,end_date,host,domains",
        "a-2023,A,2023-09,2023-09-30,JPN,air;sea",
        "b-1950,B,1950,,cow:345,",
    )
    report = import_file(data, ExerciseResource)
    assert (report.created, report.updated) == (2, 0)
    a = Exercise.objects.get(slug="a-2023")
    assert (str(a.start), str(a.end), a.host.iso3) == ("2023-09", "2023-09-30", "JPN")
    assert sorted(a.domains.values_list("code", flat=True)) == ["air", "sea"]
    b = Exercise.objects.get(slug="b-1950")
    assert b.host == Country.objects.get(cow_code=345) and str(b.start) == "1950"


def test_history_rows_name_the_importing_user(reference_data, importer):
    import_file(csv_bytes("slug,name,host", "a-2023,A,JPN"), ExerciseResource, user=importer)
    exercise = Exercise.objects.get(slug="a-2023")
    (created,) = exercise.history.all()
    assert (created.history_type, created.history_user, created.name) == ("+", importer, "A")
    assert created.history_change_reason.startswith("import: ")

    import_file(csv_bytes("slug,name,host", "a-2023,A renamed,JPN"), ExerciseResource, user=importer)
    latest = exercise.history.order_by("-history_id").first()
    assert (latest.history_type, latest.history_user, latest.name) == ("~", importer, "A renamed")


def test_updates_match_by_slug_change_only_what_changed_and_bump_the_version(reference_data, importer):
    import_file(csv_bytes("slug,name,location", "a,A,Darwin", "b,B,Guam"), ExerciseResource)
    before = {e.slug: e.version for e in Exercise.objects.all()}
    report = import_file(csv_bytes("slug,name", "a,A", "b,B changed"), ExerciseResource, user=importer)
    assert (report.created, report.updated, report.files[0].unchanged) == (0, 1, 1)
    a, b = Exercise.objects.get(slug="a"), Exercise.objects.get(slug="b")
    # Columns the file does not have are left alone.
    assert (a.location, b.location, b.name) == ("Darwin", "Guam", "B changed")
    assert (a.version, b.version) == (before["a"], before["b"] + 1)
    assert a.history.count() == 1 and b.history.count() == 2


def test_reimporting_the_same_file_writes_nothing(reference_data):
    data = csv_bytes("slug,name,domains", "a,A,air;sea")
    import_file(data, ExerciseResource)
    report = import_file(data, ExerciseResource)
    assert (report.created, report.updated, report.files[0].unchanged) == (0, 0, 1)
    assert Exercise.objects.get().history.count() == 1


def test_dry_run_writes_nothing_and_counts(reference_data):
    report = import_file(csv_bytes("slug,name", "a,A", "b,B"), ExerciseResource, dry_run=True)
    assert report.created == 2 and report.dry_run
    assert not Exercise.objects.exists()


def test_long_files_are_read_twice_in_batches(reference_data, importer):
    lines = ["slug,name,host"] + [f"e-{i},Exercise {i},{'JPN' if i % 2 else 'AUS'}" for i in range(250)]
    report = import_file(csv_bytes(*lines), ExerciseResource, user=importer, batch_size=40, keep_rows=50)
    assert report.created == 250
    assert Exercise.objects.filter(host__iso3="JPN").count() == 125
    assert Exercise.history.filter(history_user=importer).count() == 250


def test_xlsx_and_json_files(reference_data):
    workbook = openpyxl.Workbook()
    workbook.active.append(["slug", "name", "start_date", "host"])
    workbook.active.append(["x-2024", "From a workbook", 2024, "jpn"])
    out = io.BytesIO()
    workbook.save(out)
    import_file(out.getvalue(), ExerciseResource, name="exercises.xlsx")
    rows = [{"slug": "j-2024", "name": "From JSON", "start_date": "2024-02", "domains": ["air", "sea"]}]
    import_file(json.dumps(rows).encode(), ExerciseResource, name="exercises.json")
    x, j = Exercise.objects.get(slug="x-2024"), Exercise.objects.get(slug="j-2024")
    assert (str(x.start), x.host.iso3) == ("2024", "JPN")
    assert str(j.start) == "2024-02" and j.domains.count() == 2


def test_sources_relaying_sources_further_down_the_file(db, importer):
    data = csv_bytes(
        "slug,title,kind,url,relays",
        "relay,A relaying report,news,https://example.org/relay,original",
        "original,The original report,wire,https://example.org/original,",
    )
    import_file(data, SourceResource, user=importer)
    relay = Source.objects.get(slug="relay")
    assert relay.relays.slug == "original"
    assert relay.history.order_by("-history_id").first().relays_id == relay.relays_id


def test_agreement_sheet_creates_parties_events_and_citations(reference_data, known_source, importer):
    data = csv_bytes(
        "slug,short_title,title,type,parties,signed,entered_into_force,source_url",
        "acsa-jpn-deu-2024,Japan–Germany ACSA,Agreement between Japan and Germany,ACSA,JPN; DEU,2024-01-29,2024-07,"
        "https://example.org/jpn-deu-acsa",
    )
    report = import_file(data, AgreementSheetResource, user=importer)
    assert report.created == 1
    agreement = Agreement.objects.get(slug="acsa-jpn-deu-2024")
    assert sorted(p.party_key for p in agreement.parties.all()) == ["DEU", "JPN"]
    events = {e.kind: str(e.partial_date) for e in agreement.events.all()}
    assert events == {"signature": "2024-01-29", "entry_into_force": "2024-07"}
    citations = Citation.objects.filter(source=known_source)
    assert citations.filter(agreement=agreement, claim="existence").exists()
    assert citations.filter(agreement_party__agreement=agreement, claim="parties").count() == 2
    assert citations.filter(agreement_event__agreement=agreement, claim="date").count() == 2
    for model in (Agreement, AgreementParty, AgreementEvent, Citation):
        assert model.history.filter(history_user=importer).exists(), model


def test_a_sheet_refuses_a_record_already_in_the_database(reference_data, known_source):
    data = csv_bytes(
        "slug,short_title,title,type,parties,source_url",
        "acsa-jpn-deu-2024,A,A,ACSA,JPN;DEU,https://example.org/jpn-deu-acsa",
    )
    import_file(data, AgreementSheetResource)
    from acsa_db.imports import ImportRefused

    # The same row again is unchanged (tests/test_import_sheets_unchanged.py); another title is refused.
    other_title = data.replace(b",A,A,", b",A,B,")
    with pytest.raises(ImportRefused) as refused:
        import_file(other_title, AgreementSheetResource)
    (problem,) = refused.value.problems
    assert (problem.row, problem.column) == (2, "slug")
    assert "already in the database" in problem.reason


def test_exercise_sheet_creates_participants_with_the_host(reference_data, known_source):
    data = csv_bytes(
        "slug,name,start_date,end_date,host,participants,domains,source_url",
        "pb-2024,Pitch Black 2024,2024-07-12,2024-08-02,AUS,AUS;JPN;USA,air,https://example.org/jpn-deu-acsa",
    )
    import_file(data, ExerciseSheetResource)
    exercise = Exercise.objects.get(slug="pb-2024")
    roles = {p.party_key: p.role for p in exercise.participants.all()}
    assert roles == {"AUS": "host", "JPN": "participant", "USA": "participant"}
    assert (
        Citation.objects.filter(exercise_participant__exercise=exercise, claim="participation").count() == 3
    )
    assert list(exercise.domains.values_list("code", flat=True)) == ["air"]


def test_facts_by_table_in_one_import(reference_data, known_source, importer):
    files = [
        ("agreement.csv", "slug,title,short_title,type\nacsa-a,Agreement A,A,ACSA\n"),
        ("agreement_party.csv", "agreement,country,organization\nacsa-a,JPN,\nacsa-a,,NATO\n"),
        (
            "agreement_event.csv",
            "agreement,kind,date,party\nacsa-a,signature,2024-01-29,\nacsa-a,approval,2024-03,JPN\n",
        ),
        ("exercise.csv", "slug,name\nex-a,Exercise A\n"),
        ("exercise_participant.csv", "exercise,country,organization,forces\nex-a,JPN,,=F-35A\n"),
        (
            "citation.csv",
            "source,target,agreement,exercise,party,event_kind,event_date,claim\n"
            "mofa-jpn-deu-acsa,agreement_event,acsa-a,,,approval,2024-03,date\n"
            "https://example.org/jpn-deu-acsa,agreement_party,acsa-a,,NATO,,,parties\n"
            "mofa-jpn-deu-acsa,exercise_participant,,ex-a,JPN,,,forces\n",
        ),
    ]
    from acsa_db.imports import resource_for_file

    import_files(
        [ImportFile(FileInput(text.encode(), name=name), resource_for_file(name)) for name, text in files],
        user=importer,
    )
    agreement = Agreement.objects.get(slug="acsa-a")
    approval = agreement.events.get(kind="approval")
    assert approval.party.country.iso3 == "JPN"
    assert Citation.objects.get(agreement_event=approval).source == known_source
    assert Citation.objects.get(agreement_party__organization__acronym="NATO").claim == "parties"
    # A leading "=" that is not an escape is data.
    assert ExerciseParticipant.objects.get().forces == "=F-35A"


def test_an_event_party_must_be_a_party_to_the_agreement(reference_data, agreement):
    from acsa_db.imports import ImportRefused

    data = csv_bytes("agreement,kind,date,party", "acsa-jpn-deu-2024,approval,2024-03,FRA")
    with pytest.raises(ImportRefused) as refused:
        import_file(data, AgreementEventResource)
    (problem,) = refused.value.problems
    assert (problem.row, problem.column) == (2, "party")
    assert "not a party to this agreement" in problem.reason


def test_exactly_one_party_per_row(reference_data, agreement):
    from acsa_db.imports import ImportRefused

    data = csv_bytes("agreement,country,organization", "acsa-jpn-deu-2024,FRA,NATO", "acsa-jpn-deu-2024,,")
    with pytest.raises(ImportRefused) as refused:
        import_file(data, AgreementPartyResource)
    assert {(p.row, p.column) for p in refused.value.problems} == {(2, "country"), (3, "country")}


def test_new_facts_send_a_verified_record_back_to_review(reference_data, cited_exercise, importer):
    exercise = cited_exercise
    data = csv_bytes("exercise,country,organization", f"{exercise.slug},FRA,")
    import_file(data, ExerciseParticipantResource, user=importer)
    exercise.refresh_from_db()
    assert exercise.review_status == ReviewStatus.NEEDS_REVIEW


@pytest.fixture
def cited_exercise(exercise, source):
    Citation.objects.create(source=source, exercise=exercise, claim="existence")
    for participant in exercise.participants.all():
        Citation.objects.create(source=source, exercise_participant=participant, claim="participation")
    Exercise.objects.filter(pk=exercise.pk).update(
        review_status=ReviewStatus.VERIFIED, reviewed_at="2024-05-01T00:00Z"
    )
    exercise.refresh_from_db()
    return exercise


def test_citation_rows_match_existing_ones(reference_data, citation):
    data = csv_bytes(
        "source,target,agreement,claim,note",
        f"{citation.source.slug},agreement,{citation.agreement.slug},existence,Checked",
    )
    report = import_file(data, CitationResource)
    assert (report.created, report.updated) == (0, 1)
    citation.refresh_from_db()
    assert citation.note == "Checked"
