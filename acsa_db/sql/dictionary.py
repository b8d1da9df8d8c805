"""The documentation of every published table and view, from the models and the view catalog.

One structure, three outputs: docs/data-dictionary.md (``write_data_dictionary``),
the export's CODEBOOK.md and the field lists of its datapackage.json. A
table's documentation is its model's docstring and each field's ``help_text``,
choices and database rules; a view's is its entry in ``catalog.py``.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import models

from . import SQL_DIR
from .catalog import VIEWS, data_models, data_tables

COVERAGE_FILE = SQL_DIR / "coverage.md"

# Codes that keep their leading zeros and letters: strings, never numbers (036 is Australia).
TABLE_PATTERNS = {
    ("country", "iso3"): "^[A-Z]{3}$",
    ("country", "iso2"): "^[A-Z]{2}$",
    ("country", "iso_numeric"): "^[0-9]{3}$",
    ("country", "cow_abbrev"): "^[A-Z]{3}$",
}

SURROGATE_KEY = (
    "Row number assigned by the database. Stable within one database; use the slug or code to "
    "refer to a row across copies and exports."
)


@dataclass(frozen=True)
class ColumnDoc:
    name: str
    type: str  # Frictionless table-schema type: integer, number, string, boolean, date, datetime
    description: str
    required: bool = False
    unique: bool = False
    references: str = ""  # "table.column" for a foreign key into a published table
    values: tuple = ()  # the allowed values of a coded column, as (value, label)
    max_length: int | None = None
    pattern: str = ""  # a regular expression every value matches
    # Text a curator types (titles, names, notes, slugs, URLs): a cell of it may start with
    # = + - @, which a spreadsheet runs as a formula unless the export escapes it.
    free_text: bool = False


@dataclass(frozen=True)
class RelationDoc:
    name: str
    kind: str  # "table" or "view"
    summary: str
    details: str = ""
    columns: tuple = ()
    rules: tuple = ()  # what the database enforces, as its constraint messages say it
    primary_key: tuple = ()  # the columns that identify a row, unique together
    unique_together: tuple = field(default_factory=tuple)


def _frictionless_type(model_field):
    internal = model_field.get_internal_type()
    if isinstance(model_field, models.ForeignKey):
        return _frictionless_type(model_field.target_field)
    if internal in {"AutoField", "BigAutoField", "SmallAutoField"} or "Integer" in internal:
        return "integer"
    if internal in {"FloatField", "DecimalField"}:
        return "number"
    if internal == "BooleanField":
        return "boolean"
    if internal == "DateField":
        return "date"
    if internal == "DateTimeField":
        return "datetime"
    return "string"


def _paragraphs(docstring):
    """A docstring's first paragraph, and the rest, each on one line."""
    first, _, rest = (docstring or "").strip().partition("\n\n")
    return " ".join(first.split()), " ".join(rest.split())


def _column(model_field, published, table):
    description = str(model_field.help_text or "").strip()
    references = ""
    if model_field.primary_key and not description:
        description = SURROGATE_KEY
    if isinstance(model_field, models.ForeignKey):
        target = model_field.related_model._meta.db_table
        references = f"{target}.{model_field.target_field.column}" if target in published else ""
        if not description:
            description = f"The {model_field.related_model._meta.verbose_name}: {target}.id."
    column_type = _frictionless_type(model_field)
    pattern = TABLE_PATTERNS.get((table, model_field.column), "")
    return ColumnDoc(
        name=model_field.column,
        type=column_type,
        description=description,
        # Empty in the export means NULL or an empty string alike.
        required=model_field.primary_key or not (model_field.null or model_field.blank),
        unique=bool(model_field.unique and not model_field.primary_key),
        references=references,
        values=tuple((str(value), str(label)) for value, label in model_field.flatchoices),
        max_length=None
        if isinstance(model_field, models.TextField)
        else getattr(model_field, "max_length", None),
        pattern=pattern,
        free_text=column_type == "string" and not model_field.flatchoices and not pattern,
    )


def _rules(model):
    rules = []
    for constraint in model._meta.constraints:
        message = constraint.violation_error_message
        if message and message != constraint.default_violation_error_message:
            rules.append(str(message))
    return tuple(rules)


def _table(model, published):
    opts = model._meta
    summary, details = _paragraphs(model.__doc__)
    return RelationDoc(
        name=opts.db_table,
        kind="table",
        summary=summary,
        details=details,
        columns=tuple(_column(f, published, opts.db_table) for f in opts.local_concrete_fields),
        rules=_rules(model),
        primary_key=(opts.pk.column,),
    )


def _link_table(model, m2m, published):
    """A many-to-many link table (exercise_domain), which has no model of its own to document."""
    through = m2m.remote_field.through
    owner = model._meta.verbose_name
    target = m2m.related_model._meta.verbose_name
    columns = []
    for f in through._meta.local_concrete_fields:
        if f.primary_key:
            columns.append(_column(f, published, through._meta.db_table))
        else:
            table = f.related_model._meta.db_table
            columns.append(
                ColumnDoc(
                    name=f.column,
                    type="integer",
                    description=f"The {f.related_model._meta.verbose_name}: {table}.id.",
                    required=True,
                    references=f"{table}.id" if table in published else "",
                )
            )
    return RelationDoc(
        name=through._meta.db_table,
        kind="table",
        summary=f"Links each {owner} to a {target}: {m2m.help_text}",
        columns=tuple(columns),
        rules=(f"Each {target} is linked to an {owner} at most once.",),
        primary_key=("id",),
    )


def tables():
    """Every published table, in the order of ``catalog.data_models()``."""
    published = set(data_tables())
    found = []
    for model in data_models():
        found.append(_table(model, published))
        found += [_link_table(model, m2m, published) for m2m in model._meta.local_many_to_many]
    return found


def views():
    return [
        RelationDoc(
            name=view.name,
            kind="view",
            summary=view.summary,
            details=view.details,
            primary_key=view.primary_key,
            columns=tuple(
                ColumnDoc(
                    c.name,
                    c.type,
                    c.description,
                    values=c.values,
                    pattern=c.pattern,
                    free_text=c.type == "string" and not (c.code or c.values or c.pattern),
                )
                for c in view.columns
            ),
        )
        for view in VIEWS
    ]


def relations():
    return tables() + views()


def coverage_text():
    return COVERAGE_FILE.read_text(encoding="utf-8").strip()


# --- Markdown --------------------------------------------------------------------------


def _cell(text):
    return " ".join(str(text).split()).replace("|", "\\|")


def _type_label(column):
    label = column.type
    if column.max_length and column.type == "string":
        label += f" (≤ {column.max_length})"
    return label


def _column_description(column):
    parts = [column.description]
    if column.values:
        listed = ", ".join(
            f"`{value}`" if value == label else f"`{value}` ({label})" for value, label in column.values
        )
        parts.append(f"Values: {listed}.")
    if column.pattern:
        parts.append(f"Every value matches `{column.pattern}`.")
    if column.references:
        parts.append(f"→ `{column.references}`.")
    if column.unique:
        parts.append("Unique.")
    return " ".join(part for part in parts if part)


def relation_markdown(relation, heading="###"):
    lines = [f"{heading} `{relation.name}`", "", relation.summary]
    if relation.details:
        lines += ["", relation.details]
    lines.append("")
    if relation.kind == "table":
        lines += ["| column | type | empty allowed | meaning |", "|---|---|---|---|"]
        for column in relation.columns:
            empty = "no" if column.required else "yes"
            lines.append(
                f"| `{column.name}` | {_type_label(column)} | {empty} | {_cell(_column_description(column))} |"
            )
    else:
        if relation.primary_key:
            key = ", ".join(f"`{name}`" for name in relation.primary_key)
            lines += [f"Key: {key} (one row per value, never empty).", ""]
        lines += ["| column | type | meaning |", "|---|---|---|"]
        for column in relation.columns:
            lines.append(f"| `{column.name}` | {column.type} | {_cell(_column_description(column))} |")
    if relation.rules:
        lines += ["", "The database refuses rows that break these rules:", ""]
        lines += [f"- {rule}" for rule in relation.rules]
    lines.append("")
    return "\n".join(lines)


CONVENTIONS = """\
- **Names.** Tables and views have stable names; a rename is a breaking change.
- **Empty means unknown or not applicable**, never zero: SQL `NULL`, an empty
  cell in the CSV export. Text columns that have no value hold an empty string.
- **Partial dates** are two columns: `<name>` (a date: the first day of the
  period) and `<name>_precision` (`day`, `month` or `year`). "September 2023" is
  `2023-09-01` + `month`. Filter by range, and read the precision before
  treating a date as a day.
- **Countries** carry ISO 3166-1 codes (`iso3`, `iso2`, `iso_numeric`) and
  Correlates of War codes (`cow_code` = `ccode`, `cow_abbrev`) in separate
  columns: `AUS` is Australia in ISO and Austria in COW.
- **Pairs** (`*_dyad`, `dyad_year*`) list each unordered pair once with
  `ccode1 < ccode2`; `dyad_year_directed` lists both directions.
- **Years**: join `calendar_year` (`date BETWEEN starts_on AND ends_on`) rather
  than extracting a year, and the same SQL runs on SQLite and PostgreSQL."""


def data_dictionary_markdown():
    """The whole of docs/data-dictionary.md."""
    parts = [
        "# Data dictionary",
        "",
        "Every table and view that researchers query, and what each column means. Written by "
        "`python manage.py write_data_dictionary` from the models' `help_text` and the views' "
        "documentation (`acsa_db/sql/catalog.py`): edit those, not this file. A test fails when "
        "this file is out of date.",
        "",
        "## Conventions",
        "",
        CONVENTIONS,
        "",
        "## Coverage",
        "",
        coverage_text(),
        "",
        "## Views",
        "",
        "Derived data, computed from the tables whenever it is read (nothing is stored twice). "
        "The SQL is in `acsa_db/sql/`.",
        "",
    ]
    parts += [relation_markdown(view) for view in views()]
    parts += ["## Tables", ""]
    parts += [relation_markdown(table) for table in tables()]
    return "\n".join(parts).rstrip() + "\n"


def dictionary_path(base_dir):
    return Path(base_dir) / "docs" / "data-dictionary.md"
