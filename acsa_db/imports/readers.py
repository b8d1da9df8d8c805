"""Reading files row by row, in bounded memory: CSV, XLSX and JSON.

Each reader yields ``(row_number, {column: text})`` with rows numbered as a
spreadsheet numbers them (the header is row 1). Problems of the file itself
(not UTF-8, empty, a formula in a cell, broken JSON) go into the problem log
with the row and, where it can be told, the column; reading goes on where it
can, so that a file's problems are all reported at once.

What a file expands to is bounded before it is parsed (``limits``): a file
over a limit is refused with a message naming it, and reading stops there.
"""

import codecs
import csv
import datetime
import functools
import io
import json
import zipfile

from . import limits as bounds
from .widgets import LIST_SEPARATOR, quoted

FORMATS = ("csv", "xlsx", "json")
REPLACEMENT = "\ufffd"
NOT_UTF8 = (
    "not UTF-8 text (byte {byte} at position {position}); save the file as UTF-8 "
    '("CSV UTF-8" in Excel, "Unicode (UTF-8)" in LibreOffice)'
)


class FileInput:
    """A file to import: a path, bytes or an open binary file, opened afresh for each pass."""

    def __init__(self, data, name=None, format=None):
        self.data = data
        self.name = name or (str(data) if not isinstance(data, bytes | bytearray) else "file")
        self.format = (format or self.guess_format()).lower()

    def guess_format(self):
        suffix = str(self.name).rsplit(".", 1)[-1].lower() if "." in str(self.name) else ""
        return suffix if suffix in FORMATS else "csv"

    def open(self):
        if isinstance(self.data, bytes | bytearray):
            return io.BytesIO(self.data)
        if hasattr(self.data, "read"):
            self.data.seek(0)
            return _Unclosable(self.data)
        return open(self.data, "rb")  # noqa: SIM115 (closed by the reader's context manager)


class _Unclosable(io.BufferedIOBase):
    """An open file the caller owns: readers close their view of it, not the file."""

    def __init__(self, raw):
        self.raw = raw

    def readable(self):
        return True

    def read(self, size=-1):
        return self.raw.read(size)

    def readline(self, size=-1):
        return self.raw.readline(size)

    def seekable(self):
        return self.raw.seekable()

    def seek(self, offset, whence=0):
        return self.raw.seek(offset, whence)

    def tell(self):
        return self.raw.tell()

    def __iter__(self):
        return iter(self.raw)


class Reader:
    """The rows of one file. ``header`` is known once ``rows()`` has started."""

    def __init__(self, file_input, log, limits=None):
        self.file = file_input
        self.log = log
        self.header = None
        self.row_count = 0
        self.refused = False
        self.limits = limits or bounds.current_limits()

    def problem(self, row, column, reason):
        self.log.add(self.file.name, row, column, reason)

    def refuse(self, too_large):
        """Stop reading a file over a limit: one problem, and no "file is empty" after it."""
        self.problem(too_large.row, None, too_large.reason)
        self.header = self.header or []
        self.refused = True

    def rows(self):
        reader = {"csv": self._csv_rows, "xlsx": self._xlsx_rows, "json": self._json_rows}[self.file.format]
        most = self.limits.max_data_rows
        for number, row in reader():
            if most is not None and self.row_count > most:
                self.refuse(
                    bounds.TooLarge(
                        f"the file has over {most:,} rows, the limit of an upload; split it, or import it "
                        "on the command line (manage.py import_data)",
                        number,
                    )
                )
                return  # closes the format's reader
            yield number, row
        if self.refused:
            return
        if self.header is None:
            self.problem(1, None, "the file is empty: it has no header row naming the columns")
        elif self.row_count == 0:
            self.problem(2, None, "the file has a header row but no data rows")

    # -- CSV -------------------------------------------------------------------------------
    def _csv_rows(self):
        bad_bytes = []
        limits = self.limits
        record_bytes = 0  # bytes of the record being read, which may span lines

        def lines(stream):
            # Decoded line by line so that a non-UTF-8 byte is tied to its row; a line
            # is read no further than the row limit, so one huge line never fills memory.
            nonlocal record_bytes
            position = 0
            while raw := stream.readline(limits.max_row_bytes + 1):
                record_bytes += len(raw)
                if record_bytes > limits.max_row_bytes:
                    raise bounds.TooLarge(
                        f"the row is over {bounds.megabytes(limits.max_row_bytes)}, the limit "
                        "(a quote left open makes the rest of the file one cell)",
                        number + 1,
                    )
                if position == 0 and raw.startswith(codecs.BOM_UTF8):
                    raw = raw[len(codecs.BOM_UTF8) :]
                position += 1
                try:
                    yield raw.decode("utf-8")
                except UnicodeDecodeError as error:
                    bad_bytes.append((f"0x{raw[error.start]:02X}", error.start + 1))
                    yield raw.decode("utf-8", errors="replace")

        field_size_limit = csv.field_size_limit(limits.max_cell_chars)
        try:
            with self.file.open() as stream:
                records = csv.reader(lines(stream))
                number = 0
                while True:
                    try:
                        record = next(records)
                    except StopIteration:
                        break
                    except csv.Error as error:
                        self.problem(number + 1, None, f"not a readable CSV file: {error}")
                        return
                    except bounds.TooLarge as too_large:
                        self.refuse(too_large)
                        return
                    number += 1
                    record_bytes = 0
                    if len(record) > limits.max_columns:
                        self.refuse(
                            bounds.TooLarge(
                                f"the row has {len(record):,} cells; the limit is {limits.max_columns}",
                                number,
                            )
                        )
                        return
                    cells = list(record)
                    if bad_bytes:
                        self._report_bad_bytes(number, cells, bad_bytes)
                        bad_bytes.clear()
                    row = self._row_from_cells(number, cells)
                    if row is not None:
                        yield number, row
        finally:
            csv.field_size_limit(field_size_limit)

    def _report_bad_bytes(self, number, cells, bad_bytes):
        byte, position = bad_bytes[0]
        columns = [
            self.header[index] if self.header and index < len(self.header) else f"#{index + 1}"
            for index, cell in enumerate(cells)
            if REPLACEMENT in str(cell)
        ]
        reason = NOT_UTF8.format(byte=byte, position=position)
        if self.header is None or not columns:
            self.problem(number, None, reason)
        for column in columns:
            self.problem(number, column, reason)

    def _row_from_cells(self, number, cells):
        """The header (row 1) or a row as a dict; blank rows are skipped."""
        if self.header is None:
            header = [str(cell).strip() if cell is not None else "" for cell in cells]
            while header and not header[-1]:
                header.pop()
            if not header:
                return None
            self.header = header
            return None
        if all(cell in (None, "") for cell in cells):
            return None
        width = len(self.header)
        extra = [cell for cell in cells[width:] if cell not in (None, "")]
        if extra:
            self.problem(number, None, f"the row has {len(cells)} cells but the header names {width} columns")
        self.row_count += 1
        cells = list(cells[:width]) + [""] * (width - len(cells))
        return dict(zip(self.header, cells, strict=True))

    # -- XLSX -------------------------------------------------------------------------------
    def _xlsx_rows(self):
        with self.file.open() as stream:
            try:
                reader = _bounded_excel_reader_class()(stream, self.limits)
                bounds.check_xlsx_archive(reader.archive, self.limits)
                reader.read()
                workbook = reader.wb
            except bounds.TooLarge as too_large:
                self.refuse(too_large)
                return
            except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
                if not stream.seek(0, io.SEEK_END):
                    return  # an empty file: reported by rows()
                self.problem(None, None, f"not an XLSX workbook ({type(error).__name__}: {error})")
                self.header = []
                return
            if not workbook.worksheets:
                workbook.close()
                self.problem(None, None, "the workbook has no worksheet")
                self.header = []
                return
            try:
                sheet = workbook.worksheets[0]
                # Rows as the sheet has them: a dimension the file declares (A1:XFD1048576)
                # would otherwise pad every row to it.
                sheet.reset_dimensions()
                number = 0
                for cells in sheet.iter_rows():
                    number = getattr(cells[0], "row", None) or number + 1 if cells else number + 1
                    values = [self._xlsx_value(number, index, cell) for index, cell in enumerate(cells)]
                    row = self._row_from_cells(number, values)
                    if row is not None:
                        yield number, row
            finally:
                workbook.close()

    def _xlsx_value(self, number, index, cell):
        value = cell.value
        if cell.data_type == "f" or type(value).__name__ in ("ArrayFormula", "DataTableFormula"):
            column = self.header[index] if self.header and index < len(self.header) else f"#{index + 1}"
            formula = getattr(value, "text", value)
            self.problem(
                number,
                column,
                f"the cell holds a formula ({quoted(formula)}); imports take values only: "
                "copy the cells and paste them as values",
            )
            return ""
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, datetime.datetime):
            return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
        if isinstance(value, datetime.date):
            return value.isoformat()
        return str(value)

    # -- JSON -------------------------------------------------------------------------------
    def _json_rows(self):
        """A JSON array of objects, parsed object by object: the file is never loaded whole."""
        limits = self.limits

        def bounded_number(convert):
            def parse(text):
                # Checked before int() or float() sees it: Python refuses ints over
                # 4,300 digits with a ValueError, and long ones cost quadratic time.
                if len(text) > limits.json_max_number_chars:
                    raise bounds.TooLarge(
                        f"a number of {len(text):,} characters; the limit is {limits.json_max_number_chars}",
                        number_row + 1,
                    )
                return convert(text)

            return parse

        number_row = 1
        decoder = json.JSONDecoder(parse_int=bounded_number(int), parse_float=bounded_number(float))
        text_decoder = codecs.getincrementaldecoder("utf-8")()
        number = 1  # objects are rows 2, 3, ... as if the keys were a header row
        with self.file.open() as stream:
            buffer, position, started, finished, eof = "", 0, False, False, False
            bad_bytes = []

            def more():
                nonlocal buffer, position, eof
                chunk = stream.read(1 << 16)
                eof = not chunk
                try:
                    text = text_decoder.decode(chunk, final=eof)
                except UnicodeDecodeError as error:
                    bad_bytes.append((f"0x{chunk[error.start]:02X}", error.start + 1))
                    text_decoder.reset()
                    text = chunk.decode("utf-8", errors="replace")
                buffer = buffer[position:] + text
                position = 0

            more()
            if buffer.startswith("\ufeff"):
                position = 1
            while not finished:
                while position < len(buffer) and buffer[position] in " \t\r\n,":
                    if buffer[position] == "," and not started:
                        break
                    position += 1
                if position >= len(buffer):
                    if eof:
                        break
                    more()
                    continue
                char = buffer[position]
                if not started:
                    if char != "[":
                        self.problem(None, None, "not a JSON array of objects: the file must start with [")
                        self.header = []
                        return
                    started = True
                    position += 1
                    continue
                if char == "]":
                    finished = True
                    break
                number_row = number
                try:
                    if char in "[{":
                        # The object's end is found (and its depth checked) before it is parsed.
                        if bounds.json_value_end(buffer, position, limits.json_max_depth) is None:
                            if len(buffer) - position > limits.max_row_bytes:
                                raise bounds.TooLarge(
                                    f"the object is over {bounds.megabytes(limits.max_row_bytes)}, the limit",
                                    number + 1,
                                )
                            if not eof:
                                more()
                                continue
                    value, end = decoder.raw_decode(buffer, position)
                except bounds.TooLarge as too_large:
                    too_large.row = too_large.row or number + 1
                    self.refuse(too_large)
                    return
                except RecursionError:
                    self.refuse(bounds.TooLarge("the JSON nests too deep to read", number + 1))
                    return
                except json.JSONDecodeError as error:
                    if not eof:
                        more()
                        continue
                    self.problem(number + 1, None, f"not valid JSON: {error.msg} (character {error.pos})")
                    self.header = self.header or []
                    return
                position = end
                number += 1
                if not isinstance(value, dict):
                    self.problem(
                        number, None, "not a JSON object: each row is an object of column names and values"
                    )
                    continue
                if len(value) > limits.max_columns:
                    self.refuse(
                        bounds.TooLarge(
                            f"the object has {len(value):,} keys; the limit is {limits.max_columns}", number
                        )
                    )
                    return
                if self.header is None:
                    self.header = list(value)
                if bad_bytes:
                    reason = NOT_UTF8.format(byte=bad_bytes[0][0], position=bad_bytes[0][1])
                    columns = [key for key, cell in value.items() if REPLACEMENT in str(cell)]
                    for column in columns or [None]:
                        self.problem(number, column, reason)
                    bad_bytes.clear()
                row = {str(key): self._json_value(number, key, cell) for key, cell in value.items()}
                if list(row) != self.header:
                    unknown = [key for key in row if key not in self.header]
                    for key in unknown:
                        self.header.append(key)
                self.row_count += 1
                yield number, row
            if started and not finished:
                self.problem(number + 1, None, "not valid JSON: the array is not closed with ]")
            if not started and self.header is None and eof:
                return

    def _json_value(self, number, key, value):
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            return LIST_SEPARATOR.join(str(item) for item in value)
        if isinstance(value, dict):
            self.problem(number, str(key), "a nested object; give a plain value")
            return ""
        text = str(value)
        if len(text) > self.limits.max_cell_chars:
            self.problem(
                number,
                str(key),
                f"the value has {len(text):,} characters; the limit is {self.limits.max_cell_chars:,}",
            )
            return ""
        return text


@functools.cache
def _bounded_excel_reader_class():
    from openpyxl.cell.text import Text
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet
    from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    string_tag = f"{{{SHEET_MAIN_NS}}}si"

    class BoundedExcelReader(ExcelReader):
        """openpyxl's reader (read-only, values and formulas as written), its shared strings bounded.

        The strings are counted before they are read, and read as openpyxl
        reads them but without keeping each parsed element in the tree: its
        own loop holds every ``<si>`` element until the end (1.5 million
        strings took 1.8 GB).
        """

        def __init__(self, stream, limits):
            super().__init__(stream, read_only=True, data_only=False)
            self.limits = limits

        def read_worksheets(self):
            """The first worksheet only (the one imported), its XML scanned before openpyxl opens it.

            Opening a read-only sheet already walks it looking for its
            dimension, holding a row's cells as it goes.
            """
            for sheet, rel in self.parser.find_sheets():
                if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                    continue
                with self.archive.open(rel.target) as source:
                    bounds.scan_xlsx_sheet(source, self.limits)
                worksheet = ReadOnlyWorksheet(self.wb, sheet.name, rel.target, self.shared_strings)
                self.wb._sheets.append(worksheet)
                return

        def read_strings(self):
            part = self.package.find(SHARED_STRINGS)
            if part is None:
                return
            path = part.PartName[1:]
            with self.archive.open(path) as source:
                bounds.count_shared_strings(source, self.limits)
            strings = []
            with self.archive.open(path) as source:
                events = iterparse(source, events=("start", "end"))
                _event, root = next(events)
                for event, node in events:
                    if event == "end" and node.tag == string_tag:
                        strings.append(Text.from_tree(node).content.replace("x005F_", ""))
                        root.clear()
            self.shared_strings = strings

    return BoundedExcelReader
