"""Cells that a spreadsheet would run as formulas, made safe on export and restored on import.

A spreadsheet treats a cell that starts with ``=``, ``+``, ``-`` or ``@`` as
a formula, and some also when it starts with a tab or a carriage return
(the CSV injection of the OWASP notes). django-import-export's own setting
only strips a leading ``=``, which both loses data and leaves the others.

Here every such text cell gets a leading apostrophe, which spreadsheets show
as text and never evaluate. The escape is reversible: a cell that already
starts with apostrophes followed by one of those characters gets one more,
and an import removes exactly one, so a title such as "-30 dB" survives an
export and an import unchanged.
"""

# A line feed is escaped too: XLSX, being XML, reads back a carriage return as one.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
ESCAPE = "'"


def _needs_escape(text):
    stripped = text.lstrip(ESCAPE)
    return stripped.startswith(FORMULA_TRIGGERS)


def escape_formula(value):
    """The value as a cell that no spreadsheet runs; values other than text are returned as they are."""
    if isinstance(value, str) and _needs_escape(value):
        return ESCAPE + value
    return value


def unescape_formula(value):
    """Undo ``escape_formula`` on a cell read from a file."""
    if isinstance(value, str) and value.startswith(ESCAPE) and _needs_escape(value[1:]):
        return value[1:]
    return value


def escape_dataset(dataset):
    """Escape every cell of a tablib Dataset in place (the admin's exports go through one)."""
    rows = [tuple(escape_formula(cell) for cell in row) for row in dataset]
    headers = dataset.headers
    dataset.wipe()
    dataset.headers = headers
    for row in rows:
        dataset.append(row)
    return dataset
