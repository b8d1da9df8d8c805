"""Bounds on what a file may expand to, checked before it is parsed.

The upload limit bounds a file's bytes, not what they expand to: a 240 KB
XLSX can hold one row of two million cells, a 5 MB zip member can inflate to
gigabytes, a JSON file can nest 200,000 arrays deep. The readers check these
bounds first (an XLSX's zip directory and the declared size of each part,
the shared strings and the sheet, both counted while streaming; a CSV or
JSON row's bytes, depth and numbers as they are read) and refuse the file
with a message that names the limit, so that no worker parses a bomb.

The limits are one setting, ``ACSA_IMPORT_LIMITS``: a dict whose keys
override the defaults below (``docs/import-format.md`` lists them).
"""

import re
import xml.parsers.expat
from dataclasses import dataclass, fields, replace

from django.conf import settings

MB = 1024 * 1024


@dataclass(frozen=True)
class ImportLimits:
    #: Cells in a row (and columns in the header); the widest file has 19 columns.
    max_columns: int = 100
    #: Characters in one cell (the csv module's own default field limit).
    max_cell_chars: int = 131_072
    #: Bytes of one CSV record or one JSON object, read before it is parsed.
    max_row_bytes: int = 2 * MB
    #: Rows of data in one file. The admin's preview must answer within 30 s:
    #: lifted on the command line (``command_line_limits``), which streams any size.
    max_data_rows: int | None = 20_000
    #: Rows of a sheet (Excel's own limit); a row numbered beyond it is refused.
    xlsx_max_row_number: int = 1_048_576
    #: Cells of a sheet: an upload's preview reads, checks and validates about
    #: 3,000 cells a second on a busy two-core machine (bench/import_bombs.py).
    #: Lifted on the command line.
    xlsx_max_cells: int | None = 50_000
    #: Nesting of a JSON file, the top-level array counted: [ { "domains": [ ... ] } ] is 3.
    json_max_depth: int = 10
    #: Characters of a number in a JSON file.
    json_max_number_chars: int = 100
    #: Parts (files) of an XLSX zip archive; a workbook of one sheet has about ten.
    xlsx_max_parts: int = 1000
    #: Uncompressed bytes of all the parts together, as the zip directory declares them.
    #: Lifted on the command line (the ratio and the other bounds still hold).
    xlsx_max_uncompressed_bytes: int | None = 200 * MB
    #: How many times a part may expand (uncompressed / compressed) when it is over 1 MB.
    xlsx_max_ratio: int = 100
    #: Uncompressed bytes of a part other than the sheets and the shared strings.
    xlsx_max_part_bytes: int = 10 * MB
    #: Uncompressed bytes of the shared strings (openpyxl holds them all in memory).
    xlsx_max_shared_strings_bytes: int = 60 * MB
    #: Distinct strings in the shared strings table.
    xlsx_max_shared_strings: int = 1_000_000


def current_limits():
    """The defaults with ``settings.ACSA_IMPORT_LIMITS`` applied over them."""
    overrides = getattr(settings, "ACSA_IMPORT_LIMITS", None) or {}
    known = {f.name for f in fields(ImportLimits)}
    unknown = set(overrides) - known
    if unknown:
        raise ValueError(f"ACSA_IMPORT_LIMITS: unknown limits {sorted(unknown)}; known: {sorted(known)}")
    return replace(ImportLimits(), **overrides)


def command_line_limits():
    """The limits for ``manage.py import_data``: no bound on a file's length, only on what bombs it.

    The operator's command has no request to answer in time and streams
    rows in bounded memory: rows, cells and total size are unbounded there;
    a row's width and bytes, a cell, nesting, numbers, the zip's parts,
    ratio and shared strings stay bounded.
    """
    return replace(
        current_limits(), max_data_rows=None, xlsx_max_cells=None, xlsx_max_uncompressed_bytes=None
    )


def megabytes(size):
    return f"{size / MB:.1f} MB" if size >= MB / 10 else f"{size:,} bytes"


class TooLarge(Exception):
    """A file over one of the limits; ``row`` is where it was found (None for the whole file)."""

    def __init__(self, reason, row=None):
        super().__init__(reason)
        self.reason = reason
        self.row = row


# -- XLSX -----------------------------------------------------------------------------------------
SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")
SHARED_STRINGS_PART = "xl/sharedStrings.xml"
SPLIT_TEXT = "the workbook is too large to import"


def check_xlsx_archive(archive, limits):
    """Refuse a zip whose directory declares too many parts or too many bytes, before anything inflates.

    The declared sizes bound what is read: Python's zipfile stops inflating
    a part at its declared size (and then fails its CRC check).
    """
    parts = archive.infolist()
    if len(parts) > limits.xlsx_max_parts:
        raise TooLarge(f"{SPLIT_TEXT}: it has {len(parts):,} parts, the limit is {limits.xlsx_max_parts:,}")
    total = sum(part.file_size for part in parts)
    if limits.xlsx_max_uncompressed_bytes is not None and total > limits.xlsx_max_uncompressed_bytes:
        raise TooLarge(
            f"{SPLIT_TEXT}: it expands to {megabytes(total)}, the limit is "
            f"{megabytes(limits.xlsx_max_uncompressed_bytes)}; split it, or save it as CSV"
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > MB and ratio > limits.xlsx_max_ratio:
            raise TooLarge(
                f"{SPLIT_TEXT}: its part {part.filename} expands {ratio:,.0f} times "
                f"({megabytes(part.compress_size)} to {megabytes(part.file_size)}), the limit is "
                f"{limits.xlsx_max_ratio} times: not a spreadsheet saved by a spreadsheet program"
            )
        if part.filename == SHARED_STRINGS_PART:
            if part.file_size > limits.xlsx_max_shared_strings_bytes:
                raise TooLarge(
                    f"{SPLIT_TEXT}: its shared strings expand to {megabytes(part.file_size)}, the limit is "
                    f"{megabytes(limits.xlsx_max_shared_strings_bytes)}; split it, or save it as CSV"
                )
        elif not SHEET_PART.match(part.filename) and part.file_size > limits.xlsx_max_part_bytes:
            raise TooLarge(
                f"{SPLIT_TEXT}: its part {part.filename} expands to {megabytes(part.file_size)}, the limit is "
                f"{megabytes(limits.xlsx_max_part_bytes)}"
            )


class _Stop(Exception):
    pass


def _stream(parser, source, chunk=1 << 16):
    while data := source.read(chunk):
        parser.Parse(data, False)
    parser.Parse(b"", True)


SHARED_STRING_TAGS = (b"<si>", b"<si ", b"<si/", b"<si\t", b"<si\n", b"<si\r")
PREFIXED_SHARED_STRING_TAG = re.compile(rb"<[A-Za-z_][\w.-]{0,30}:si[\s/>]")


def count_shared_strings(source, limits, chunk=1 << 20):
    """Count the shared strings by their start tags, in bounded memory; refuse more than the limit.

    A byte search, not a parse (1.5 million strings are counted in a
    fraction of a second): text cannot hold a literal "<si" (XML escapes
    "<"), so the count is exact for what a spreadsheet program writes, and a
    comment holding one can only make it higher.
    """
    count = 0
    data = b""
    while True:
        more = source.read(chunk)
        data += more
        # Count the tags that start before ``cut``; the rest waits for the next chunk.
        cut = len(data) - 64 if more else len(data)
        count += sum(data.count(tag, 0, max(cut + len(tag) - 1, 0)) for tag in SHARED_STRING_TAGS)
        count += sum(1 for match in PREFIXED_SHARED_STRING_TAG.finditer(data) if match.start() < cut)
        if count > limits.xlsx_max_shared_strings:
            raise TooLarge(
                f"{SPLIT_TEXT}: it has over {limits.xlsx_max_shared_strings:,} distinct strings; "
                "split it, or save it as CSV"
            )
        if not more:
            return count
        data = data[max(cut, 0) :]


def _column_index(reference):
    index = 0
    for char in reference:
        if "A" <= char <= "Z":
            index = index * 26 + ord(char) - 64
        else:
            break
    return index


def scan_xlsx_sheet(source, limits):
    """Walk a sheet's XML (streaming) and refuse it before openpyxl builds a row it cannot hold.

    openpyxl's read-only mode builds each row whole, and pads it to its last
    column: one row of two million cells, or one cell in column XFD, is
    refused here, as are rows numbered beyond the sheet's limit and cells
    longer than the cell limit.
    """
    state = {"row": 0, "cells": 0, "column": 0, "text": 0, "in_text": False, "total": 0}
    max_cells = limits.xlsx_max_cells

    def start(name, attributes):
        name = name.rsplit(":", 1)[-1]
        if name == "c":
            state["cells"] += 1
            state["total"] += 1
            if max_cells is not None and state["total"] > max_cells:
                raise TooLarge(
                    f"the sheet has over {max_cells:,} cells, the limit of an upload; split it, save it as "
                    "CSV, or import it on the command line (manage.py import_data)"
                )
            reference = attributes.get("r")
            state["column"] = _column_index(reference) if reference else state["column"] + 1
            if state["cells"] > limits.max_columns or state["column"] > limits.max_columns:
                raise TooLarge(
                    f"the row has cells beyond column {limits.max_columns}; the widest table has "
                    f"{limits.max_columns} columns at most: delete the cells to the right of the data",
                    state["row"],
                )
            state["text"] = 0
        elif name in ("v", "t"):
            state["in_text"] = True
        elif name == "row":
            reference = attributes.get("r")
            state["row"] = int(reference) if reference and reference.isdigit() else state["row"] + 1
            state["cells"] = state["column"] = 0
            if state["row"] > limits.xlsx_max_row_number:
                raise TooLarge(
                    f"the sheet has a row numbered {state['row']:,}; the limit is "
                    f"{limits.xlsx_max_row_number:,} rows"
                )

    def end(name):
        if name.rsplit(":", 1)[-1] in ("v", "t"):
            state["in_text"] = False

    def text(data):
        if state["in_text"]:
            state["text"] += len(data)
            if state["text"] > limits.max_cell_chars:
                raise TooLarge(
                    f"a cell holds over {limits.max_cell_chars:,} characters, the limit", state["row"]
                )

    parser = xml.parsers.expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        _stream(parser, source)
    except xml.parsers.expat.ExpatError:
        pass  # openpyxl reports the broken sheet


# -- JSON -----------------------------------------------------------------------------------------
JSON_TOKEN = re.compile(r'[\[\]{}"]')
JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


def json_value_end(text, start, max_depth):
    """Where the JSON value (an object or array) starting at ``start`` ends, or None if the text stops first.

    Only brackets and strings are looked at, so this costs little next to
    parsing; it raises ``TooLarge`` as soon as the nesting passes
    ``max_depth`` (counted from the file's top-level array, which is depth 1),
    before the parser recurses into it.
    """
    depth = 1
    position = start
    while True:
        match = JSON_TOKEN.search(text, position)
        if match is None:
            return None
        char = match.group()
        if char == '"':
            string = JSON_STRING.match(text, match.start())
            if string is None:
                return None
            position = string.end()
            continue
        position = match.end()
        if char in "[{":
            depth += 1
            if depth > max_depth:
                raise TooLarge(f"the JSON nests deeper than {max_depth} levels, the limit")
        else:
            depth -= 1
            if depth == 1:
                return position
