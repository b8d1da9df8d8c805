"""Citable releases: make_release's bundle, its changelog, diff_releases, and releases in the admin.

Each release is written under a temporary releases directory (ACSA_RELEASES_DIR), and
read back the way a researcher would: the files, SHA256SUMS, the zip.
"""

import datetime
import hashlib
import io
import json
import shutil
import subprocess
import zipfile

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from acsa_db import releases
from acsa_db.models import (
    Agreement,
    AgreementEvent,
    AgreementParty,
    Citation,
    Country,
    DataRelease,
    Exercise,
    ReviewStatus,
    Source,
)
from acsa_db.sql import view_names
from acsa_db.sql.catalog import data_tables

DAY = datetime.date(2026, 1, 15)
DRAFT_MARKER = "Draftonly Zanzibar marker"


@pytest.fixture(autouse=True)
def releases_root(settings, tmp_path):
    settings.ACSA_RELEASES_DIR = tmp_path / "releases"
    return settings.ACSA_RELEASES_DIR


def set_status(record, status):
    type(record).objects.filter(pk=record.pk).update(
        review_status=status, reviewed_at=timezone.now() if status in ("verified", "disputed") else None
    )
    record.refresh_from_db()


@pytest.fixture
def data(cited_agreement, exercise, source):
    """A verified agreement (every fact cited), a needs-review exercise, and a draft agreement
    whose title, event and only source carry a marker that no release may show."""
    set_status(cited_agreement, ReviewStatus.VERIFIED)
    Citation.objects.create(source=source, exercise=exercise, claim=Citation.Claim.EXISTENCE)
    set_status(exercise, ReviewStatus.NEEDS_REVIEW)
    draft = Agreement.objects.create(
        slug="draft-agreement",
        title=f"{DRAFT_MARKER} agreement",
        short_title="Draft agreement",
        type=cited_agreement.type,
    )
    AgreementParty.objects.create(agreement=draft, country=Country.objects.get(iso3="JPN"))
    event = AgreementEvent.objects.create(
        agreement=draft,
        kind="signature",
        date=datetime.date(2025, 3, 1),
        date_precision="day",
        place=f"{DRAFT_MARKER} city",
    )
    draft_source = Source.objects.create(
        slug="draft-only-source", title=f"{DRAFT_MARKER} report", kind="news", url="https://example.org/draft"
    )
    Citation.objects.create(source=draft_source, agreement=draft, claim="existence")
    Citation.objects.create(source=draft_source, agreement_event=event, claim="date")
    return {"agreement": cited_agreement, "exercise": exercise, "draft": draft, "source": source}


def make(version, *options, date=DAY):
    out = io.StringIO()
    call_command("make_release", version, "--date", date.isoformat(), *options, stdout=out)
    return out.getvalue()


def folder(root, version):
    return root / version


def changelog(root, version):
    return (root / version / "CHANGELOG.md").read_text(encoding="utf-8")


def zip_entries(root, version):
    with zipfile.ZipFile(root / version / f"acsa-db-{version}.zip") as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def read_csv_column(path, column):
    import csv

    with open(path, encoding="utf-8", newline="") as handle:
        return [row[column] for row in csv.DictReader(handle)]


# --- Versions and refusals -------------------------------------------------------------


@pytest.mark.parametrize("version", ["1.0.0", "0.2.10", "2026.01", "2026.12.15", "2026.01.2"])
def test_semantic_and_calendar_versions_are_accepted(version):
    assert releases.check_version(version) == version


@pytest.mark.parametrize(
    "version", ["1.0", "v1.0.0", "01.0.0", "1.0.0-rc1", "2026.13", "2026-01", "../1.0.0", ""]
)
def test_other_versions_are_refused(db, version):
    with pytest.raises(CommandError, match="neither semantic"):
        call_command("make_release", version, stdout=io.StringIO())
    assert not DataRelease.objects.exists()


def test_a_version_is_never_made_twice(data, releases_root):
    make("1.0.0")
    before = (releases_root / "1.0.0" / "acsa-db-1.0.0.zip").read_bytes()
    with pytest.raises(CommandError, match="1.0.0 exists already"):
        make("1.0.0", date=DAY + datetime.timedelta(days=1))
    assert DataRelease.objects.count() == 1
    assert (releases_root / "1.0.0" / "acsa-db-1.0.0.zip").read_bytes() == before


def test_a_folder_already_on_disk_is_not_overwritten(data, releases_root):
    (releases_root / "2.0.0").mkdir(parents=True)
    with pytest.raises(CommandError, match="exists already"):
        make("2.0.0")
    assert not DataRelease.objects.exists()


def test_a_release_whose_previous_bundle_is_missing_is_refused(data, releases_root):
    make("1.0.0")
    shutil.rmtree(releases_root / "1.0.0")
    with pytest.raises(CommandError, match="previous release, 1.0.0, is not in"):
        make("1.1.0")
    assert list(DataRelease.objects.values_list("version", flat=True)) == ["1.0.0"]
    assert not (releases_root / "1.1.0").exists()


# --- The bundle ------------------------------------------------------------------------


def test_the_release_folder_holds_the_dataset_its_metadata_and_one_zip(data, releases_root):
    output = make("1.0.0")
    expected = {f"{name}.csv" for name in data_tables() + list(view_names())}
    expected |= {
        "CODEBOOK.md",
        "datapackage.json",
        "SHA256SUMS",
        "facts.json",
        "CHANGELOG.md",
        "CITATION.cff",
        "acsa_db.do",
    }
    expected |= {"acsa-db-1.0.0.zip"}
    assert {path.name for path in (releases_root / "1.0.0").iterdir()} == expected
    release = DataRelease.objects.get()
    assert release.version == "1.0.0" and release.released_on == DAY
    assert release.policy == DataRelease.Policy.REVIEWED and release.previous is None
    assert (release.agreement_count, release.exercise_count) == (1, 1)
    # The agreement, its event and two parties; the exercise and its two participants.
    assert release.fact_count == 7 and release.source_count == 1
    assert release.citation_count == Citation.objects.exclude(source__slug="draft-only-source").count()
    assert release.made_by is None and release.made_by_name
    assert release.zip_sha256 in output


def test_sha256sums_lists_every_file_and_verifies(data, releases_root):
    make("1.0.0")
    bundle = releases_root / "1.0.0"
    listed = [line.split("  ", 1)[1] for line in (bundle / "SHA256SUMS").read_text().splitlines()]
    assert sorted(listed) == sorted(
        p.name for p in bundle.iterdir() if p.suffix != ".zip" and p.name != "SHA256SUMS"
    )
    assert releases.verify_checksums(bundle) == []
    if shutil.which("sha256sum"):
        result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=bundle, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
    (bundle / "agreement.csv").write_text("tampered\n")
    assert releases.verify_checksums(bundle) == ["agreement.csv"]


def test_the_zip_holds_every_file_and_its_checksum_is_recorded(data, releases_root):
    make("1.0.0")
    bundle = releases_root / "1.0.0"
    entries = zip_entries(releases_root, "1.0.0")
    on_disk = {f"acsa-db-1.0.0/{p.name}": p.read_bytes() for p in bundle.iterdir() if p.suffix != ".zip"}
    assert entries == on_disk
    archive = (bundle / "acsa-db-1.0.0.zip").read_bytes()
    release = DataRelease.objects.get()
    assert release.zip_sha256 == hashlib.sha256(archive).hexdigest()
    assert release.zip_bytes == len(archive)
    with zipfile.ZipFile(bundle / "acsa-db-1.0.0.zip") as opened:
        for info in opened.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0), info.filename
            assert (info.external_attr >> 16) & 0o777 == 0o644, info.filename


def test_the_release_is_stamped_with_its_version_date_and_citation(data, releases_root):
    make("2026.01")
    bundle = releases_root / "2026.01"
    package = json.loads((bundle / "datapackage.json").read_text())
    assert package["version"] == "2026.01"
    assert package["created"] == "2026-01-15T00:00:00Z"
    assert package["acsa_db"]["release"]["policy"] == "reviewed"
    cff = (bundle / "CITATION.cff").read_text()
    assert 'version: "2026.01"' in cff and 'date-released: "2026-01-15"' in cff
    assert '  - name: "ACSA DB contributors"' in cff and "cff-version: 1.2.0" in cff
    assert "Dataset version **2026.01**" in (bundle / "CODEBOOK.md").read_text()
    assert "## This release" in (bundle / "CODEBOOK.md").read_text()


def test_citation_cff_is_yaml_with_the_fields_citation_tools_read(data, releases_root, settings):
    settings.ACSA_RELEASE_TITLE = 'A "quoted": title'
    make("1.0.0")
    cff = yaml.safe_load((releases_root / "1.0.0" / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
    assert cff["title"] == 'A "quoted": title'
    assert cff["version"] == "1.0.0" and cff["date-released"] == "2026-01-15"
    assert cff["authors"] == [{"name": "ACSA DB contributors"}]
    assert "1.0.0" in cff["message"]


def test_citation_authors_title_and_url_come_from_the_settings(data, releases_root, settings):
    settings.ACSA_RELEASE_AUTHORS = ["First Team", "Second Team"]
    settings.ACSA_RELEASE_TITLE = "A title"
    settings.ACSA_RELEASE_URL = "https://example.org/acsa"
    make("1.0.0")
    cff = (releases_root / "1.0.0" / "CITATION.cff").read_text()
    assert '  - name: "First Team"\n  - name: "Second Team"' in cff
    assert 'title: "A title"' in cff and 'url: "https://example.org/acsa"' in cff
    assert "license:" not in cff  # no license is claimed unless one is set


def test_the_same_data_and_date_give_byte_identical_files(data, tmp_path):
    call_command(
        "make_release",
        "1.0.0",
        "--date",
        "2026-01-15",
        "--releases-dir",
        str(tmp_path / "a"),
        stdout=io.StringIO(),
    )
    DataRelease.objects.all().delete()  # the same version again, as if made on another copy of the data
    call_command(
        "make_release",
        "1.0.0",
        "--date",
        "2026-01-15",
        "--releases-dir",
        str(tmp_path / "b"),
        stdout=io.StringIO(),
    )
    first, second = tmp_path / "a" / "1.0.0", tmp_path / "b" / "1.0.0"
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


# --- The release policy ----------------------------------------------------------------


def all_release_bytes(root, version):
    bundle = root / version
    files = {p.name: p.read_bytes() for p in bundle.iterdir() if p.suffix != ".zip"}
    files.update(zip_entries(root, version))
    return files


def test_a_draft_and_its_facts_and_sources_appear_in_no_file(data, releases_root):
    make("1.0.0")
    for name, content in all_release_bytes(releases_root, "1.0.0").items():
        text = content.decode("utf-8")
        assert DRAFT_MARKER not in text, name
        assert "draft-agreement" not in text and "draft-only-source" not in text, name
    bundle = releases_root / "1.0.0"
    assert read_csv_column(bundle / "agreement.csv", "slug") == ["acsa-jpn-deu-2024"]
    # The views are computed from the released rows only.
    assert read_csv_column(bundle / "agreement_status.csv", "agreement_slug") == ["acsa-jpn-deu-2024"]
    assert set(read_csv_column(bundle / "citation_coverage.csv", "record_slug")) == {
        "acsa-jpn-deu-2024",
        "test-exercise-2022",
    }
    # Nothing was deleted for real.
    assert Agreement.objects.filter(slug="draft-agreement").exists()
    assert Citation.objects.filter(source__slug="draft-only-source").count() == 2


def test_disputed_records_are_left_out(data, releases_root):
    set_status(data["exercise"], ReviewStatus.DISPUTED)
    make("1.0.0")
    assert read_csv_column(releases_root / "1.0.0" / "exercise.csv", "slug") == []
    assert read_csv_column(releases_root / "1.0.0" / "exercise_participant.csv", "id") == []


def test_verified_only_leaves_out_needs_review_records(data, releases_root):
    make("1.0.0")
    make("2.0.0", "--verified-only")
    assert read_csv_column(releases_root / "1.0.0" / "exercise.csv", "slug") == ["test-exercise-2022"]
    assert read_csv_column(releases_root / "2.0.0" / "exercise.csv", "slug") == []
    assert read_csv_column(releases_root / "2.0.0" / "exercise_dyad.csv", "exercise_id") == []
    assert read_csv_column(releases_root / "2.0.0" / "agreement.csv", "slug") == ["acsa-jpn-deu-2024"]
    release = DataRelease.objects.get(version="2.0.0")
    assert release.policy == DataRelease.Policy.VERIFIED_ONLY and release.exercise_count == 0
    assert "test-exercise-2022` (no longer in the release)" not in changelog(releases_root, "1.0.0")
    assert "### `test-exercise-2022`: Test exercise (no longer in the release)" in changelog(
        releases_root, "2.0.0"
    )


def test_a_released_agreement_replacing_a_draft_does_not_name_it(data, releases_root):
    Agreement.objects.filter(pk=data["agreement"].pk).update(supersedes=data["draft"])
    make("1.0.0")
    assert read_csv_column(releases_root / "1.0.0" / "agreement.csv", "supersedes_id") == [""]
    assert Agreement.objects.get(pk=data["agreement"].pk).supersedes_id == data["draft"].pk


def test_a_source_relayed_by_a_released_source_is_released(data, releases_root):
    relayed = Source.objects.create(slug="original-report", title="Original report", kind="wire")
    Source.objects.filter(pk=data["source"].pk).update(relays=relayed)
    make("1.0.0")
    assert read_csv_column(releases_root / "1.0.0" / "source.csv", "slug") == [
        "mofa-test-release",
        "original-report",
    ]


# --- What changed ----------------------------------------------------------------------


def test_the_first_release_says_it_is_the_first(data, releases_root):
    make("1.0.0")
    text = changelog(releases_root, "1.0.0")
    assert text.startswith("# Changelog: acsa-db 1.0.0 (2026-01-15)\n")
    assert "This is the first release: there is no earlier release to compare it with." in text
    assert "1 agreements, 1 exercises, 7 facts and 1 sources" in text


def test_a_changed_fact_is_listed_with_old_and_new_value_and_its_citations(data, releases_root):
    make("1.0.0")
    event = data["agreement"].events.get()
    event.place = "Berlin"
    event.save()
    make("1.1.0", date=DAY + datetime.timedelta(days=30))
    text = changelog(releases_root, "1.1.0")
    assert "What changed since acsa-db 1.0.0 (2026-01-15)" in text
    # The record itself changed too: a changed fact sent the verified agreement back to review.
    assert "0 facts added, 2 changed, 0 removed" in text
    section = text.split("### `acsa-jpn-deu-2024`: Japan–Germany ACSA\n", 1)[1]
    assert section.startswith(
        "\n- **Changed** the record:\n"
        "  - review_status: `verified` → `needs_review`\n"
        "  - Citations behind the new value: `mofa-test-release` (existence)\n"
        "- **Changed** event signature 2024-01-29:\n"
        "  - place: `Tokyo` → `Berlin`\n"
        "  - Citations behind the new value: `mofa-test-release` (date)\n"
    )
    release = DataRelease.objects.get(version="1.1.0")
    assert (release.added_count, release.changed_count, release.removed_count) == (0, 2, 0)
    assert release.previous.version == "1.0.0"


def test_a_redated_event_is_one_change_with_both_dates(data, releases_root):
    make("1.0.0")
    data["agreement"].events.update(date=datetime.date(2024, 1, 30))
    make("1.1.0")
    text = changelog(releases_root, "1.1.0")
    assert "- **Changed** event signature 2024-01-29, now event signature 2024-01-30:\n" in text
    assert "  - date: `2024-01-29` → `2024-01-30`\n" in text


def test_added_and_removed_facts_and_citations_are_listed(data, releases_root):
    make("1.0.0")
    agreement = data["agreement"]
    france = Country.objects.create(
        iso3="FRA", iso2="FR", iso_numeric="250", cow_code=220, cow_abbrev="FRN", name="France"
    )
    party = AgreementParty.objects.create(agreement=agreement, country=france, role="signatory")
    Citation.objects.create(source=data["source"], agreement_party=party, claim="parties")
    event = agreement.events.get()
    event.citations.all().delete()
    event.delete()
    other = Source.objects.create(
        slug="second-source", title="Second", kind="news", url="https://example.org/2"
    )
    Citation.objects.create(source=other, exercise=data["exercise"], claim="date", locator="p. 4")
    make("1.1.0")
    text = changelog(releases_root, "1.1.0")
    # The agreement's record changed too: its facts changed, so it went back to needs review.
    assert "1 facts added, 2 changed, 1 removed; 1 sources added, 0 changed, 0 removed." in text
    assert "- **Changed** the record:\n  - review_status: `verified` → `needs_review`\n" in text
    assert "- **Added** party FRA: role `signatory`\n  - Citations: `mofa-test-release` (parties)\n" in text
    assert (
        "- **Removed** event signature 2024-01-29 (was: date_precision `day`, note (empty), party (empty), place `Tokyo`)"
        in text
    )
    assert "- **Changed** the record:\n  - citation added: `second-source` (date, p. 4)\n" in text
    assert "### `second-source`: Second (new in this release)" in text


def test_a_record_entering_the_release_lists_its_facts_as_added(data, releases_root):
    make("1.0.0")
    set_status(data["draft"], ReviewStatus.NEEDS_REVIEW)
    make("1.1.0")
    text = changelog(releases_root, "1.1.0")
    assert "### `draft-agreement`: Draft agreement (new in this release)" in text
    assert "- **Added** event signature 2025-03-01:" in text
    assert "  - Citations: `draft-only-source` (date)" in text


def test_diff_releases_prints_the_changelog_from_the_zips_alone(data, releases_root, tmp_path):
    make("1.0.0")
    source = data["source"]
    source.title = "Renamed release"
    source.save()
    make("1.1.0")
    # Only the zips, somewhere else: as a researcher downloads them.
    elsewhere = tmp_path / "downloads"
    elsewhere.mkdir()
    for version in ("1.0.0", "1.1.0"):
        shutil.copy(releases_root / version / f"acsa-db-{version}.zip", elsewhere)
    shutil.rmtree(releases_root)
    out = io.StringIO()
    call_command(
        "diff_releases",
        str(elsewhere / "acsa-db-1.0.0.zip"),
        str(elsewhere / "acsa-db-1.1.0.zip"),
        stdout=out,
    )
    printed = out.getvalue()
    assert printed.startswith("# Changes from acsa-db 1.0.0 (2026-01-15) to 1.1.0 (2026-01-15)\n")
    assert (
        "### `mofa-test-release`: Renamed release\n\n- **Changed** the record:\n  - title: `Test release` → `Renamed release`\n"
        in printed
    )
    with zipfile.ZipFile(elsewhere / "acsa-db-1.1.0.zip") as archive:
        logged = archive.read("acsa-db-1.1.0/CHANGELOG.md").decode()
    assert printed.split("\n\n", 1)[1] == logged.split("`facts.json` lists them all.\n", 1)[1]


def test_diff_releases_names_releases_by_version_and_refuses_what_is_not_one(data, releases_root):
    make("1.0.0")
    make("1.0.1")
    out = io.StringIO()
    call_command("diff_releases", "1.0.0", "1.0.1", stdout=out)
    assert "No fact was added, changed or removed." in out.getvalue()
    with pytest.raises(CommandError, match="No release at 9.9.9"):
        call_command("diff_releases", "1.0.0", "9.9.9", stdout=io.StringIO())
    (releases_root / "not-a-release.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    with pytest.raises(CommandError, match="holds no facts.json"):
        call_command("diff_releases", "1.0.0", str(releases_root / "not-a-release.zip"), stdout=io.StringIO())


def test_facts_are_keyed_by_slugs_and_fact_keys(data, releases_root):
    make("1.0.0")
    facts = json.loads((releases_root / "1.0.0" / "facts.json").read_text())
    records = {(r["type"], r["slug"]): [f["key"] for f in r["facts"]] for r in facts["records"]}
    assert records == {
        ("agreement", "acsa-jpn-deu-2024"): [
            "record",
            "event signature 2024-01-29",
            "party DEU",
            "party JPN",
        ],
        ("exercise", "test-exercise-2022"): ["record", "participant DEU", "participant JPN"],
    }
    assert [s["slug"] for s in facts["sources"]] == ["mofa-test-release"]


# --- Snapshot --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_release_reads_one_snapshot_and_commits_only_its_record(data, releases_root):
    """Outside any transaction (as the command runs), the leaving-out is rolled back for real."""
    with CaptureQueriesContext(connection) as queries:
        make("1.0.0")
    statements = [q["sql"] for q in queries.captured_queries]
    if connection.vendor == "postgresql":
        assert "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ" in statements
    assert any(s.startswith("DELETE FROM") for s in statements)
    assert Agreement.objects.filter(slug="draft-agreement").exists()
    assert Source.objects.filter(slug="draft-only-source").exists()
    assert Exercise.objects.count() == 1 and DataRelease.objects.count() == 1


# --- Admin -----------------------------------------------------------------------------


@pytest.fixture
def released(data, releases_root):
    make("1.0.0")
    return DataRelease.objects.get()


@pytest.mark.parametrize("role", ["viewer", "curator", "reviewer"])
def test_every_role_lists_releases_and_downloads_their_zips(client, make_user, released, releases_root, role):
    client.force_login(make_user(role, role))
    listing = client.get(reverse("admin:acsa_db_datarelease_changelist"))
    assert listing.status_code == 200
    download = reverse("admin:acsa_db_datarelease_download", args=[released.pk])
    assert download in listing.content.decode()
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="acsa-db-1.0.0.zip"'
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == released.zip_sha256


def test_staff_without_a_role_cannot_download(client, make_user, released):
    client.force_login(make_user("nobody"))
    response = client.get(reverse("admin:acsa_db_datarelease_download", args=[released.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["viewer", "curator", "reviewer"])
def test_only_superusers_make_releases(client, make_user, data, releases_root, role):
    client.force_login(make_user(role, role))
    url = reverse("admin:acsa_db_datarelease_add")
    assert client.get(url).status_code == 403
    assert client.post(url, {"version": "1.0.0", "released_on": "2026-01-15"}).status_code == 403
    assert not DataRelease.objects.exists() and not releases_root.exists()


def test_a_superuser_makes_a_release_in_the_admin(client, make_user, data, releases_root):
    admin_user = make_user("chief", superuser=True)
    client.force_login(admin_user)
    url = reverse("admin:acsa_db_datarelease_add")
    assert client.get(url).status_code == 200
    response = client.post(url, {"version": "1.0.0", "released_on": "2026-01-15", "verified_only": "on"})
    assert response.status_code == 302
    release = DataRelease.objects.get()
    assert release.made_by == admin_user and release.made_by_name == "chief"
    assert release.policy == DataRelease.Policy.VERIFIED_ONLY and release.released_on == DAY
    assert (releases_root / "1.0.0" / "acsa-db-1.0.0.zip").is_file()
    # The same version again, or a malformed one: the form says why, and nothing is made.
    again = client.post(url, {"version": "1.0.0"})
    assert again.status_code == 200 and "exists already" in again.content.decode()
    bad = client.post(url, {"version": "v2"})
    assert bad.status_code == 200 and "neither semantic" in bad.content.decode()
    assert DataRelease.objects.count() == 1


def test_no_one_changes_or_deletes_a_release_in_the_admin(client, make_user, released):
    client.force_login(make_user("chief", superuser=True))
    change = client.post(
        reverse("admin:acsa_db_datarelease_change", args=[released.pk]), {"version": "9.9.9"}
    )
    assert change.status_code == 403
    delete = client.post(reverse("admin:acsa_db_datarelease_delete", args=[released.pk]), {"post": "yes"})
    assert delete.status_code == 403
    released.refresh_from_db()
    assert released.version == "1.0.0"


def test_a_missing_zip_is_a_404_not_a_500(client, make_user, released, releases_root):
    client.force_login(make_user("viewer", "viewer"))
    (releases_root / "1.0.0" / "acsa-db-1.0.0.zip").unlink()
    response = client.get(reverse("admin:acsa_db_datarelease_download", args=[released.pk]))
    assert response.status_code == 404


def test_a_record_whose_slug_changed_keeps_its_old_slug_as_an_alias(data, releases_root):
    make("1.0.0")
    agreement = data["agreement"]
    agreement.slug = "acsa-jpn-deu-2024-corrected"
    agreement.save()
    make("1.1.0")
    facts = json.loads((releases_root / "1.1.0" / "facts.json").read_text())
    record = next(r for r in facts["records"] if r["type"] == "agreement")
    assert record["slug"] == "acsa-jpn-deu-2024-corrected"
    assert record["aliases"] == ["acsa-jpn-deu-2024"]
    text = changelog(releases_root, "1.1.0")
    # One record renamed, not one removed and another added.
    assert "0 facts added, 1 changed, 0 removed" in text
    assert (
        "### `acsa-jpn-deu-2024-corrected`: Japan–Germany ACSA (formerly `acsa-jpn-deu-2024`, kept as an alias)\n\n"
        "- **Changed** the record:\n  - review_status: `verified` → `needs_review`\n"
        "  - slug: `acsa-jpn-deu-2024` → `acsa-jpn-deu-2024-corrected`\n"
    ) in text


def test_undated_events_of_one_kind_have_distinct_keys(data, releases_root):
    agreement = data["agreement"]
    for note, claim in (("first", "date"), ("second", "place")):
        event = AgreementEvent.objects.create(agreement=agreement, kind="approval", note=note)
        Citation.objects.create(source=data["source"], agreement_event=event, claim=claim)
    make("1.0.0")
    facts = json.loads((releases_root / "1.0.0" / "facts.json").read_text())
    record = next(r for r in facts["records"] if r["type"] == "agreement")
    undated = {
        f["key"]: (f["values"]["note"], [c["claim"] for c in f["citations"]])
        for f in record["facts"]
        if "undated" in f["key"]
    }
    # Each keeps its own citations.
    assert undated == {
        "event approval undated": ("first", ["date"]),
        "event approval undated (2)": ("second", ["place"]),
    }


def test_the_same_version_made_meanwhile_elsewhere_is_refused_cleanly(data, releases_root, monkeypatch):
    """Two superusers making 1.0.0 at once: the database's unique version decides, and the loser
    gets the same refusal as before, with nothing left on disk."""
    build = releases.build_bundle

    def build_while_someone_else_releases(*args, **kwargs):
        bundle = build(*args, **kwargs)
        DataRelease.objects.create(
            version="1.0.0",
            released_on=DAY,
            policy="reviewed",
            agreement_count=0,
            exercise_count=0,
            source_count=0,
            citation_count=0,
            fact_count=0,
            added_count=0,
            changed_count=0,
            removed_count=0,
            zip_name="elsewhere.zip",
            zip_sha256="0" * 64,
            zip_bytes=0,
        )
        return bundle

    monkeypatch.setattr(releases, "build_bundle", build_while_someone_else_releases)
    with pytest.raises(CommandError, match="1.0.0 exists already"):
        make("1.0.0")
    assert DataRelease.objects.get().zip_name == "elsewhere.zip"
    assert list(releases_root.iterdir()) == []


def test_relay_loops_end_and_sources_no_released_fact_cites_are_left_out(data, releases_root):
    cited = data["source"]
    wire = Source.objects.create(slug="wire-report", title="Wire report", kind="wire")
    Source.objects.filter(pk=cited.pk).update(relays=wire)
    Source.objects.filter(pk=wire.pk).update(relays=cited)  # each says it relays the other
    first = Source.objects.create(slug="loop-a", title="Loop A", kind="news")
    second = Source.objects.create(slug="loop-b", title="Loop B", kind="news", relays=first)
    Source.objects.filter(pk=first.pk).update(relays=second)
    make("1.0.0")
    assert read_csv_column(releases_root / "1.0.0" / "source.csv", "slug") == [
        "mofa-test-release",
        "wire-report",
    ]


class SerializationFailure(Exception):
    sqlstate = "40001"


def failing_export(times):
    """export_dataset, failing the first ``times`` calls as PostgreSQL does when a curator's edit
    conflicts with the release's snapshot."""
    from acsa_db.sql import export

    real = export.export_dataset
    calls = []

    def export_dataset(*args, **kwargs):
        calls.append(1)
        if len(calls) <= times:
            real(*args, **kwargs)  # half-written files, as a failure leaves them
            try:
                raise SerializationFailure("could not serialize access due to concurrent update")
            except SerializationFailure as cause:
                raise OperationalError(str(cause)) from cause
        return real(*args, **kwargs)

    return export_dataset


def test_a_snapshot_conflicting_with_an_edit_is_read_again(data, releases_root, monkeypatch):
    monkeypatch.setattr("acsa_db.sql.export.export_dataset", failing_export(times=1))
    make("1.0.0")
    assert releases.verify_checksums(releases_root / "1.0.0") == []
    assert DataRelease.objects.get().version == "1.0.0"


def test_a_snapshot_that_keeps_conflicting_is_refused_cleanly(data, releases_root, monkeypatch):
    monkeypatch.setattr("acsa_db.sql.export.export_dataset", failing_export(times=3))
    with pytest.raises(CommandError, match="kept changing"):
        make("1.0.0")
    assert not DataRelease.objects.exists() and list(releases_root.iterdir()) == []


def test_a_malformed_date_is_refused_with_its_format(db):
    with pytest.raises(CommandError, match="'2026-13-01' is not a date: give YYYY-MM-DD"):
        call_command("make_release", "1.0.0", "--date", "2026-13-01", stdout=io.StringIO())
    assert not DataRelease.objects.exists()
