"""The export's Stata do-file: reads every CSV with its types, labels and value labels, saves .dta.

Stata's ``import delimited`` guesses each column's type from its content, so a
code such as ``iso_numeric`` ("036", Australia) would become the number 36; a
coded column (``review_status``, ``kind``, a date's ``_precision``) arrives as
plain text. The do-file written beside the CSVs (``STATA_DO``) reads each file
with every string column kept as text (``stringcols``), gives each variable its
label (the column's description, cut to Stata's 80 characters), turns each
coded column into numbers with value labels, the numbers being the position of
the value in the model's choices (or the view's documented values), so that they
are the same in every export, turns ISO dates into Stata dates (``%td``), and
saves ``<file>.dta``. A code not among the labels stops the do-file (``assert``)
rather than becoming a silent missing value.

No .dta is written here: that would need pandas (and numpy) at run time for one
file format, and Stata writes the same files itself when it runs the do-file.
``tests/test_dataset_export.py`` reads the do-file back command by command.
"""

STATA_DO = "acsa_db.do"

# Stata's limits: variable and value-label names of 32 characters, labels of 80.
NAME_LIMIT = 32
LABEL_LIMIT = 80
CODE_TEXT = "_code_text"  # the text of a coded column, while it is turned into numbers
DATE_VALUE = "_date_value"


def stata_text(text, limit=LABEL_LIMIT):
    """Text for a Stata string on one line: no macro expansion (` and $), no double quotes, cut to ``limit``."""
    text = " ".join(str(text).split()).replace('"', "'").replace("`", "'").replace("$", "\\$")
    if len(text) > limit:
        text = text[: limit - 3].rstrip().rstrip("\\") + "..."
    return text


def _quoted(text, limit=LABEL_LIMIT):
    return f'"{stata_text(text, limit)}"'


def _import(name, relation):
    text_columns = [
        str(position) for position, column in enumerate(relation.columns, 1) if column.type != "integer"
    ]
    options = ["clear", "varnames(1)", 'encoding("utf-8")', "case(preserve)"]
    if text_columns:
        # Every column but the integers read as text: codes keep their leading zeros ("036"),
        # and an identifier never becomes a float.
        options.append(f"stringcols({' '.join(text_columns)})")
    return f'import delimited using "{name}", {" ".join(options)}'


def _coded(column):
    """Turn a coded text column into numbers with value labels, in place."""
    name = column.name
    lines = [
        "label define "
        + name
        + " "
        + " ".join(
            f"{number} {_quoted(label or value)}" for number, (value, label) in enumerate(column.values, 1)
        )
        + ", replace",
        f"rename {name} {CODE_TEXT}",
        f"generate byte {name} = ., after({CODE_TEXT})",
    ]
    lines += [
        f'replace {name} = {number} if {CODE_TEXT} == "{stata_text(value)}"'
        for number, (value, _label) in enumerate(column.values, 1)
    ]
    lines += [
        f'assert !missing({name}) if {CODE_TEXT} != ""',
        f"drop {CODE_TEXT}",
        f"label values {name} {name}",
    ]
    return lines


def _date(column):
    """An ISO 8601 date (YYYY-MM-DD) as a Stata date, in place."""
    name = column.name
    return [
        f'generate long {DATE_VALUE} = date({name}, "YMD"), after({name})',  # an int holds 1870 to 2049 only
        f'assert !missing({DATE_VALUE}) if {name} != ""',
        f"drop {name}",
        f"rename {DATE_VALUE} {name}",
        f"format {name} %td",
    ]


def stata_do(files, stamp):
    """The whole do-file, for the exported files (``export.ExportedFile``) in their order."""
    lines = [
        f"* ACSA DB dataset version {stamp['dataset_version']}, exported {stamp['created']}.",
        "* Reads every CSV file of the export with its types and labels and saves it as .dta.",
        "* Run it from the directory that holds the files:  do acsa_db.do",
        "* Coded columns become numbers with value labels (the same numbers in every export);",
        "* dates become Stata dates. See CODEBOOK.md for what each variable means.",
        "version 16",
        "set more off",
    ]
    for exported in files:
        relation = exported.relation
        lines += ["", f"* --- {exported.name}: {stata_text(relation.summary, 200)}"]
        lines.append(_import(exported.name, relation))
        for column in relation.columns:
            if column.values:
                lines += _coded(column)
            elif column.type == "date":
                lines += _date(column)
        lines += [f"label variable {c.name} {_quoted(c.description)}" for c in relation.columns]
        lines.append(f"label data {_quoted(relation.summary)}")
        lines.append(f'save "{exported.name.removesuffix(".csv")}.dta", replace')
    return "\n".join(lines) + "\n"
