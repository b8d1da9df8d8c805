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

from acsa_db.models import Source
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
    expected |= {"datapackage.json", "CODEBOOK.md", "SHA256SUMS"}
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
            keys = [row[header.index(schema["primaryKey"])] for row in rows]
            assert len(set(keys)) == len(keys)
        for foreign_key in schema.get("foreignKeys", []):
            reference = foreign_key["reference"]
            target_header, *target_rows = tables[reference["resource"]]
            targets = {row[target_header.index(reference["fields"])] for row in target_rows}
            values = {row[header.index(foreign_key["fields"])] for row in rows} - {""}
            assert values <= targets, (resource["name"], foreign_key)


def test_unknown_is_an_empty_cell_never_zero(exported):
    status = {row[1]: row for row in read_csv(exported / "agreement_status.csv")[1:]}
    header = read_csv(exported / "agreement_status.csv")[0]
    france = dict(zip(header, status["raa-jpn-fra"], strict=True))
    # The Japan–France RAA is under negotiation: no signature, no entry into force.
    assert france["entry_into_force_date"] == "" and france["entry_into_force_date_precision"] == ""
    assert france["signature_date"] == "" and france["signature_date_latest"] == ""
    # No source gives the 1996 Japan–US ACSA's entry into force: it is inferred, and says so.
    us_1996 = dict(zip(header, status["acsa-jpn-usa-1996"], strict=True))
    assert (
        us_1996["entry_into_force_date"],
        us_1996["entry_into_force_basis"],
        us_1996["in_force_inferred"],
    ) == (
        "1998-04-28",
        "amendment",
        "1",
    )
    assert us_1996["signature_date"] == "1996-04-15" and us_1996["signature_date_precision"] == "day"
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


def test_every_view_is_exported_in_the_order_of_its_primary_key():
    """A view ordered by a column that does not identify its rows exports in any order: two
    exports of the same data (after a restore, say) would differ."""
    from acsa_db.sql.catalog import VIEWS
    from acsa_db.sql.export import VIEW_ORDER

    for view in VIEWS:
        assert set(VIEW_ORDER[view.name]) == set(view.primary_key), view.name
