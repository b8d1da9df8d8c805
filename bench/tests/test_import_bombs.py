"""Bounded imports (issue 16, point 6): files that expand are refused before they are parsed.

The bombs are built in code by ``bench/import_bombs.py``'s builders, small
enough to run fast: the limits are lowered with ``settings`` where a bomb
of the real size would be slow to build, and some tests use the defaults.
The benchmark itself (full-size bombs, memory and time) is not run here.
"""

import csv
import json

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from acsa_db.imports import ExerciseResource, ImportRefused, import_file
from acsa_db.models import Exercise
from bench.import_bombs import (
    deep_json,
    header_row,
    long_number_json,
    shared_strings_xlsx,
    wide_row_xlsx,
    write_xlsx,
    zip_bomb_xlsx,
)


def refused(path, *, limits=None, name=None):
    """The problems of a refused import of ``path`` as the exercise table."""
    options = {"limits": limits} if limits else {}
    with pytest.raises(ImportRefused) as refusal:
        import_file(str(path), ExerciseResource, name=name or str(path), **options)
    return refusal.value.problems


def only_problem(path, **kwargs):
    (problem,) = refused(path, **kwargs)
    return problem


@pytest.fixture
def lower_limits(settings):
    def lower(**limits):
        settings.ACSA_IMPORT_LIMITS = limits

    return lower


# -- XLSX ------------------------------------------------------------------------------------------
def test_a_zip_bomb_is_refused_from_its_zip_directory_with_the_defaults(db, tmp_path):
    # 3 MB of one letter in a cell packs about 1,000 times: far from any spreadsheet program's output.
    problem = only_problem(zip_bomb_xlsx(tmp_path / "bomb.xlsx", inflated_bytes=3_000_000))
    assert problem.row is None
    assert "xl/worksheets/sheet1.xml expands" in problem.reason and "the limit is 100 times" in problem.reason


def test_a_workbook_that_expands_past_the_total_is_refused(db, tmp_path, lower_limits):
    lower_limits(xlsx_max_uncompressed_bytes=1024 * 1024, xlsx_max_ratio=10_000)
    problem = only_problem(zip_bomb_xlsx(tmp_path / "bomb.xlsx", inflated_bytes=2_000_000))
    assert "it expands to 1.9 MB, the limit is 1.0 MB" in problem.reason


def test_a_row_of_two_thousand_cells_is_refused_with_the_defaults(db, tmp_path):
    problem = only_problem(wide_row_xlsx(tmp_path / "wide.xlsx", cells=2_000))
    assert (problem.row, problem.column) == (2, None)
    assert "cells beyond column 100" in problem.reason


def test_a_wide_row_is_refused_before_openpyxl_builds_it(db, tmp_path, lower_limits, monkeypatch):
    lower_limits(max_columns=10)
    built = []
    from openpyxl.worksheet import _reader

    # Opening a read-only sheet walks it for its dimension (holding a row's cells); reading parses rows.
    for method in ("parse_dimensions", "parse_row"):
        original = getattr(_reader.WorkSheetParser, method)
        monkeypatch.setattr(
            _reader.WorkSheetParser,
            method,
            lambda self, *args, method=method, original=original: (
                built.append(method) or original(self, *args)
            ),
        )
    problem = only_problem(wide_row_xlsx(tmp_path / "wide.xlsx", cells=11))
    assert problem.row == 2 and "beyond column 10" in problem.reason
    assert built == []  # refused by the scan: openpyxl did not open the sheet


def test_a_cell_in_the_last_column_is_refused(db, tmp_path):
    # openpyxl pads a row to its last cell: one cell in column XFD is a row of 16,384.
    rows = [header_row(), b'<row r="2"><c r="XFD2"><v>1</v></c></row>']
    problem = only_problem(write_xlsx(tmp_path / "far.xlsx", rows))
    assert problem.row == 2 and "beyond column 100" in problem.reason


def test_a_row_numbered_past_the_sheets_limit_is_refused(db, tmp_path):
    rows = [header_row(), b'<row r="2000000"><c r="A2000000"><v>1</v></c></row>']
    problem = only_problem(write_xlsx(tmp_path / "far.xlsx", rows))
    assert "a row numbered 2,000,000; the limit is 1,048,576 rows" in problem.reason


def test_too_many_shared_strings_are_refused(db, tmp_path, lower_limits):
    lower_limits(xlsx_max_shared_strings=1_000)
    problem = only_problem(shared_strings_xlsx(tmp_path / "strings.xlsx", strings=1_001))
    assert "over 1,000 distinct strings" in problem.reason


def test_shared_strings_over_their_size_are_refused(db, tmp_path, lower_limits):
    lower_limits(xlsx_max_shared_strings_bytes=10_000)
    problem = only_problem(shared_strings_xlsx(tmp_path / "strings.xlsx", strings=1_000))
    assert "its shared strings expand to" in problem.reason


def test_shared_strings_within_the_limits_are_read(db, tmp_path):
    strings = [b"<si><t>slug</t></si><si><t>name</t></si>", b"<si><t>a-2024</t></si>"]
    strings.append(b"<si><r><t>Rich </t></r><r><rPr><b/></rPr><t>text</t></r></si>")
    rows = [
        b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>',
        b'<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>',
    ]
    import_file(str(write_xlsx(tmp_path / "ok.xlsx", rows, strings)), ExerciseResource)
    assert Exercise.objects.get().name == "Rich text"


def test_too_many_cells_are_refused_in_an_upload_not_on_the_command_line(db, tmp_path, lower_limits):
    from acsa_db.imports import command_line_limits

    lower_limits(xlsx_max_cells=20)
    rows = [header_row()] + [
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>x-{n}</t></is></c>'
        f'<c r="B{n}" t="inlineStr"><is><t>X</t></is></c></row>'.encode()
        for n in range(2, 14)
    ]
    path = write_xlsx(tmp_path / "long.xlsx", rows)
    assert "the sheet has over 20 cells" in only_problem(path).reason
    import_file(str(path), ExerciseResource, limits=command_line_limits())
    assert Exercise.objects.count() == 12


# -- CSV -------------------------------------------------------------------------------------------
def test_a_csv_row_of_many_cells_is_refused_with_the_defaults(db, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("slug,name\na-2024,A" + "," * 2_000_000 + "\n")
    problem = only_problem(path)
    assert (problem.row, "the row has 2,000,002 cells; the limit is 100") == (2, problem.reason)


def test_a_csv_record_over_the_row_limit_is_refused_before_it_is_read_whole(db, tmp_path, lower_limits):
    lower_limits(max_row_bytes=1_000)
    path = tmp_path / "open-quote.csv"
    # A quote left open: every following line belongs to the same cell.
    path.write_text('slug,name\na-2024,"A\n' + "more text\n" * 500)
    problem = only_problem(path)
    assert problem.row == 2 and "the row is over 1,000 bytes" in problem.reason
    path.write_text("slug,name\na-2024," + "A" * 5_000 + "\n")  # one long line
    assert "the row is over 1,000 bytes" in only_problem(path).reason


def test_a_cell_over_the_limit_is_refused_and_the_csv_modules_limit_restored(db, tmp_path, lower_limits):
    lower_limits(max_cell_chars=100)
    before = csv.field_size_limit()
    path = tmp_path / "long-cell.csv"
    path.write_text("slug,name\na-2024," + "A" * 101 + "\n")
    problems = refused(path)
    assert (2, "not a readable CSV file: field larger than field limit (100)") in {
        (p.row, p.reason) for p in problems
    }
    assert csv.field_size_limit() == before


def test_more_rows_than_an_upload_takes_are_refused_not_on_the_command_line(db, tmp_path, lower_limits):
    from acsa_db.imports import command_line_limits

    lower_limits(max_data_rows=3)
    path = tmp_path / "long.csv"
    path.write_text("slug,name\n" + "".join(f"x-{n},X\n" for n in range(5)))
    problem = only_problem(path)
    assert (problem.row, problem.reason.split(";")[0]) == (
        5,
        "the file has over 3 rows, the limit of an upload",
    )
    import_file(str(path), ExerciseResource, limits=command_line_limits())
    assert Exercise.objects.count() == 5


# -- JSON ------------------------------------------------------------------------------------------
def test_json_nested_200000_deep_is_refused_not_a_500(db, tmp_path):
    problem = only_problem(deep_json(tmp_path / "deep.json"))
    assert (problem.row, problem.reason) == (2, "the JSON nests deeper than 10 levels, the limit")


def test_a_json_number_of_100000_digits_is_refused(db, tmp_path):
    problem = only_problem(long_number_json(tmp_path / "long.json"))
    assert (problem.row, problem.reason) == (2, "a number of 100,000 characters; the limit is 100")


def test_json_numbers_and_lists_within_the_limits_are_read(reference_data, tmp_path):
    path = tmp_path / "ok.json"
    path.write_text(json.dumps([{"slug": "a-2024", "name": "A", "domains": ["air", "sea"], "notes": 2.5}]))
    import_file(str(path), ExerciseResource)
    exercise = Exercise.objects.get()
    assert exercise.notes == "2.5" and sorted(exercise.domains.values_list("code", flat=True)) == [
        "air",
        "sea",
    ]


def test_a_json_object_over_the_row_limit_is_refused(db, tmp_path, lower_limits):
    lower_limits(max_row_bytes=70_000)
    path = tmp_path / "big.json"
    path.write_text(json.dumps([{"slug": "a", "name": "A"}, {"slug": "b", "name": "B" * 200_000}]))
    problem = only_problem(path)
    assert problem.row == 3 and "the object is over" in problem.reason


def test_a_json_value_over_the_cell_limit_is_refused(db, tmp_path, lower_limits):
    lower_limits(max_cell_chars=100)
    path = tmp_path / "long.json"
    path.write_text(json.dumps([{"slug": "a", "name": "A" * 101}]))
    problems = {(p.row, p.column, p.reason) for p in refused(path)}
    assert (2, "name", "the value has 101 characters; the limit is 100") in problems


def test_a_json_object_with_too_many_keys_is_refused(db, tmp_path):
    path = tmp_path / "keys.json"
    path.write_text(json.dumps([{f"k{n}": n for n in range(101)}]))
    assert "the object has 101 keys; the limit is 100" in only_problem(path).reason


# -- the admin and the settings ---------------------------------------------------------------------
def test_a_bomb_uploaded_in_the_admin_gets_the_problem_page(
    client, django_user_model, reference_data, tmp_path
):
    user = django_user_model.objects.create_user("curator-a", is_staff=True)
    user.groups.set(Group.objects.filter(name="curator"))
    client.force_login(user)
    bomb = deep_json(tmp_path / "deep.json").read_bytes()
    response = client.post(
        reverse("admin:acsa_db_exercise_import"),
        {"resource": "0", "format": "2", "import_file": SimpleUploadedFile("deep.json", bomb)},
    )
    assert response.status_code == 200
    assert [p.reason for p in response.context["problems"]] == [
        "the JSON nests deeper than 10 levels, the limit"
    ]


def test_an_unknown_limit_in_the_settings_is_an_error(db, lower_limits):
    from acsa_db.imports import current_limits

    lower_limits(max_colums=10)
    with pytest.raises(ValueError, match="unknown limits \\['max_colums'\\]"):
        current_limits()
