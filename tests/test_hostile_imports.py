"""Malformed import files, generated: refused with the row and column named, nothing written.

A valid exercise file is generated, then broken in one to four places, each in
a way the import must refuse: an unknown country code, a date that is not one,
an end before the start, an over-long or NUL-bearing cell, a truncated row, a
duplicate slug, a missing or unknown column, a non-UTF-8 byte, a formula cell
in a spreadsheet. Every example must be refused with a problem at each broken
(row, column), with nothing written and no other exception. The CI profile runs
a few hundred examples; HYPOTHESIS_PROFILE=long runs 10,000 (docs/reliability.md).
"""

import csv
import io

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acsa_db.imports import ExerciseResource, ImportRefused, import_file
from acsa_db.models import Exercise, ExerciseParticipant

from . import hypothesis_profiles  # noqa: F401  (loads the CI or long profile)

HEADER = ["slug", "name", "series", "start_date", "end_date", "location", "host"]
HOSTS = ["JPN", "AUS", "USA", "cow:345", "GBR"]
FILE_SETTINGS = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None
)

valid_rows = st.lists(
    st.tuples(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=20),
        st.text(min_size=1, max_size=60).filter(lambda s: s.strip() and "\x00" not in s),
        st.sampled_from(["2019-05-04", "2020-07", "2021", "2023-12-31"]),
        st.sampled_from(HOSTS),
    ),
    min_size=1,
    max_size=12,
    unique_by=lambda row: row[0],
)

not_a_date = st.one_of(
    st.sampled_from(
        ["2023-13", "2024-02-30", "24-01-2024", "2024-1", "0000", "1200", "2024-00", "tomorrow", "२०२४"]
    ),
    # (blank cells are not bad dates: an empty start date means "unknown")
    st.text(alphabet="0123456789-/. ", min_size=1, max_size=11).filter(
        lambda s: s.strip() and not _is_partial_date(s)
    ),
)


def _is_partial_date(text):
    from acsa_db.partial_dates import PartialDate

    try:
        PartialDate.parse(text)
    except ValueError:
        return False
    return True


# A mutation breaks one row (or the header) and says where the refusal must point.
mutations = st.one_of(
    st.tuples(st.just("unknown_host"), st.sampled_from(["XYZ", "JP", "AUS1", "cow:9999", "nato"])),
    st.tuples(st.just("bad_start"), not_a_date),
    st.tuples(st.just("end_before_start"), st.just(None)),
    st.tuples(st.just("long_name"), st.integers(min_value=201, max_value=20_000)),
    st.tuples(st.just("nul_in_name"), st.just(None)),
    st.tuples(st.just("truncated"), st.just(None)),
    st.tuples(st.just("duplicate_slug"), st.just(None)),
)
header_mutations = st.sampled_from([None, "missing_name", "extra_column"])


def build_rows(rows):
    return [
        {
            "slug": f"hostile-{slug}",
            "name": name,
            "series": "",
            "start_date": start,
            "end_date": "",
            "location": "",
            "host": host,
        }
        for slug, name, start, host in rows
    ]


def apply(rows, broken):
    """Break the rows; return the (row number, column) each refusal must name."""
    expected = set()
    for index, (kind, value) in broken.items():
        row, number = rows[index], index + 2  # row 1 is the header
        if kind == "unknown_host":
            row["host"] = value
            expected.add((number, "host"))
        elif kind == "bad_start":
            row["start_date"] = value
            expected.add((number, "start_date"))
        elif kind == "end_before_start":
            row["start_date"], row["end_date"] = "2024-03-10", "2024-02"
            expected.add((number, "end_date"))
        elif kind == "long_name":
            row["name"] = "x" * value
            expected.add((number, "name"))
        elif kind == "nul_in_name":
            row["name"] = f"before\x00after{row['name']}"
            expected.add((number, "name"))
        elif kind == "truncated":
            row["_truncated"] = True
            expected.add((number, "name"))
        elif kind == "duplicate_slug":
            # Row i repeats the slug of the first row (or the first repeats the
            # second's). A duplicate is found among rows that are otherwise
            # valid: when the row it repeats is broken too, only that is reported.
            other = 1 if index == 0 else 0
            if other < len(rows):
                row["slug"] = rows[other]["slug"]
                if other not in broken:
                    expected.add((max(index, other) + 2, "slug"))
    return expected


def to_csv(header, rows, encoding="utf-8"):
    out = io.StringIO()
    writer = csv.writer(out)  # CRLF rows: a lone CR or LF inside a cell gets quoted
    writer.writerow(header)
    for row in rows:
        cells = [row.get(column, "") for column in header]
        writer.writerow(cells[:1] if row.get("_truncated") else cells)
    return out.getvalue().encode(encoding)


def refused_at(data, name):
    with pytest.raises(ImportRefused) as caught:
        import_file(data, ExerciseResource, name=name)
    return caught.value.problems


def assert_nothing_written():
    assert not Exercise.objects.exists()
    assert not ExerciseParticipant.objects.exists()


@FILE_SETTINGS
@given(rows=valid_rows, data=st.data(), header_change=header_mutations)
def test_broken_csv_files_are_refused_where_they_are_broken(reference_data, rows, data, header_change):
    rows = build_rows(rows)
    header = list(HEADER)
    if header_change == "missing_name":
        header.remove("name")
        expected = {(1, "name")}
    elif header_change == "extra_column":
        header.append("favourite_colour")
        expected = {(1, "favourite_colour")}
    else:
        indexes = data.draw(st.sets(st.integers(0, len(rows) - 1), min_size=1, max_size=min(4, len(rows))))
        broken = {index: data.draw(mutations) for index in sorted(indexes)}
        expected = apply(rows, broken)
        if not expected:  # a lone duplicate needs a second row to clash with
            rows[0]["host"] = "XYZ"
            expected = {(2, "host")}
    problems = refused_at(to_csv(header, rows), "hostile.csv")
    located = {(p.row, p.column) for p in problems}
    assert expected <= located, (expected, [str(p) for p in problems])
    assert all(p.row is not None and p.reason for p in problems)
    assert_nothing_written()


@FILE_SETTINGS
@given(
    rows=valid_rows, data=st.data(), encoding=st.sampled_from(["latin-1", "cp1252", "utf-16", "shift_jis"])
)
def test_files_in_another_encoding_are_refused_at_the_first_bad_row(reference_data, rows, data, encoding):
    rows = build_rows(rows)
    for row in rows:  # only the chosen row has characters outside ASCII
        row["name"] = row["name"].encode("ascii", "replace").decode() or "x"
    index = data.draw(st.integers(0, len(rows) - 1))
    # Representable in the encoding, and never the same bytes as in UTF-8.
    rows[index]["name"] = "日本の演習" if encoding in ("shift_jis", "utf-16") else "Exercice aérien"
    payload = to_csv(HEADER, rows, encoding=encoding)
    problems = refused_at(payload, "hostile.csv")
    assert problems and all(p.reason for p in problems)
    if encoding in ("latin-1", "cp1252", "shift_jis"):
        assert any(p.row == index + 2 for p in problems), [str(p) for p in problems]
    assert_nothing_written()


@FILE_SETTINGS
@given(
    rows=valid_rows,
    data=st.data(),
    formula=st.sampled_from(["=1+1", "=SUM(A1:A3)", '=HYPERLINK("http://x")', "=NOW()"]),
)
def test_spreadsheets_with_formulas_are_refused_at_the_formula(reference_data, rows, data, formula):
    rows = build_rows(rows)
    for row in rows:  # a spreadsheet cannot hold control characters at all
        row["name"] = "".join(ch for ch in row["name"] if ch.isprintable()) or "x"
    index = data.draw(st.integers(0, len(rows) - 1))
    column = data.draw(st.sampled_from(["name", "location", "series"]))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for number, row in enumerate(rows):
        cells = [row[c] for c in HEADER]
        sheet.append(cells)
        if number == index:
            sheet.cell(row=number + 2, column=HEADER.index(column) + 1, value=formula)
    out = io.BytesIO()
    workbook.save(out)
    problems = refused_at(out.getvalue(), "hostile.xlsx")
    assert (index + 2, column) in {(p.row, p.column) for p in problems}, [str(p) for p in problems]
    assert_nothing_written()


@FILE_SETTINGS
@given(payload=st.binary(max_size=400))
def test_arbitrary_bytes_never_crash_the_import(reference_data, payload):
    # Random bytes are almost never a valid exercise file; when by chance they are, a row is written.
    try:
        import_file(payload, ExerciseResource, name="noise.csv")
    except ImportRefused as refusal:
        assert refusal.problems and all(p.reason for p in refusal.problems)
        assert_nothing_written()
