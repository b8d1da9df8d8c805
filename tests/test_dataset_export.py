"""export_dataset: CSV for every published table and view, a codebook, datapackage.json and checksums.

The export is read back the way a researcher's tools would: the csv module
with no options (what read.csv, import delimited and read_csv assume), the
package's own schema for types and keys, and sha256sum for the checksums.
"""

import csv
import datetime
import hashlib
import json
import re
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from acsa_db.imports import unescape_formula
from acsa_db.models import Agreement, Source
from acsa_db.sql import view_names
from acsa_db.sql.catalog import data_tables
from acsa_db.sql.export import DATASET_VERSION

FRICTIONLESS_TYPES = {"integer", "number", "string", "boolean", "date", "datetime"}
# What R (na.strings) and pandas (na_values) read as missing unless told otherwise.
NA_LIKE = {"NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "None", "#N/A", "<NA>", "-NaN", "-nan"}
STATA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,31}$")


@pytest.fixture
def exported(seeded_data_set, db, tmp_path):
    outdir = tmp_path / "dataset"
    call_command("export_dataset", str(outdir), verbosity=0)
    return outdir


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def package(outdir):
    return json.loads((outdir / "datapackage.json").read_text(encoding="utf-8"))


def count(relation):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {relation}")
        return cursor.fetchone()[0]


def test_every_published_table_and_view_is_a_csv_file_beside_the_metadata(exported):
    expected = {f"{name}.csv" for name in data_tables() + list(view_names())}
    expected |= {"datapackage.json", "CODEBOOK.md", "SHA256SUMS", "acsa_db.do"}
    assert {path.name for path in exported.iterdir()} == expected
    assert "auth_user.csv" not in expected and "agreement_history.csv" not in expected


def test_each_csv_has_a_header_and_every_row_one_line(exported):
    for resource in package(exported)["resources"]:
        path = exported / resource["path"]
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), f"{path.name} starts with a byte-order mark"
        rows = read_csv(path)
        assert rows[0] == [field["name"] for field in resource["schema"]["fields"]]
        assert len(rows) - 1 == count(resource["name"]), path.name
        # One physical line per record: Stata's default reading binds quotes within a line.
        assert raw.count(b"\n") == len(rows), path.name


def test_column_names_are_valid_stata_r_and_python_names(exported):
    for resource in package(exported)["resources"]:
        for field in resource["schema"]["fields"]:
            assert STATA_NAME.match(field["name"]), (resource["name"], field["name"])


def test_values_match_their_declared_types_keys_and_codes(exported):
    """Read every file with its schema, as a Frictionless or typed pandas reader would."""
    descriptor = package(exported)
    tables = {resource["name"]: read_csv(exported / resource["path"]) for resource in descriptor["resources"]}
    for resource in descriptor["resources"]:
        schema = resource["schema"]
        assert schema["missingValues"] == [""]
        header, *rows = tables[resource["name"]]
        for position, field in enumerate(schema["fields"]):
            assert field["type"] in FRICTIONLESS_TYPES, field
            values = [row[position] for row in rows]
            present = [value for value in values if value != ""]
            constraints = field.get("constraints", {})
            if constraints.get("required"):
                assert len(present) == len(values), (resource["name"], field["name"])
            if constraints.get("unique"):
                assert len(set(present)) == len(present), (resource["name"], field["name"])
            if "enum" in constraints:
                assert set(present) <= set(constraints["enum"]), (resource["name"], field["name"])
            if "pattern" in constraints:
                assert all(re.fullmatch(constraints["pattern"], v) for v in present), (
                    resource["name"],
                    field["name"],
                )
            for value in present:
                if field["type"] == "integer":
                    int(value)
                elif field["type"] == "date":
                    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), (field["name"], value)
                    datetime.date.fromisoformat(value)
                elif field["type"] == "datetime":
                    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", value), (
                        field["name"],
                        value,
                    )
        if "primaryKey" in schema:
            key = schema["primaryKey"]
            positions = [header.index(name) for name in ([key] if isinstance(key, str) else key)]
            keys = [tuple(row[position] for position in positions) for row in rows]
            assert len(set(keys)) == len(keys), resource["name"]
        for foreign_key in schema.get("foreignKeys", []):
            reference = foreign_key["reference"]
            target_header, *target_rows = tables[reference["resource"]]
            targets = {row[target_header.index(reference["fields"])] for row in target_rows}
            values = {row[header.index(foreign_key["fields"])] for row in rows} - {""}
            assert values <= targets, (resource["name"], foreign_key)


def test_unknown_is_an_empty_cell_never_zero(exported):
    status = {row[1]: row for row in read_csv(exported / "agreement_status.csv")[1:]}
    header = read_csv(exported / "agreement_status.csv")[0]
    nzl = dict(zip(header, status["acsa-jpn-nzl-2025"], strict=True))
    # No source gives the Japan–New Zealand ACSA's entry into force.
    assert nzl["entry_into_force_date"] == "" and nzl["entry_into_force_date_precision"] == ""
    assert nzl["signature_date"] == "2025-12-19" and nzl["signature_date_precision"] == "day"
    france = dict(zip(header, status["raa-jpn-fra"], strict=True))
    # The Japan–France RAA is under negotiation: no signature, no entry into force.
    assert france["entry_into_force_date"] == "" and france["entry_into_force_date_precision"] == ""
    assert france["signature_date"] == "" and france["signature_date_latest"] == ""
    # Every NULL in the database is an empty cell in the file, column by column.
    header, *rows = read_csv(exported / "country.csv")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM country WHERE cow_code IS NULL")
        (no_cow_code,) = cursor.fetchone()
    assert no_cow_code > 0
    assert sum(1 for row in rows if row[header.index("cow_code")] == "") == no_cow_code
    assert "0" not in {row[header.index("cow_code")] for row in rows}


def test_dates_keep_their_precision_column(exported):
    header, *rows = read_csv(exported / "agreement_event.csv")
    by_precision = {row[header.index("date_precision")] for row in rows}
    assert {"day", "month", "year", ""} <= by_precision
    for row in rows:
        date, precision = row[header.index("date")], row[header.index("date_precision")]
        assert (date == "") == (precision == "")
        if precision == "year":
            assert date.endswith("-01-01")


def test_line_breaks_inside_text_become_spaces(seeded_data_set, db, tmp_path):
    Source.objects.filter(slug="origin-article").update(notes="First line.\nSecond line.\r\nThird.")
    call_command("export_dataset", str(tmp_path / "out"), verbosity=0)
    header, *rows = read_csv(tmp_path / "out" / "source.csv")
    (notes,) = [row[header.index("notes")] for row in rows if row[header.index("slug")] == "origin-article"]
    assert notes == "First line. Second line. Third."


def test_no_cell_reads_as_missing_in_r_or_pandas_except_the_documented_one(exported):
    found = []
    for path in sorted(exported.glob("*.csv")):
        header, *rows = read_csv(path)
        for row in rows:
            for name, value in zip(header, row, strict=True):
                if value in NA_LIKE:
                    found.append((path.name, name, value))
    # Namibia's ISO alpha-2 code; the codebook tells R and pandas users how to keep it.
    assert found == [("country.csv", "iso2", "NA")]
    assert "Namibia's ISO alpha-2 code is `NA`" in (exported / "CODEBOOK.md").read_text(encoding="utf-8")


def test_checksums_verify_for_every_file(exported):
    lines = (exported / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = {}
    for line in lines:
        digest, name = line.split("  ", 1)
        listed[name] = digest
    assert set(listed) == {path.name for path in exported.iterdir()} - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256((exported / name).read_bytes()).hexdigest() == digest, name
    if shutil.which("sha256sum"):
        result = subprocess.run(
            ["sha256sum", "-c", "SHA256SUMS"], cwd=exported, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_a_changed_file_fails_its_checksum(exported):
    path = exported / "agreement.csv"
    path.write_bytes(path.read_bytes().replace(b"acsa-jpn-deu-2024", b"acsa-jpn-deu-2025", 1))
    digest = dict(
        reversed(line.split("  ", 1)) for line in (exported / "SHA256SUMS").read_text().splitlines()
    )
    assert hashlib.sha256(path.read_bytes()).hexdigest() != digest["agreement.csv"]


def test_the_package_is_stamped_with_the_dataset_version_and_describes_each_file(exported):
    descriptor = package(exported)
    assert descriptor["profile"] == "tabular-data-package"
    assert descriptor["version"] == DATASET_VERSION
    created = datetime.datetime.fromisoformat(descriptor["created"].replace("Z", "+00:00"))
    assert abs(datetime.datetime.now(datetime.UTC) - created) < datetime.timedelta(minutes=10)
    assert descriptor["acsa_db"]["views_version"] == "v3"
    assert descriptor["acsa_db"]["schema_migration"].startswith("00")
    for resource in descriptor["resources"]:
        path = exported / resource["path"]
        assert resource["bytes"] == path.stat().st_size
        assert resource["hash"] == "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
        assert resource["encoding"] == "utf-8" and resource["format"] == "csv"
        assert resource["description"]
        assert all(field["description"] for field in resource["schema"]["fields"]), resource["name"]


def test_the_codebook_gives_version_coverage_definitions_and_every_file(exported):
    codebook = (exported / "CODEBOOK.md").read_text(encoding="utf-8")
    assert f"Dataset version **{DATASET_VERSION}**" in codebook
    assert "## Coverage" in codebook and "1996" in codebook
    assert "in force in a year when it entered into force" in codebook
    for resource in package(exported)["resources"]:
        assert f"| `{resource['path']}` | {count(resource['name'])} |" in codebook
        assert f"### `{resource['name']}`" in codebook


def test_the_codebook_lists_the_coverage_table_the_counts_read_and_unknown_counts_are_empty(exported):
    codebook = (exported / "CODEBOOK.md").read_text(encoding="utf-8")
    assert "| type | focal state | scope | first covered | last covered | notes |" in codebook
    assert "| ACSA | JPN | Japan's agreements" in codebook
    assert "| 1996-01-01 | 2026-01-15 |" in codebook and "| 2007-01-01 | 2026-01-27 |" in codebook
    with open(exported / "dyad_year.csv", newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["iso3_1"] == "USA" and row["iso3_2"] == "JPN"]
    row_2000 = next(row for row in rows if row["year"] == "2000")
    # SOFA is not collected: unknown, an empty cell, never 0; the ACSA inferred in force from its 1998 amendment.
    assert (row_2000["sofa_in_force"], row_2000["isa_in_force"], row_2000["acsa_in_force"]) == ("", "", "1")
    assert max(int(row["year"]) for row in rows) == 2026


def test_two_exports_of_the_same_data_are_the_same_files(seeded_data_set, db, tmp_path):
    call_command("export_dataset", str(tmp_path / "a"), verbosity=0)
    call_command("export_dataset", str(tmp_path / "b"), verbosity=0)
    for path in (tmp_path / "a").glob("*.csv"):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


@pytest.mark.django_db
def test_export_refuses_a_directory_that_is_not_empty(tmp_path):
    (tmp_path / "old.csv").write_text("x\n")
    with pytest.raises(CommandError, match="not empty"):
        call_command("export_dataset", str(tmp_path), verbosity=0)
    assert [path.name for path in tmp_path.iterdir()] == ["old.csv"]


# --- Formulas: faithful by default, escaped on request (issue 16, point 11) ----------------------

FORMULAS = {
    "title": '=HYPERLINK("https://example.org/x","click")',
    "publisher": "+1+cmd|' /C calc'!A0",
    "notes": "@SUM(1,1)",
    "authors": "\t=1+1",
}
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def formulas(seeded_data_set, db):
    Source.objects.filter(slug="origin-article").update(**FORMULAS)
    Agreement.objects.filter(slug="acsa-jpn-deu-2024").update(short_title="-2+3 ACSA")


def cells_by_column(outdir):
    """{(file, column): [cells]} of every CSV file of an export."""
    found = {}
    for path in sorted(outdir.glob("*.csv")):
        header, *rows = read_csv(path)
        for position, name in enumerate(header):
            found[(path.name, name)] = [row[position] for row in rows]
    return found


def test_the_dataset_keeps_formula_text_exactly_by_default(formulas, tmp_path):
    call_command("export_dataset", str(tmp_path / "out"), verbosity=0)
    header, *rows = read_csv(tmp_path / "out" / "source.csv")
    (row,) = [row for row in rows if row[header.index("slug")] == "origin-article"]
    for name, text in FORMULAS.items():
        assert row[header.index(name)] == text
    assert "-2+3 ACSA" in cells_by_column(tmp_path / "out")[("agreement_status.csv", "short_title")]
    assert package(tmp_path / "out")["acsa_db"]["formulas_escaped"] is False


def test_escape_formulas_prefixes_every_such_text_cell_and_nothing_else(formulas, tmp_path):
    call_command("export_dataset", str(tmp_path / "plain"), verbosity=0)
    call_command("export_dataset", str(tmp_path / "safe"), "--escape-formulas", verbosity=0)
    plain, safe = cells_by_column(tmp_path / "plain"), cells_by_column(tmp_path / "safe")
    assert plain.keys() == safe.keys()
    for key, cells in safe.items():
        assert not [c for c in cells if c.startswith(TRIGGERS)], key
        # Removing one apostrophe gives the stored text back, cell for cell.
        assert [unescape_formula(c) for c in cells] == plain[key], key
    header, *rows = read_csv(tmp_path / "safe" / "source.csv")
    (row,) = [row for row in rows if row[header.index("slug")] == "origin-article"]
    assert [row[header.index(name)] for name in FORMULAS] == ["'" + text for text in FORMULAS.values()]
    assert "'-2+3 ACSA" in safe[("agreement_status.csv", "short_title")]
    # Numbers and dates are left as they are.
    assert safe[("country.csv", "cow_code")] == plain[("country.csv", "cow_code")]
    assert package(tmp_path / "safe")["acsa_db"]["formulas_escaped"] is True
    assert "written with `--escape-formulas`" in (tmp_path / "safe" / "CODEBOOK.md").read_text()


def test_every_cell_a_spreadsheet_would_run_is_in_a_column_listed_as_free_text(formulas, tmp_path):
    call_command("export_dataset", str(tmp_path / "out"), verbosity=0)
    descriptor = package(tmp_path / "out")
    free = {
        (resource["path"], field["name"])
        for resource in descriptor["resources"]
        for field in resource["schema"]["fields"]
        if field.get("freeText")
    }
    running = {
        key
        for key, cells in cells_by_column(tmp_path / "out").items()
        if any(c.startswith(TRIGGERS) for c in cells)
    }
    assert running and running <= free
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            # Free text is text with no list of values and no pattern.
            if field.get("freeText"):
                assert field["type"] == "string" and not {"enum", "pattern"} & set(
                    field.get("constraints", {})
                )
    codebook = (tmp_path / "out" / "CODEBOOK.md").read_text(encoding="utf-8")
    assert "## Opening the files in a spreadsheet" in codebook
    (line,) = [line for line in codebook.splitlines() if line.startswith("| `source.csv` | `")]
    for name in FORMULAS:
        assert f"`{name}`" in line
    assert "| `calendar_year.csv` | none |" in codebook


# --- Keys, codes and the Stata do-file (issue 17, point 11) ---------------------------------------


def test_every_view_declares_a_primary_key_of_its_own_columns():
    from acsa_db.sql.catalog import VIEWS

    for view in VIEWS:
        assert view.primary_key, f"{view.name} declares no primary_key in catalog.py"
        assert set(view.primary_key) <= {column.name for column in view.columns}, view.name


def test_every_resource_has_a_primary_key_unique_and_never_empty_in_the_database(exported):
    for resource in package(exported)["resources"]:
        key = resource["schema"].get("primaryKey")
        assert key, resource["name"]
        columns = [key] if isinstance(key, str) else key
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM (SELECT {quoted} FROM {resource['name']} GROUP BY {quoted} "
                "HAVING COUNT(*) > 1) AS repeated"
            )
            assert cursor.fetchone() == (0,), (resource["name"], columns)
            nulls = " OR ".join(f"{connection.ops.quote_name(c)} IS NULL" for c in columns)
            cursor.execute(f"SELECT COUNT(*) FROM {resource['name']} WHERE {nulls}")
            assert cursor.fetchone() == (0,), (resource["name"], columns)
    views = {r["name"]: r["schema"]["primaryKey"] for r in package(exported)["resources"]}
    assert views["dyad_year"] == ["country1_id", "country2_id", "year"]
    assert views["country"] == "id"


def test_codes_with_leading_zeros_are_strings_with_their_pattern(exported):
    (country,) = [r for r in package(exported)["resources"] if r["name"] == "country"]
    fields = {field["name"]: field for field in country["schema"]["fields"]}
    assert fields["iso_numeric"]["type"] == "string"
    assert fields["iso_numeric"]["constraints"]["pattern"] == "^[0-9]{3}$"
    header, *rows = read_csv(exported / "country.csv")
    by_iso3 = {row[header.index("iso3")]: row for row in rows}
    assert by_iso3["AUS"][header.index("iso_numeric")] == "036"


STATA_NAME_LIMIT, STATA_LABEL_LIMIT = 32, 80
QUOTED = r'"([^"`$]*(?:\\\$[^"`$]*)*)"'  # a Stata string with no macro to expand


def inserted_after(columns, after, name, values):
    """``columns`` with ``name`` placed right after ``after`` (Stata's ``generate ..., after()``)."""
    assert after in columns and name not in columns
    placed = {}
    for key, cells in columns.items():
        placed[key] = cells
        if key == after:
            placed[name] = values
    return placed


def run_do_file(outdir):
    """Run the do-file's commands on the CSV files as Stata would; {dta file: dataset}.

    Stata is not installed here (nor in CI): this reads the file command by command, refuses any
    command it does not know, and applies each to the data, with Stata's limits on names and labels.
    """
    saved = {}
    data = None
    for line in (outdir / "acsa_db.do").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("*") or line in ("version 16", "set more off"):
            continue
        if m := re.fullmatch(
            r'import delimited using "(\w+\.csv)", clear varnames\(1\) encoding\("utf-8"\) '
            r"case\(preserve\)(?: stringcols\(([\d ]+)\))?",
            line,
        ):
            header, *rows = read_csv(outdir / m[1])
            text_positions = {int(n) for n in (m[2] or "").split()}
            data = {"columns": {}, "labels": {}, "value_labels": {}, "variable_labels": {}, "dates": set()}
            for position, name in enumerate(header, 1):
                cells = [row[position - 1] for row in rows]
                # A column not read as text must hold numbers only, or Stata would guess it differently.
                data["columns"][name] = (
                    cells if position in text_positions else [int(c) if c else None for c in cells]
                )
        elif m := re.fullmatch(r"label define (\w+) (.*), replace", line):
            pairs = re.findall(r"(\d+) " + QUOTED, m[2])
            assert " ".join(f'{n} "{t}"' for n, t in pairs) == m[2], line
            data["labels"][m[1]] = {int(n): t for n, t in pairs}
        elif m := re.fullmatch(r"rename (\w+) (\w+)", line):
            data["columns"] = {m[2] if k == m[1] else k: v for k, v in data["columns"].items()}
        elif m := re.fullmatch(r"generate byte (\w+) = \., after\((\w+)\)", line):
            data["columns"] = inserted_after(data["columns"], m[2], m[1], [None] * len(data["columns"][m[2]]))
        elif m := re.fullmatch(r"replace (\w+) = (\d+) if (\w+) == " + QUOTED, line):
            source = data["columns"][m[3]]
            data["columns"][m[1]] = [
                int(m[2]) if s == m[4] else v for s, v in zip(source, data["columns"][m[1]], strict=True)
            ]
        elif m := re.fullmatch(r'assert !missing\((\w+)\) if (\w+) != ""', line):
            pairs = zip(data["columns"][m[1]], data["columns"][m[2]], strict=True)
            assert all(value is not None for value, text in pairs if text != ""), line
        elif m := re.fullmatch(r'generate long (\w+) = date\((\w+), "YMD"\), after\((\w+)\)', line):
            dates = [datetime.date.fromisoformat(c) if c else None for c in data["columns"][m[2]]]
            data["columns"] = inserted_after(data["columns"], m[3], m[1], dates)
        elif m := re.fullmatch(r"drop (\w+)", line):
            del data["columns"][m[1]]
        elif m := re.fullmatch(r"format (\w+) %td", line):
            data["dates"].add(m[1])
        elif m := re.fullmatch(r"label values (\w+) (\w+)", line):
            assert m[1] in data["columns"] and m[2] in data["labels"], line
            data["value_labels"][m[1]] = m[2]
        elif m := re.fullmatch(r"label variable (\w+) " + QUOTED, line):
            assert m[1] in data["columns"] and len(m[2]) <= STATA_LABEL_LIMIT, line
            data["variable_labels"][m[1]] = m[2]
        elif m := re.fullmatch(r"label data " + QUOTED, line):
            assert len(m[1]) <= STATA_LABEL_LIMIT, line
        elif m := re.fullmatch(r'save "(\w+\.dta)", replace', line):
            saved[m[1]] = data
        else:
            pytest.fail(f"a command the do-file should not hold: {line!r}")
    return saved


def test_the_stata_do_file_reads_every_file_with_labels_and_value_labels(exported):
    saved = run_do_file(exported)
    descriptor = package(exported)
    assert set(saved) == {resource["name"] + ".dta" for resource in descriptor["resources"]}
    for resource in descriptor["resources"]:
        data = saved[resource["name"] + ".dta"]
        fields = resource["schema"]["fields"]
        # Same variables, in the same order, each with a label.
        assert list(data["columns"]) == [field["name"] for field in fields], resource["name"]
        assert set(data["variable_labels"]) == set(data["columns"])
        for field in fields:
            assert len(field["name"]) <= STATA_NAME_LIMIT
            values = data["columns"][field["name"]]
            if "enum" in field.get("constraints", {}):
                # Every coded column has value labels, numbered in the order of its values.
                labels = data["labels"][data["value_labels"][field["name"]]]
                assert len(labels) == len(field["constraints"]["enum"])
                assert all(value is None or value in labels for value in values)
            elif field["type"] == "date":
                assert field["name"] in data["dates"]
            elif field["type"] == "string":
                assert all(isinstance(value, str) for value in values), (resource["name"], field["name"])
    country = saved["country.dta"]["columns"]
    australia = country["iso3"].index("AUS")
    assert country["iso_numeric"][australia] == "036" and country["cow_code"][australia] == 900
    agreement = saved["agreement.dta"]
    assert agreement["labels"]["review_status"] == {
        1: "draft",
        2: "needs review",
        3: "verified",
        4: "disputed",
    }
    event = saved["agreement_event.dta"]
    assert {1: "day", 2: "month", 3: "year"} == event["labels"][event["value_labels"]["date_precision"]]
    assert datetime.date(2024, 1, 29) in saved["agreement_event.dta"]["columns"]["date"]
    status = saved["agreement_status.dta"]
    assert "in force" in status["labels"]["status"].values()


def test_stata_text_cannot_expand_a_macro_or_end_its_string():
    from acsa_db.sql.stata import stata_text

    text = stata_text('Costs in $USD `local\' and "quotes"' + " x" * 100)
    assert '"' not in text and "`" not in text and "$USD" not in text.replace("\\$", "")
    assert len(text) <= STATA_LABEL_LIMIT
