"""Exports: each table as CSV, XLSX or JSON, streamed, safe to open; sources for reference managers.

``write_export`` is the one export path: ``manage.py export_data`` and the
admin's export page both call it, for every format. Every text cell that a spreadsheet would run as a formula is escaped
(``escaping.escape_formula``), in every tabular format, here and in the
admin. Sources also go out as CSL-JSON and BibTeX, which Zotero, Mendeley
and other reference managers import; those are citation records, not
cells, so their titles are written as published (in BibTeX, with LaTeX's
special characters escaped, so that one source is always one entry).
"""

import csv
import io
import json
import re

from import_export.formats.base_formats import Format

from ..partial_dates import PartialDate
from .escaping import escape_formula, unescape_formula

TABLE_FORMATS = ("csv", "xlsx", "json")
REFERENCE_FORMATS = ("csl-json", "bibtex")
EXPORT_FORMATS = TABLE_FORMATS + REFERENCE_FORMATS
EXTENSIONS = {"csv": "csv", "xlsx": "xlsx", "json": "json", "csl-json": "csl.json", "bibtex": "bib"}


def write_export(resource, out, format, queryset=None, fields=None):
    """Write the resource's rows to the binary stream ``out`` in ``format``; returns the number of rows.

    ``format`` is one of ``EXPORT_FORMATS``; ``queryset`` narrows the rows (all
    of the table if None) and ``fields`` the columns (field names; all if None).
    """
    if format not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {format!r}: choose one of {', '.join(EXPORT_FORMATS)}")
    rows = resource.export_rows(queryset, fields)
    header = next(rows)
    if format in REFERENCE_FORMATS:
        # Escaped as the admin's dataset is, so that both paths unescape (``_clean``) the same
        # cells: a title that starts with an apostrophe keeps it.
        records = (dict(zip(header, map(escape_formula, cells), strict=True)) for cells in rows)
        return (write_csl_json if format == "csl-json" else write_bibtex)(records, out)
    escaped = ([escape_formula(cell) for cell in cells] for cells in rows)
    writer = {"csv": _write_csv, "xlsx": _write_xlsx, "json": _write_json}[format]
    return writer(header, escaped, out)


def _text_stream(out):
    return io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)


def _write_csv(header, rows, out):
    text = _text_stream(out)
    writer = csv.writer(text)
    writer.writerow(header)
    count = 0
    for cells in rows:
        writer.writerow(cells)
        count += 1
    text.detach()
    return count


def _write_json(header, rows, out):
    text = _text_stream(out)
    text.write("[")
    count = 0
    for cells in rows:
        text.write(",\n" if count else "\n")
        text.write(json.dumps(dict(zip(header, cells, strict=True)), ensure_ascii=False))
        count += 1
    text.write("\n]\n")
    text.detach()
    return count


def _write_xlsx(header, rows, out):
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    count = 0
    for cells in rows:
        # Control characters cannot be stored in XLSX at all.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("\ufffd", c) if isinstance(c, str) else c for c in cells])
        count += 1
    workbook.save(out)
    return count


# --- Sources for reference managers ----------------------------------------------------------

# CSL item types (Citation Style Language 1.0.2) for each kind of source.
CSL_TYPES = {
    "treaty_text": "treaty",
    "official_statement": "document",
    "press_release": "document",
    "news": "article-newspaper",
    "wire": "article-newspaper",
    "state_media": "article-newspaper",
    "analysis": "report",
    "academic": "article-journal",
    "dataset": "dataset",
    "reference": "entry",
}


def _clean(record):
    """A record's cells as the database holds them (records arrive escaped for spreadsheets)."""
    return {
        key: unescape_formula(value) if isinstance(value, str) else value for key, value in record.items()
    }


def _authors(text):
    return [name.strip() for name in (text or "").split(";") if name.strip()]


def _date_parts(text):
    value = PartialDate.parse(text) if text else None
    if value is None:
        return None
    parts = [value.date.year]
    if value.precision in ("month", "day"):
        parts.append(value.date.month)
    if value.precision == "day":
        parts.append(value.date.day)
    return {"date-parts": [parts]}


def csl_item(record):
    """A source (as exported) as a CSL-JSON item."""
    record = _clean(record)
    item = {
        "id": record["slug"],
        "type": CSL_TYPES.get(record.get("kind"), "document"),
        "title": record["title"],
    }
    if record.get("authors"):
        item["author"] = [{"literal": name} for name in _authors(record["authors"])]
    if record.get("publisher"):
        item["publisher"] = record["publisher"]
        if item["type"] == "article-newspaper":
            item["container-title"] = record["publisher"]
    if record.get("url"):
        item["URL"] = record["url"]
    if record.get("published"):
        item["issued"] = _date_parts(record["published"])
    if record.get("accessed_on"):
        item["accessed"] = _date_parts(record["accessed_on"])
    if record.get("language"):
        item["language"] = record["language"]
    if record.get("archive_url"):
        item["archive_location"] = record["archive_url"]
    return item


def write_csl_json(records, out):
    items = [csl_item(record) for record in records]
    out.write(json.dumps(items, ensure_ascii=False, indent=2).encode("utf-8"))
    out.write(b"\n")
    return len(items)


# Every character that LaTeX or BibTeX reads as markup. Braces become commands rather than
# "\{" and "\}": BibTeX counts an escaped brace as a brace all the same, so a title with one
# unmatched brace would end its field early (or never) and the rest of the entry would be read
# as new fields or new entries.
_BIBTEX_SPECIAL = re.compile(r"[{}\\%&$#_~^]")
_BIBTEX_REPLACEMENTS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
# What a URL may not hold as it is in a BibTeX field: braces and backslashes are refused in
# source.url (the model and a CHECK constraint), and percent-encoded here all the same, which
# names the same address, should a row predate the rule.
_URL_ENCODED = {"{": "%7B", "}": "%7D", "\\": "%5C"}


def _one_line(text):
    return " ".join(str(text).splitlines())


def bibtex_text(text):
    """Text with BibTeX's special characters escaped, on one line."""
    return _BIBTEX_SPECIAL.sub(
        lambda m: _BIBTEX_REPLACEMENTS.get(m.group(0), "\\" + m.group(0)), _one_line(text)
    )


def bibtex_url(url):
    """A URL as a BibTeX field: braces and backslashes percent-encoded, then % and # escaped."""
    for character, encoded in _URL_ENCODED.items():
        url = url.replace(character, encoded)
    return "".join(url.split()).replace("%", r"\%").replace("#", r"\#")


def bibtex_entry(record):
    """A source (as exported) as a BibTeX @misc entry (every reference manager reads @misc).

    Every field's value goes through ``bibtex_text`` (``bibtex_url`` for the URL), so no text a
    curator types can close the field or open another entry: one source is always one entry.
    """
    record = _clean(record)
    fields = [("title", "{" + bibtex_text(record["title"]) + "}")]  # inner braces keep its capitals
    if record.get("authors"):
        fields.append(
            ("author", " and ".join("{" + bibtex_text(a) + "}" for a in _authors(record["authors"])))
        )
    if record.get("publisher"):
        fields.append(("publisher", bibtex_text(record["publisher"])))
    if record.get("published"):
        value = PartialDate.parse(record["published"])
        fields.append(("year", str(value.date.year)))
        if value.precision in ("month", "day"):
            fields.append(("month", str(value.date.month)))
        fields.append(("date", bibtex_text(value)))
    if record.get("url"):
        fields.append(("url", bibtex_url(record["url"])))
    if record.get("accessed_on"):
        fields.append(("urldate", bibtex_text(record["accessed_on"])))
    if record.get("language"):
        fields.append(("language", bibtex_text(record["language"])))
    if record.get("kind"):
        fields.append(("note", bibtex_text(record["kind"].replace("_", " "))))
    key = bibtex_key(record["slug"])
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


def bibtex_key(slug):
    """The entry's key: the slug, with anything a key cannot hold replaced by a hyphen."""
    return re.sub(r"[^A-Za-z0-9_:.-]", "-", str(slug)) or "source"


def write_bibtex(records, out):
    count = 0
    for record in records:
        out.write(bibtex_entry(record).encode("utf-8"))
        out.write(b"\n")
        count += 1
    return count


# --- The same two formats in the admin's export ----------------------------------------------------


class ReferenceFormat(Format):
    """An export-only format of the admin's export page; ``write_export`` writes it (the admin's ``get_export_data``)."""

    title = ""
    extension = ""
    content_type = ""

    def get_title(self):
        return self.title

    def get_extension(self):
        return self.extension

    def get_content_type(self):
        return self.content_type

    def is_binary(self):
        return False

    def can_import(self):
        return False

    def can_export(self):
        return True


class CSLJSONFormat(ReferenceFormat):
    title = "csl-json"
    extension = "csl.json"
    content_type = "application/vnd.citationstyles.csl+json"


class BibTeXFormat(ReferenceFormat):
    title = "bibtex"
    extension = "bib"
    content_type = "application/x-bibtex"
