"""Exports are safe to open: every formula trigger escaped, in every format, from the admin and the command line."""

import csv
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from acsa_db.imports.escaping import FORMULA_TRIGGERS, escape_formula, unescape_formula
from acsa_db.imports.exports import bibtex_entry, csl_item
from acsa_db.imports.resources import ExerciseResource
from acsa_db.imports.service import import_file
from acsa_db.models import Exercise, Source

# A cell for each trigger, and one already starting with the escape.
HOSTILE = {
    "=": '=HYPERLINK("https://example.org/x","click")',
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3",
    "@": "@SUM(1,1)",
    "\t": "\t=1+1",
    "\r": "\r=1+1",
}


@pytest.mark.parametrize("text", [*HOSTILE.values(), "'=already quoted", "''@twice"])
def test_escape_is_reversible(text):
    escaped = escape_formula(text)
    assert escaped.startswith("'")
    assert unescape_formula(escaped) == text


@pytest.mark.parametrize("text", ["Pitch Black", "'quoted but harmless", "", "a=b", "F-35A"])
def test_harmless_text_is_left_alone(text):
    assert escape_formula(text) == text == unescape_formula(text)


@pytest.fixture
def hostile_exercises(db):
    for index, (trigger, text) in enumerate(HOSTILE.items()):
        Exercise.objects.create(
            slug=f"hostile-{index}", name=f"Hostile {trigger!r}", summary=text, location=text[:300]
        )


def exported_cells(format, data):
    """Every cell of an exported table, as text."""
    if format == "csv":
        return [cell for row in csv.reader(io.StringIO(data.decode("utf-8"))) for cell in row]
    if format == "json":
        return [str(v) for row in json.loads(data) for v in row.values()]
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    cells = [cell for row in workbook.active.iter_rows() for cell in row]
    # No cell is stored as a formula.
    assert all(cell.data_type != "f" for cell in cells)
    return [str(cell.value) for cell in cells if cell.value is not None]


def as_xml_reads_it(text):
    # XML (and so XLSX) reads a carriage return as a line feed.
    return text.replace("\r", "\n")


def assert_escaped(cells, format="csv"):
    texts = {as_xml_reads_it(t) if format == "xlsx" else t for t in HOSTILE.values()}
    assert not [cell for cell in cells if cell.startswith(FORMULA_TRIGGERS)], "an unescaped formula cell"
    assert {cell[1:] for cell in cells if cell.startswith("'")} >= texts


@pytest.mark.parametrize("format", ["csv", "xlsx", "json"])
def test_command_line_export_escapes_every_trigger(hostile_exercises, tmp_path, format):
    path = tmp_path / f"exercise.{format}"
    call_command("export_data", model="exercise", format=format, out=str(path), stderr=io.StringIO())
    assert_escaped(exported_cells(format, path.read_bytes()), format)


@pytest.mark.parametrize("format", ["csv", "xlsx", "json"])
def test_escaped_export_imports_back_unchanged(hostile_exercises, tmp_path, format):
    path = tmp_path / f"exercise.{format}"
    call_command("export_data", model="exercise", format=format, out=str(path), stderr=io.StringIO())
    before = {e.slug: (e.summary, e.location) for e in Exercise.objects.all()}
    Exercise.objects.all().delete()
    import_file(str(path), ExerciseResource)
    if format == "xlsx":
        before = {slug: tuple(as_xml_reads_it(t) for t in texts) for slug, texts in before.items()}
    assert {e.slug: (e.summary, e.location) for e in Exercise.objects.all()} == before


ADMIN_FORMATS = {"csv": 0, "xlsx": 1, "json": 2}


@pytest.mark.parametrize("format", list(ADMIN_FORMATS))
def test_admin_export_escapes_every_trigger(client, admin_user, hostile_exercises, format):
    client.force_login(admin_user)
    url = reverse("admin:acsa_db_exercise_export")
    fields = {f"exerciseresource_{f.column_name}": "on" for f in ExerciseResource().get_export_fields()}
    response = client.post(url, {"format": ADMIN_FORMATS[format], "resource": 0, **fields})
    assert response.status_code == 200, response.content[:500]
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert_escaped(exported_cells(format, data), format)


def test_viewers_export_but_do_not_import(client, django_user_model, hostile_exercises):
    from django.contrib.auth.models import Group

    viewer = django_user_model.objects.create_user("a-viewer", is_staff=True)
    viewer.groups.set(Group.objects.filter(name="viewer"))
    client.force_login(viewer)
    assert client.get(reverse("admin:acsa_db_exercise_export")).status_code == 200
    assert client.get(reverse("admin:acsa_db_exercise_import")).status_code == 403
    changelist = client.get(reverse("admin:acsa_db_exercise_changelist")).content.decode()
    assert "export_link" in changelist and "import_link" not in changelist


@pytest.fixture
def sources(db):
    return [
        Source.objects.create(
            slug="mofa-deu-acsa",
            title="Signing of the Japan–Germany ACSA & {braces} 100%",
            publisher="Ministry of Foreign Affairs of Japan",
            authors="Doe, Jane; Roe, Richard",
            kind=Source.Kind.OFFICIAL_STATEMENT,
            url="https://example.org/a?b=1#c",
            published="2024-01-29",
            published_precision="day",
            accessed_on="2024-02-01",
            language="en",
        ),
        Source.objects.create(
            slug="news-2023",
            title="-30 dB: a report",
            kind=Source.Kind.NEWS,
            publisher="Paper",
            published="2023-09-01",
            published_precision="month",
        ),
    ]


def test_csl_json_items(sources, tmp_path):
    path = tmp_path / "sources.json"
    call_command("export_data", model="source", format="csl-json", out=str(path), stderr=io.StringIO())
    items = {item["id"]: item for item in json.loads(path.read_text())}
    first = items["mofa-deu-acsa"]
    assert first["type"] == "document"
    assert first["author"] == [{"literal": "Doe, Jane"}, {"literal": "Roe, Richard"}]
    assert first["issued"] == {"date-parts": [[2024, 1, 29]]}
    assert first["accessed"] == {"date-parts": [[2024, 2, 1]]}
    assert first["URL"] == "https://example.org/a?b=1#c"
    # Titles go to reference managers as published, not escaped for spreadsheets.
    assert items["news-2023"]["title"] == "-30 dB: a report"
    assert items["news-2023"]["issued"] == {"date-parts": [[2023, 9]]}
    assert items["news-2023"]["container-title"] == "Paper"


def test_bibtex_entries(sources, tmp_path):
    path = tmp_path / "sources.bib"
    call_command("export_data", model="source", format="bibtex", out=str(path), stderr=io.StringIO())
    text = path.read_text()
    assert text.count("@misc{") == 2
    assert r"title = {{Signing of the Japan–Germany ACSA \& \{braces\} 100\%}}" in text
    assert "author = {{Doe, Jane} and {Roe, Richard}}" in text
    assert "year = {2023},\n  month = {9}" in text
    assert r"url = {https://example.org/a?b=1\#c}" in text


def test_admin_offers_reference_formats_for_sources_only(client, admin_user, sources):
    client.force_login(admin_user)
    page = client.get(reverse("admin:acsa_db_source_export")).content.decode()
    assert "csl-json" in page and "bibtex" in page
    assert "bibtex" not in client.get(reverse("admin:acsa_db_exercise_export")).content.decode()


def test_admin_bibtex_export(client, admin_user, sources):
    from acsa_db.imports.resources import SourceResource

    client.force_login(admin_user)
    fields = {f"sourceresource_{f.column_name}": "on" for f in SourceResource().get_export_fields()}
    response = client.post(reverse("admin:acsa_db_source_export"), {"format": 4, "resource": 0, **fields})
    assert response.status_code == 200
    assert response.content.decode().count("@misc{") == 2


def test_csl_and_bibtex_of_a_minimal_record():
    record = {"slug": "x", "title": "T", "kind": "dataset"}
    assert csl_item(record) == {"id": "x", "type": "dataset", "title": "T"}
    assert bibtex_entry(record) == "@misc{x,\n  title = {{T}},\n  note = {dataset}\n}\n"


def test_admin_xlsx_export_replaces_characters_xlsx_cannot_hold(client, admin_user, db):
    Exercise.objects.create(slug="bell", name="Bell\x07 in the name")
    client.force_login(admin_user)
    fields = {f"exerciseresource_{f.column_name}": "on" for f in ExerciseResource().get_export_fields()}
    response = client.post(reverse("admin:acsa_db_exercise_export"), {"format": 1, "resource": 0, **fields})
    assert response.status_code == 200
    assert "Bell\ufffd in the name" in exported_cells("xlsx", response.content)
