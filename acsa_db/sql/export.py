"""The dataset export: every published table and view as CSV, with a codebook,
datapackage.json (Frictionless Data) and SHA-256 checksums.

The CSV files follow what R (read.csv, readr), Stata (import delimited) and
pandas (read_csv) read without options: UTF-8 without a byte-order mark, a
header row, commas, double quotes only where needed, ISO 8601 dates, an empty
cell for a missing value (never 0 or a placeholder), and one line per record:
line breaks inside text become spaces, because Stata's default reading binds
quotes within a line only.
"""

import csv
import datetime
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder

from . import CURRENT_VERSION
from .catalog import IN_FORCE_DEFINITION
from .dictionary import CONVENTIONS, coverage_text, relation_markdown, relations

# The version of the published data set: raise it when a release changes what
# the files hold (new columns, new definitions) or marks a new curated state.
DATASET_VERSION = "0.1.0"

DATASET_NAME = "acsa-db"
DATASET_TITLE = "ACSA DB: Japan's defense cooperation agreements, exercises and their sources"

CHECKSUMS = "SHA256SUMS"
CODEBOOK = "CODEBOOK.md"
DATAPACKAGE = "datapackage.json"

# Rows in a stable order, so that two exports of the same data are the same files.
VIEW_ORDER = {
    "calendar_year": ("year",),
    "agreement_status": ("agreement_id",),
    "agreement_dyad": ("agreement_id", "country1_id", "country2_id"),
    "dyad_year_agreement": ("country1_id", "country2_id", "year", "agreement_id"),
    "dyad_year": ("country1_id", "country2_id", "year"),
    "dyad_year_directed": ("country1_id", "country2_id", "year"),
    "exercise_dyad": ("exercise_id", "country1_id", "country2_id"),
    "citation_coverage": ("record_type", "record_id"),
    "calendar_month": ("year", "month"),
    "coverage_year": ("year", "type_code", "focal_country_id"),
    "agreement_lineage": ("agreement_id",),
    "state_year": ("year", "ccode"),
    "dyad_year_panel": ("year", "ccode1", "ccode2"),
}


@dataclass(frozen=True)
class ExportedFile:
    name: str
    relation: object  # dictionary.RelationDoc
    rows: int
    sha256: str
    bytes: int


def cell(value):
    """One value as the CSV writes it: empty for NULL, ISO 8601 for dates, one line for text."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC).replace(tzinfo=None)
        return value.isoformat(timespec="seconds") + "Z"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return " ".join(value.splitlines()) if ("\n" in value or "\r" in value) else value
    return str(value)


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_csv(connection, relation, path):
    quote = connection.ops.quote_name
    columns = [column.name for column in relation.columns]
    order = VIEW_ORDER.get(relation.name, (relation.primary_key,) if relation.primary_key else columns[:1])
    sql = (
        f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(relation.name)} "
        f"ORDER BY {', '.join(quote(c) for c in order)}"
    )
    rows = 0
    # A server-side cursor on PostgreSQL (psycopg2's ordinary cursor holds the whole result in
    # memory before the first fetch): memory stays at one batch, whatever the table's size.
    with open(path, "w", encoding="utf-8", newline="") as handle, connection.chunked_cursor() as cursor:
        writer = csv.writer(handle)
        writer.writerow(columns)
        cursor.execute(sql)
        while batch := cursor.fetchmany(2000):
            writer.writerows([cell(value) for value in row] for row in batch)
            rows += len(batch)
    return rows


def _schema_field(column):
    field = {"name": column.name, "type": column.type, "description": column.description}
    if column.type == "date":
        field["format"] = "default"  # ISO 8601: YYYY-MM-DD
    constraints = {}
    if column.required:
        constraints["required"] = True
    if column.unique:
        constraints["unique"] = True
    if column.values:
        constraints["enum"] = [value for value, _label in column.values]
    if constraints:
        field["constraints"] = constraints
    return field


def _resource(exported):
    relation = exported.relation
    schema = {
        "fields": [_schema_field(column) for column in relation.columns],
        "missingValues": [""],
    }
    if relation.primary_key:
        schema["primaryKey"] = relation.primary_key
    foreign_keys = [
        {
            "fields": column.name,
            "reference": {
                "resource": column.references.split(".")[0],
                "fields": column.references.split(".")[1],
            },
        }
        for column in relation.columns
        if column.references
    ]
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return {
        "profile": "tabular-data-resource",
        "name": relation.name,
        "path": exported.name,
        "title": f"{relation.name} ({relation.kind})",
        "description": " ".join(part for part in (relation.summary, relation.details) if part),
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": exported.bytes,
        "hash": f"sha256:{exported.sha256}",
        "dialect": {"delimiter": ",", "doubleQuote": True, "lineTerminator": "\r\n", "header": True},
        "schema": schema,
    }


def _datapackage(files, stamp):
    return {
        "profile": "tabular-data-package",
        "name": DATASET_NAME,
        "title": DATASET_TITLE,
        "version": DATASET_VERSION,
        "created": stamp["created"],
        "description": (
            "Japan's Acquisition and Cross-Servicing Agreements and the defense cooperation around them "
            "(reciprocal access, information security, partnership programmes, exercises), every fact "
            "tied to its sources. Tables as stored, views derived from them (status, dyads, "
            f"dyad-years). See {CODEBOOK}."
        ),
        "keywords": ["defense cooperation", "ACSA", "dyadic data", "Japan", "Correlates of War"],
        "acsa_db": stamp,
        "resources": [_resource(exported) for exported in files],
    }


READING = """\
```r
agreement_dyad <- read.csv("agreement_dyad.csv")            # base R
dyad_year <- readr::read_csv("dyad_year.csv")               # readr parses the dates
```

```stata
import delimited using dyad_year.csv, clear
```

```python
import pandas as pd
dyad_year = pd.read_csv("dyad_year.csv")
```

Frictionless tools read `datapackage.json`, which types every column.

One value needs care in tools that treat the text `NA` as missing (R and
pandas do by default): Namibia's ISO alpha-2 code is `NA` in `country.csv`
(column `iso2`). Pass `na.strings = ""` (R) or `keep_default_na=False,
na_values=[""]` (pandas) when that column matters."""


def coverage_rows(connection):
    """The rows of collection_coverage as the export found them: what the counts treat as collected."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.code, c.iso3, cc.scope, cc.first_covered_date, cc.last_covered_date, cc.notes "
            "FROM collection_coverage cc "
            "JOIN agreement_type t ON t.id = cc.agreement_type_id "
            "JOIN country c ON c.id = cc.focal_country_id "
            "ORDER BY t.code, c.iso3"
        )
        return cursor.fetchall()


def _coverage_table(rows):
    if not rows:
        return "The export's `collection_coverage` is empty: no type is collected, every per-type count is empty."
    lines = [
        "The table `collection_coverage` at export time (`collection_coverage.csv`), which the views read:",
        "",
        "| type | focal state | scope | first covered | last covered | notes |",
        "|---|---|---|---|---|---|",
    ]
    for code, iso3, scope, first, last, notes in rows:
        cells = [code, iso3 or "", scope, str(first), str(last), notes]
        lines.append("| " + " | ".join(cell.replace("|", "\\|").replace("\n", " ") for cell in cells) + " |")
    return "\n".join(lines)


def _codebook(files, stamp, coverage=()):
    lines = [
        f"# {DATASET_TITLE}",
        "",
        f"Dataset version **{DATASET_VERSION}**, exported {stamp['created']} (schema migration "
        f"`{stamp['schema_migration']}`, views `{stamp['views_version']}`).",
        "",
        "Every table researchers query and every view derived from them, one CSV file each. "
        f"`{DATAPACKAGE}` describes the same files as a Frictionless Data package; `{CHECKSUMS}` holds "
        "their SHA-256 checksums (`sha256sum -c SHA256SUMS`).",
        "",
        "## Reading the files",
        "",
        "UTF-8, comma-separated, a header row, one line per record (line breaks inside text are "
        "written as spaces), ISO 8601 dates (`YYYY-MM-DD`) and UTC times (`...Z`). An empty cell is "
        "a missing value: unknown or not applicable, never zero.",
        "",
        READING,
        "",
        "## Conventions",
        "",
        CONVENTIONS,
        "",
        "## In force and signed",
        "",
        IN_FORCE_DEFINITION,
        "",
        "## Coverage",
        "",
        coverage_text(),
        "",
        _coverage_table(coverage),
        "",
        "## Files",
        "",
        "| file | rows | one row per |",
        "|---|---:|---|",
    ]
    lines += [f"| `{f.name}` | {f.rows} | {f.relation.summary} |" for f in files]
    lines += ["", "## Variables", ""]
    lines += [relation_markdown(f.relation) for f in files]
    return "\n".join(lines).rstrip() + "\n"


def schema_migration(connection):
    recorder = MigrationRecorder(connection)
    applied = [name for app, name in recorder.applied_migrations() if app == "acsa_db"]
    return max(applied) if applied else ""


def export_dataset(outdir, *, using=DEFAULT_DB_ALIAS, now=None):
    """Write the data set into ``outdir`` (created if needed; it must be empty). Returns the CSV files."""
    outdir = Path(outdir)
    if outdir.exists() and any(outdir.iterdir()):
        raise FileExistsError(f"{outdir} is not empty: export into a new or empty directory.")
    outdir.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    now = now or datetime.datetime.now(datetime.UTC)
    stamp = {
        "dataset_version": DATASET_VERSION,
        "created": now.astimezone(datetime.UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z",
        "schema_migration": schema_migration(connection),
        "views_version": CURRENT_VERSION,
        "database": connection.vendor,
    }
    files = []
    starts_transaction = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql" and starts_transaction:
            # Every file from one snapshot: an edit saved while the export runs cannot make
            # a view disagree with the tables it is computed from.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        for relation in relations():
            name = f"{relation.name}.csv"
            path = outdir / name
            rows = _write_csv(connection, relation, path)
            files.append(ExportedFile(name, relation, rows, _sha256(path), path.stat().st_size))
        coverage = coverage_rows(connection)

    (outdir / DATAPACKAGE).write_text(
        json.dumps(_datapackage(files, stamp), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (outdir / CODEBOOK).write_text(_codebook(files, stamp, coverage), encoding="utf-8")
    listed = sorted([f.name for f in files] + [DATAPACKAGE, CODEBOOK])
    (outdir / CHECKSUMS).write_text(
        "".join(f"{_sha256(outdir / name)}  {name}\n" for name in listed), encoding="utf-8"
    )
    return files
