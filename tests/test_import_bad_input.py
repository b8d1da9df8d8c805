"""Bad input: every refusal names the row, the column and the reason, all at once, and nothing is written.

Each case of the issue is here: an unknown country, a date that is not one,
an end before the start, a source URL not found, a duplicate slug, a missing
required column, a file that is not UTF-8, an empty file, a spreadsheet with
formulas. The suite runs on SQLite and on PostgreSQL (DATABASE_URL).
"""

import io

import openpyxl
import pytest

from acsa_db.imports import (
    AgreementSheetResource,
    ExerciseResource,
    ExerciseSheetResource,
    ImportRefused,
    SourceResource,
    import_file,
)
from acsa_db.models import Agreement, AgreementEvent, AgreementParty, Citation, Exercise, Source


def refusal(data, resource, name="file.csv", **kwargs):
    with pytest.raises(ImportRefused) as caught:
        import_file(data, resource, name=name, **kwargs)
    return caught.value


def problems_at(refused):
    """{(row, column): reason} of a refusal."""
    return {(p.row, p.column): p.reason for p in refused.problems}


def nothing_written():
    return not (
        Exercise.objects.exists()
        or Agreement.objects.exists()
        or AgreementParty.objects.exists()
        or AgreementEvent.objects.exists()
        or Citation.objects.exists()
    )


def csv_bytes(*lines):
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture
def source_with_url(db):
    return Source.objects.create(
        slug="test-source", title="A test source", kind=Source.Kind.NEWS, url="https://example.org/known"
    )


def test_every_problem_of_a_file_is_reported_at_once_with_row_and_column(reference_data):
    data = csv_bytes(
        "slug,name,start_date,end_date,host",
        "ok-2023,Fine,2023-05-01,2023-05-03,JPN",  # row 2: valid, yet not written
        "bad-country,Unknown host,2023-05-01,,XYZ",  # row 3
        "bad-date,Bad month,2023-13,,JPN",  # row 4
        "bad-order,End first,2024-03-10,2024-03-01,AUS",  # row 5
        "ok-2023,Same slug again,2023,,JPN",  # row 6
    )
    refused = refusal(data, ExerciseResource)
    problems = problems_at(refused)
    assert len(refused.problems) == 4
    assert 'unknown country "XYZ"' in problems[(3, "host")]
    assert '"2023-13" is not a date' in problems[(4, "start_date")]
    assert "the end (2024-03-01) is before the start (2024-03-10)" in problems[(5, "end_date")]
    assert 'duplicate: row 2 of this file already has slug "ok-2023"' in problems[(6, "slug")]
    # The message a curator reads names the file, the row and the column.
    assert 'file.csv, row 3, column "host": unknown country "XYZ"' in refused.summary()
    assert nothing_written()


def test_an_end_known_only_to_the_month_is_not_before_a_start_in_that_month(reference_data):
    import_file(csv_bytes("slug,name,start_date,end_date", "july,July,2024-07-12,2024-07"), ExerciseResource)
    assert Exercise.objects.get(slug="july").end_date_precision == "month"


def test_unknown_source_url_in_a_sheet(reference_data, source_with_url):
    data = csv_bytes(
        "slug,short_title,title,type,parties,signed,source_url",
        "acsa-jpn-deu-2024,Japan–Germany ACSA,Agreement,ACSA,JPN;DEU,2024-01-29,https://example.org/known",
        "acsa-jpn-fra-2024,Japan–France ACSA,Agreement,ACSA,JPN;FRA,2024,https://example.org/missing",
    )
    refused = refusal(data, AgreementSheetResource)
    assert problems_at(refused) == {
        (3, "source_url"): 'no source has the URL "https://example.org/missing" '
        "(add the source first, or import the sources file before this one)"
    }
    assert nothing_written()


def test_unknown_party_and_bad_dates_in_a_sheet_are_all_reported(reference_data, source_with_url):
    data = csv_bytes(
        "slug,short_title,title,type,parties,signed,entered_into_force,source_url",
        "a-1,A,A,ACSA,JPN;XYZ,2024-01-29,2024-02-30,https://example.org/known",
        "a-2,B,B,NOPE,JPN;DEU,2024-05,2024-04,https://example.org/known",
    )
    problems = problems_at(refusal(data, AgreementSheetResource))
    assert 'unknown party "XYZ"' in problems[(2, "parties")]
    assert '"2024-02-30" is not a date: no such day' in problems[(2, "entered_into_force")]
    assert 'unknown agreement type "NOPE"' in problems[(3, "type")]
    assert nothing_written()


def test_sheet_refuses_an_entry_into_force_before_the_signature(reference_data, source_with_url):
    data = csv_bytes(
        "slug,short_title,title,type,parties,signed,entered_into_force,source_url",
        "a-1,A,A,ACSA,JPN;DEU,2024-05-10,2024-04,https://example.org/known",
    )
    problems = problems_at(refusal(data, AgreementSheetResource))
    assert "before the signature" in problems[(2, "entered_into_force")]


def test_duplicate_slug_in_the_file(reference_data):
    data = csv_bytes("slug,name", "pitch-black-2024,Pitch Black", "other,Other", "pitch-black-2024,Again")
    problems = problems_at(refusal(data, ExerciseResource))
    assert problems == {(4, "slug"): 'duplicate: row 2 of this file already has slug "pitch-black-2024"'}
    assert nothing_written()


def test_missing_required_column(reference_data):
    refused = refusal(csv_bytes("slug,start_date", "pitch-black-2024,2024-07-12"), ExerciseResource)
    assert problems_at(refused) == {(1, "name"): "required column is missing from the header row"}
    assert nothing_written()


def test_unknown_column_is_refused_rather_than_ignored(reference_data):
    problems = problems_at(refusal(csv_bytes("slug,name,hots", "a,A,JPN"), ExerciseResource))
    assert "unknown column" in problems[(1, "hots")]


def test_missing_required_sheet_columns_are_all_named(reference_data):
    problems = problems_at(refusal(csv_bytes("slug,name", "a,A"), ExerciseSheetResource))
    assert set(problems) == {(1, "participants"), (1, "source_url")}


def test_a_file_that_is_not_utf8_names_the_row_and_column(reference_data):
    data = "slug,name,location\nok,Fine,Darwin\nbad,Bad,Sea of Japan\nalso-bad,Caf\xe9,Nice\n".encode(
        "cp1252"
    )
    data = data.replace(b"Sea of Japan", b"Sea of Japan \xff")
    refused = refusal(data, ExerciseResource)
    problems = problems_at(refused)
    assert set(problems) == {(3, "location"), (4, "name")}
    assert problems[(4, "name")].startswith("not UTF-8 text (byte 0xE9")
    assert "save the file as UTF-8" in problems[(3, "location")]
    assert nothing_written()


def test_utf8_with_a_byte_order_mark_is_read(reference_data):
    import_file("\ufeffslug,name\nbom,Ümlaut exercise\n".encode(), ExerciseResource)
    assert Exercise.objects.get(slug="bom").name == "Ümlaut exercise"


@pytest.mark.parametrize(
    "data", [b"", b"\xef\xbb\xbf", b"\n\n"], ids=["zero bytes", "only a BOM", "blank lines"]
)
def test_empty_file(reference_data, data):
    problems = problems_at(refusal(data, ExerciseResource))
    assert problems == {(1, None): "the file is empty: it has no header row naming the columns"}


def test_header_without_rows(reference_data):
    problems = problems_at(refusal(csv_bytes("slug,name"), ExerciseResource))
    assert problems == {(2, None): "the file has a header row but no data rows"}


@pytest.mark.parametrize("data", [b"", b"[]", b"  [ ]\n"], ids=["zero bytes", "empty array", "spaces"])
def test_empty_json_file(reference_data, data):
    refused = refusal(data, ExerciseResource, name="file.json")
    assert len(refused.problems) == 1
    assert refused.problems[0].row in (1, 2)


def test_empty_xlsx_file(reference_data):
    refused = refusal(b"", ExerciseResource, name="file.xlsx")
    assert problems_at(refused) == {(1, None): "the file is empty: it has no header row naming the columns"}


def xlsx(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_spreadsheet_with_formulas_is_refused_cell_by_cell(reference_data):
    data = xlsx(
        [
            ["slug", "name", "location", "host"],
            ["a-2023", '=HYPERLINK("https://example.org","click")', "Darwin", "AUS"],
            ["b-2023", "B", "=A1&A2", "JPN"],
            ["c-2023", "C", "Guam", "USA"],
        ]
    )
    refused = refusal(data, ExerciseResource, name="file.xlsx")
    problems = problems_at(refused)
    assert set(problems) == {(2, "name"), (3, "location")}
    assert problems[(3, "location")].startswith('the cell holds a formula ("=A1&A2")')
    assert "paste them as values" in problems[(3, "location")]
    assert nothing_written()


def test_a_text_cell_that_looks_like_a_formula_is_taken_as_text(reference_data):
    # Typed as text in the workbook (an escaped export): a value, not a formula.
    data = xlsx([["slug", "name"], ["a-2023", "'=not a formula"]])
    import_file(data, ExerciseResource, name="file.xlsx")
    assert Exercise.objects.get(slug="a-2023").name == "=not a formula"


def test_json_problems_name_the_object_and_key(reference_data):
    data = b'[{"slug": "a", "name": "A", "host": "XYZ"}, {"slug": "b", "name": "B", "start_date": "2023-13"}]'
    problems = problems_at(refusal(data, ExerciseResource, name="file.json"))
    assert set(problems) == {(2, "host"), (3, "start_date")}


def test_broken_json_is_refused(reference_data):
    refused = refusal(b'[{"slug": "a", "name": "A"}, {"slug": ', ExerciseResource, name="file.json")
    assert "not valid JSON" in refused.problems[0].reason
    assert nothing_written()


def test_text_too_long_and_unknown_choice(reference_data):
    data = csv_bytes("slug,name,kind", f"a,{'x' * 201},exercise", "b,B,parade")
    problems = problems_at(refusal(data, ExerciseResource))
    assert problems[(2, "name")] == "201 characters long; at most 200 are allowed"
    assert problems[(3, "kind")].startswith('"parade" is not one of: exercise, drill')


def test_a_refused_file_leaves_existing_rows_untouched(reference_data):
    import_file(csv_bytes("slug,name", "kept,Original name"), ExerciseResource)
    refusal(csv_bytes("slug,name,host", "kept,Changed name,JPN", "new,New,XYZ"), ExerciseResource)
    assert Exercise.objects.get().name == "Original name"


def test_source_relaying_a_source_missing_from_database_and_file(reference_data):
    data = csv_bytes("slug,title,kind,relays", "a,A,news,b", "b,B,news,", "c,C,news,nowhere")
    problems = problems_at(refusal(data, SourceResource))
    assert problems == {
        (4, "relays"): 'unknown source "nowhere": no source has this slug'
        " (add the source first, or import the sources file before this one)"
    }
    assert not Source.objects.exists()


def test_problems_are_capped_but_counted(reference_data):
    lines = ["slug,name,host"] + [f"e-{i},E,XYZ" for i in range(1200)]
    refused = refusal(csv_bytes(*lines), ExerciseResource)
    assert len(refused.problems) == 1000
    assert refused.truncated == 200
    assert "and 200 more problems" in refused.summary()


def test_a_source_url_with_a_brace_or_backslash_is_refused_naming_row_and_column(reference_data):
    data = csv_bytes(
        "slug,title,kind,url",
        "fine,Fine,news,https://example.org/fine",
        "braced,Braced,news,https://example.org/a}b",
        "slashed,Slashed,news,https://example.org/a\\b",
    )
    problems = problems_at(refusal(data, SourceResource))
    assert "brace or a backslash" in problems[(3, "url")]
    assert "brace or a backslash" in problems[(4, "url")]
    assert not Source.objects.exists()
