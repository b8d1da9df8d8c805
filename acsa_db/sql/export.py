"""The dataset export: every published table and view as CSV, with a codebook,
datapackage.json (Frictionless Data) and SHA-256 checksums.

The CSV files follow what R (read.csv, readr), Stata (import delimited) and
pandas (read_csv) read without options: UTF-8 without a byte-order mark, a
header row, commas, double quotes only where needed, ISO 8601 dates, an empty
cell for a missing value (never 0 or a placeholder), and one line per record:
line breaks inside text become spaces, because Stata's default reading binds
quotes within a line only.

Text is written exactly as stored, a title that starts with "=" included:
researchers need the exact text. ``escape_formulas=True`` (``--escape-formulas``)
writes a copy safe to open in a spreadsheet instead: a text cell that starts
with = + - @, a tab or a carriage return gets a leading apostrophe, the rule of
the admin's exports (``imports.escaping``). The codebook and datapackage.json
list the free-text columns where such a cell can occur.
"""

import csv
import datetime
import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder

from ..imports import escape_formula
from . import CURRENT_VERSION
from .catalog import IN_FORCE_DEFINITION
from .dictionary import CONVENTIONS, coverage_text, relation_markdown, relations
from .stata import STATA_DO, stata_do

# The version of the published data set: raise it when a release changes what
# the files hold (new columns, new definitions) or marks a new curated state.
DATASET_VERSION = "0.1.0"

DATASET_NAME = "acsa-db"
DATASET_TITLE = "ACSA DB: Japan's defense cooperation agreements, exercises and their sources"

CHECKSUMS = "SHA256SUMS"
CODEBOOK = "CODEBOOK.md"
DATAPACKAGE = "datapackage.json"


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


def sha256_file(path):
    """The SHA-256 of a file, read in blocks (the exports and releases list it in SHA256SUMS)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _text_cell(value):
    """``cell``, escaped for spreadsheets when the value is text (numbers such as -1 stay numbers)."""
    return escape_formula(cell(value)) if isinstance(value, str) else cell(value)


def _write_csv(connection, relation, path, escape_formulas=False):
    quote = connection.ops.quote_name
    columns = [column.name for column in relation.columns]
    # Rows in the order of their key, so that two exports of the same data are the same files.
    order = relation.primary_key or columns[:1]
    sql = (
        f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(relation.name)} "
        f"ORDER BY {', '.join(quote(c) for c in order)}"
    )
    to_cell = _text_cell if escape_formulas else cell
    rows = 0
    # A server-side cursor on PostgreSQL (the driver's ordinary cursor holds the whole result in
    # memory before the first fetch): memory stays at one batch, whatever the table's size.
    with open(path, "w", encoding="utf-8", newline="") as handle, connection.chunked_cursor() as cursor:
        writer = csv.writer(handle)
        writer.writerow(columns)
        cursor.execute(sql)
        while batch := cursor.fetchmany(2000):
            writer.writerows([to_cell(value) for value in row] for row in batch)
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
    if column.pattern:
        constraints["pattern"] = column.pattern
    if constraints:
        field["constraints"] = constraints
    if column.free_text:
        # Not a Frictionless property: the codebook explains it ("Opening the files in a spreadsheet").
        field["freeText"] = True
    return field


def _resource(exported):
    relation = exported.relation
    schema = {
        "fields": [_schema_field(column) for column in relation.columns],
        "missingValues": [""],
    }
    key = relation.primary_key
    if key:
        schema["primaryKey"] = key[0] if len(key) == 1 else list(key)
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
        "version": stamp["dataset_version"],
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


READING = f"""\
```r
agreement_dyad <- read.csv("agreement_dyad.csv")            # base R
dyad_year <- readr::read_csv("dyad_year.csv")               # readr parses the dates
```

```stata
do {STATA_DO}                                   // every file, typed and labelled, saved as .dta
use dyad_year.dta, clear
```

```python
import pandas as pd
dyad_year = pd.read_csv("dyad_year.csv")
```

Frictionless tools read `datapackage.json`, which types every column.

One value needs care in tools that treat the text `NA` as missing (R and
pandas do by default): Namibia's ISO alpha-2 code is `NA` in `country.csv`
(column `iso2`). Pass `na.strings = ""` (R) or `keep_default_na=False,
na_values=[""]` (pandas) when that column matters.

Codes keep their leading zeros: `iso_numeric` is text (`036` is Australia, pattern
`^[0-9]{{3}}$` in `datapackage.json`). Read it as text (`colClasses = c(iso_numeric =
"character")` in R, `dtype={{"iso_numeric": str}}` in pandas); `{STATA_DO}` reads
every text column as text in Stata."""


def _spreadsheet_text(files, stamp):
    """Which columns are free text a spreadsheet may run, and whether this export escaped them."""
    if stamp["formulas_escaped"]:
        state = (
            "This export was written with `--escape-formulas`: every text cell that starts with `=`, "
            "`+`, `-`, `@`, a tab or a carriage return has one more apostrophe in front (`'=1+1`), "
            "which spreadsheets show as text and never run. Remove exactly one leading apostrophe "
            "from such a cell to get the stored text back; the checksums are those of the escaped files."
        )
    else:
        state = (
            "Every cell holds the text exactly as stored, so a title that starts with `=`, `+`, `-` "
            "or `@` reaches your statistics package unchanged. Opened in a spreadsheet (Excel, "
            "LibreOffice, Google Sheets), such a cell is run as a formula: import the files as text, "
            "or export a copy with `manage.py export_dataset --escape-formulas`, which puts an "
            "apostrophe in front of every such cell."
        )
    lines = [
        state,
        "",
        "Free text, where such a cell can occur (`freeText` in datapackage.json): every other "
        "column holds numbers, dates or codes from a fixed list or pattern.",
        "",
        "| file | free-text columns |",
        "|---|---|",
    ]
    for exported in files:
        free = [f"`{column.name}`" for column in exported.relation.columns if column.free_text]
        lines.append(f"| `{exported.name}` | {', '.join(free) if free else 'none'} |")
    return "\n".join(lines)


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
        f"Dataset version **{stamp['dataset_version']}**, exported {stamp['created']} (schema migration "
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
        "## Opening the files in a spreadsheet",
        "",
        _spreadsheet_text(files, stamp),
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


@contextmanager
def read_snapshot(connection):
    """One transaction for the whole export; on PostgreSQL, one snapshot that cannot write.

    When the export opens the transaction itself, its first statement makes it REPEATABLE READ,
    READ ONLY: every file shows the data as it was when the export began, and an edit saved while
    it runs cannot make a view disagree with the tables it is computed from. Inside a caller's
    transaction the level is the caller's (PostgreSQL allows SET TRANSACTION only before the
    first query), and so is the snapshot.
    """
    starts_transaction = not connection.in_atomic_block
    with transaction.atomic(using=connection.alias):
        if connection.vendor == "postgresql" and starts_transaction:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def export_dataset(
    outdir, *, using=DEFAULT_DB_ALIAS, now=None, escape_formulas=False, version=DATASET_VERSION
):
    """Write the data set into ``outdir`` (created if needed; it must be empty). Returns the CSV files.

    ``version`` is the version the files are stamped with: a release's (make_release), or
    DATASET_VERSION for a plain export.

    ``escape_formulas``: prefix text cells that a spreadsheet would run with an apostrophe (off:
    every cell exactly as stored).
    """
    outdir = Path(outdir)
    if outdir.exists() and any(outdir.iterdir()):
        raise FileExistsError(f"{outdir} is not empty: export into a new or empty directory.")
    outdir.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    now = now or datetime.datetime.now(datetime.UTC)
    files = []
    with read_snapshot(connection):
        stamp = {
            "dataset_version": version,
            "created": now.astimezone(datetime.UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z",
            "schema_migration": schema_migration(connection),
            "views_version": CURRENT_VERSION,
            "database": connection.vendor,
            "formulas_escaped": escape_formulas,
        }
        for relation in relations():
            name = f"{relation.name}.csv"
            path = outdir / name
            rows = _write_csv(connection, relation, path, escape_formulas)
            files.append(ExportedFile(name, relation, rows, sha256_file(path), path.stat().st_size))
        coverage = coverage_rows(connection)

    (outdir / DATAPACKAGE).write_text(
        json.dumps(_datapackage(files, stamp), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (outdir / CODEBOOK).write_text(_codebook(files, stamp, coverage), encoding="utf-8")
    (outdir / STATA_DO).write_text(stata_do(files, stamp), encoding="utf-8")
    write_checksums(outdir, [f.name for f in files] + [DATAPACKAGE, CODEBOOK, STATA_DO])
    return files


def write_checksums(folder, names):
    """``SHA256SUMS`` of the named files of ``folder``, sorted by name (``sha256sum -c`` reads it)."""
    (folder / CHECKSUMS).write_text(
        "".join(f"{sha256_file(folder / name)}  {name}\n" for name in sorted(names)), encoding="utf-8"
    )
