"""Reading files row by row, in bounded memory: CSV, XLSX and JSON.

Each reader yields ``(row_number, {column: text})`` with rows numbered as a
spreadsheet numbers them (the header is row 1). Problems of the file itself
(not UTF-8, empty, a formula in a cell, broken JSON) go into the problem log
with the row and, where it can be told, the column; reading goes on where it
can, so that a file's problems are all reported at once.
"""

import codecs
import csv
import datetime
import io
import json
import zipfile

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

    def __init__(self, file_input, log):
        self.file = file_input
        self.log = log
        self.header = None
        self.row_count = 0

    def problem(self, row, column, reason):
        self.log.add(self.file.name, row, column, reason)

    def rows(self):
        reader = {"csv": self._csv_rows, "xlsx": self._xlsx_rows, "json": self._json_rows}[self.file.format]
        yield from reader()
        if self.header is None:
            self.problem(1, None, "the file is empty: it has no header row naming the columns")
        elif self.row_count == 0:
            self.problem(2, None, "the file has a header row but no data rows")

    # -- CSV -------------------------------------------------------------------------------
    def _csv_rows(self):
        bad_bytes = []

        def lines(stream):
            # Decoded line by line so that a non-UTF-8 byte is tied to its row.
            for position, raw in enumerate(stream):
                if position == 0 and raw.startswith(codecs.BOM_UTF8):
                    raw = raw[len(codecs.BOM_UTF8) :]
                try:
                    yield raw.decode("utf-8")
                except UnicodeDecodeError as error:
                    bad_bytes.append((f"0x{raw[error.start]:02X}", error.start + 1))
                    yield raw.decode("utf-8", errors="replace")

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
                number += 1
                cells = list(record)
                if bad_bytes:
                    self._report_bad_bytes(number, cells, bad_bytes)
                    bad_bytes.clear()
                row = self._row_from_cells(number, cells)
                if row is not None:
                    yield number, row

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
        import openpyxl

        with self.file.open() as stream:
            try:
                workbook = openpyxl.load_workbook(stream, read_only=True, data_only=False)
            except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
                if not stream.seek(0, io.SEEK_END):
                    return  # an empty file: reported by rows()
                self.problem(None, None, f"not an XLSX workbook ({type(error).__name__}: {error})")
                self.header = []
                return
            try:
                sheet = workbook.worksheets[0]
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
        decoder = json.JSONDecoder()
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
                try:
                    value, end = decoder.raw_decode(buffer, position)
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
        return str(value)
