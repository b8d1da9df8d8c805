"""Exports are safe to open: every formula trigger escaped, in every format, from the admin and the command line."""

import csv
import io
import json
import re

import bibtexparser
import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from acsa_db.imports import (
    FORMULA_TRIGGERS,
    ExerciseResource,
    bibtex_entry,
    csl_item,
    escape_formula,
    import_file,
    unescape_formula,
)
from acsa_db.models import Exercise, Source

from . import hypothesis_profiles  # noqa: F401  (loads the CI or long profile)

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
    assert (
        r"title = {{Signing of the Japan–Germany ACSA \& \textbraceleft{}braces\textbraceright{} 100\%}}"
        in text
    )
    assert "author = {{Doe, Jane} and {Roe, Richard}}" in text
    assert "year = {2023},\n  month = {9}" in text
    assert r"url = {https://example.org/a?b=1\#c}" in text


def test_admin_offers_reference_formats_for_sources_only(client, admin_user, sources):
    client.force_login(admin_user)
    page = client.get(reverse("admin:acsa_db_source_export")).content.decode()
    assert "csl-json" in page and "bibtex" in page
    assert "bibtex" not in client.get(reverse("admin:acsa_db_exercise_export")).content.decode()


def test_admin_bibtex_export(client, admin_user, sources):
    from acsa_db.imports import SourceResource

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


# --- BibTeX: one source, one entry, whatever its text (issue 16, point 10) -------------------

# The inverse of exports.bibtex_text and bibtex_url, written out here rather than imported.
_LATEX_COMMANDS = {
    "textbackslash": "\\",
    "textbraceleft": "{",
    "textbraceright": "}",
    "textasciitilde": "~",
    "textasciicircum": "^",
}
_LATEX_ESCAPE = re.compile(r"\\(" + "|".join(_LATEX_COMMANDS) + r")\{\}|\\([%&$#_])")


def latex_decoded(value):
    return _LATEX_ESCAPE.sub(lambda m: _LATEX_COMMANDS[m.group(1)] if m.group(1) else m.group(2), value)


def read_bibtex(text):
    """Entries as bibtexparser reads them: [(key, {field: raw value})]; nothing it failed to read."""
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [block.error for block in library.failed_blocks]
    return [(entry.key, {f.key: f.value for f in entry.fields}) for entry in library.entries]


def one_line(text):
    return " ".join(text.splitlines())


def as_exported(**cells):
    """A source's record as export_rows gives it to the reference formats (escaped for spreadsheets)."""
    return {name: escape_formula(value) for name, value in cells.items()}


URL_CHARACTERS = st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="{}\\")
any_text = st.text(min_size=1, max_size=60)


@given(
    title=any_text,
    publisher=any_text,
    authors=st.lists(any_text.filter(lambda a: ";" not in a and a.strip()), min_size=1, max_size=3),
    language=st.text(max_size=12).filter(str.strip),
    path=st.text(URL_CHARACTERS, max_size=40),
)
def test_any_source_is_one_bibtex_entry_read_back_with_the_same_fields(
    title, publisher, authors, language, path
):
    url = "https://example.org/" + path
    record = as_exported(
        slug="a-source",
        title=title,
        publisher=publisher,
        authors="; ".join(authors),
        kind="news",
        url=url,
        published="2024-01",
        accessed_on="2024-02-01",
        language=language,
    )
    # Two in a row: an entry that leaked would show as a third entry or a failed block.
    following = dict(record, slug="b-source")
    ((key, fields), (second_key, _)) = read_bibtex(bibtex_entry(record) + "\n" + bibtex_entry(following))
    assert (key, second_key) == ("a-source", "b-source")
    assert set(fields) == {"title", "author", "publisher", "year", "month", "date", "url", "urldate"} | (
        {"language"} if language.strip() else set()
    ) | {"note"}
    assert fields["title"].startswith("{") and fields["title"].endswith("}")
    assert latex_decoded(fields["title"][1:-1]) == one_line(title)
    assert latex_decoded(fields["publisher"]) == one_line(publisher)
    assert [latex_decoded(a[1:-1]) for a in fields["author"].split(" and ")] == [
        one_line(a.strip()) for a in authors
    ]
    assert latex_decoded(fields["url"]) == url
    assert latex_decoded(fields["language"]) == one_line(language) if language.strip() else True
    assert (fields["year"], fields["month"], fields["date"]) == ("2024", "1", "2024-01")
    assert fields["urldate"] == "2024-02-01" and fields["note"] == "news"


def test_a_url_that_closes_its_field_exports_as_one_entry_even_if_stored():
    # What the database now refuses, should a row predate the rule: still one entry, same address.
    url = "https://example.org/a}, note = {x}}\n@misc{evil, title = {injected}"
    entries = read_bibtex(bibtex_entry({"slug": "s", "title": "T", "url": url}))
    assert [key for key, _ in entries] == ["s"]
    assert latex_decoded(entries[0][1]["url"]) == (
        "https://example.org/a%7D,note=%7Bx%7D%7D@misc%7Bevil,title=%7Binjected%7D"
    )


def test_a_source_url_with_a_brace_or_backslash_is_refused_with_a_clear_message(db):
    for url in ("https://example.org/a}b", "https://example.org/a{b", "https://example.org/a\\b"):
        source = Source(slug="braced", title="Braced", kind=Source.Kind.NEWS, url=url)
        with pytest.raises(ValidationError) as caught:
            source.full_clean()
        assert any("brace or a backslash" in message for message in caught.value.message_dict["url"])


def test_a_title_starting_with_an_apostrophe_keeps_it_in_reference_formats(db, tmp_path):
    Source.objects.create(slug="quoted", title="'=quoted title", kind=Source.Kind.NEWS)
    path = tmp_path / "sources.json"
    call_command("export_data", model="source", format="csl-json", out=str(path), stderr=io.StringIO())
    items = {item["id"]: item for item in json.loads(path.read_text())}
    assert items["quoted"]["title"] == "'=quoted title"


# Last in the module: the seeded data set stays loaded for the tests after it.
def test_every_seeded_source_is_one_bibtex_entry(seeded_data_set, db, tmp_path):
    path = tmp_path / "sources.bib"
    call_command("export_data", model="source", format="bibtex", out=str(path), stderr=io.StringIO())
    entries = read_bibtex(path.read_text(encoding="utf-8"))
    assert sorted(key for key, _ in entries) == sorted(Source.objects.values_list("slug", flat=True))
