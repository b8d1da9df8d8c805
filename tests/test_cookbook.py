"""The query cookbook (docs/queries/): every query runs unchanged and returns its documented result.

Each file is plain SQL a researcher pastes into psql or sqlite3, followed by
its expected result on the seeded data as a comment table. The tests load the
seeded data set once per module (inside a transaction that is rolled back),
run each file as written, and compare every cell, in order.
"""

import datetime
import decimal
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

QUERIES_DIR = Path(settings.BASE_DIR) / "docs" / "queries"
QUERY_FILES = sorted(QUERIES_DIR.glob("*.sql"))
EXPECTED_MARKER = "-- Expected result"
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def text(value):
    """A cell as the expected tables write it: empty for NULL, ISO dates, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float | decimal.Decimal) and value == int(value):
        return str(int(value))
    return str(value)


def split_query_file(path):
    """The SQL statement of a cookbook file, and its expected result as (columns, rows) of text."""
    content = path.read_text(encoding="utf-8")
    sql, marker, expected = content.partition(EXPECTED_MARKER)
    assert marker, f"{path.name} has no '{EXPECTED_MARKER}' block"
    table = [line[2:].strip() for line in expected.splitlines()[1:] if line.startswith("-- |")]
    cells = [[cell.strip().replace("\\|", "|") for cell in _CELL_SPLIT.split(line)[1:-1]] for line in table]
    columns, rows = cells[0], [row for row in cells[2:]]
    return sql.strip().rstrip(";"), columns, rows


def run(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)  # no parameters: the SQL runs exactly as written in the file
        columns = [column[0] for column in cursor.description]
        return columns, [[text(value) for value in row] for row in cursor.fetchall()]


def markdown_table(columns, rows):
    """The expected-result block for a file, as the cookbook writes it (used to draft new entries)."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(f"-- {line}" for line in lines)


def test_the_cookbook_has_at_least_twelve_questions_each_listed_in_its_index():
    assert len(QUERY_FILES) >= 12
    index = (QUERIES_DIR / "README.md").read_text(encoding="utf-8")
    for path in QUERY_FILES:
        assert f"]({path.name})" in index, f"{path.name} is missing from docs/queries/README.md"


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda path: path.stem)
def test_each_file_starts_with_its_question_and_ends_with_its_expected_result(path):
    sql, columns, rows = split_query_file(path)
    assert path.read_text(encoding="utf-8").startswith("-- ")
    assert sql.upper().lstrip().count("SELECT") >= 1
    assert columns and all(len(row) == len(columns) for row in rows)


@pytest.mark.django_db
@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda path: path.stem)
def test_each_query_returns_its_documented_result(seeded_data_set, path):
    sql, expected_columns, expected_rows = split_query_file(path)
    columns, rows = run(sql)
    assert columns == expected_columns
    assert rows == expected_rows, f"{path.name} returned:\n{markdown_table(columns, rows)}"
