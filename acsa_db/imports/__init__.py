"""Files in and out: per-table files and curator's sheets, imported all or nothing, exported safe to open.

- ``resources``: a django-import-export resource per curated table, naming
  related rows by natural key; ``sheets``: the curator's sheets (one row per
  agreement or exercise with its parties, dates and source);
- ``service.import_files()``: the fast, all-or-nothing import that reports
  every problem of a file (row, column, reason) before writing anything;
- ``exports.write_export()``: the one export path (CSV, XLSX, JSON with formula
  escaping, and sources as CSL-JSON and BibTeX for reference managers).

This package's public face is the list below: the admin, the commands, the
benchmarks and the tests import from ``acsa_db.imports``, never from its
modules (``tests/test_imports_public_face.py`` checks it), so that what lies
behind may move without touching them.
"""

from .escaping import FORMULA_TRIGGERS, escape_formula, unescape_formula
from .exports import (
    EXPORT_FORMATS,
    EXTENSIONS,
    REFERENCE_FORMATS,
    TABLE_FORMATS,
    BibTeXFormat,
    CSLJSONFormat,
    bibtex_entry,
    csl_item,
    write_export,
)
from .limits import command_line_limits, current_limits
from .pending import UploadNotPending, keep_upload, take_upload
from .problems import ImportRefused
from .readers import FORMATS, FileInput
from .registry import resource_for, resource_for_file, resource_names
from .resources import (
    REVIEW_COLUMNS,
    TABLE_RESOURCES,
    AgreementEventResource,
    AgreementPartyResource,
    AgreementResource,
    AgreementTypeResource,
    CitationResource,
    CountryResource,
    DomainResource,
    ExerciseParticipantResource,
    ExerciseResource,
    OrganizationResource,
    SourceResource,
    end_before_start,
)
from .service import ImportFile, import_file, import_files
from .sheets import AgreementSheetResource, ExerciseSheetResource, suggested_sheet
from .writing import Writer

__all__ = [
    "EXPORT_FORMATS",
    "EXTENSIONS",
    "FORMATS",
    "FORMULA_TRIGGERS",
    "REFERENCE_FORMATS",
    "REVIEW_COLUMNS",
    "TABLE_FORMATS",
    "TABLE_RESOURCES",
    "AgreementEventResource",
    "AgreementPartyResource",
    "AgreementResource",
    "AgreementSheetResource",
    "AgreementTypeResource",
    "BibTeXFormat",
    "CSLJSONFormat",
    "CitationResource",
    "CountryResource",
    "DomainResource",
    "ExerciseParticipantResource",
    "ExerciseResource",
    "ExerciseSheetResource",
    "FileInput",
    "ImportFile",
    "ImportRefused",
    "OrganizationResource",
    "SourceResource",
    "UploadNotPending",
    "Writer",
    "bibtex_entry",
    "command_line_limits",
    "csl_item",
    "current_limits",
    "end_before_start",
    "escape_formula",
    "import_file",
    "import_files",
    "keep_upload",
    "resource_for",
    "resource_for_file",
    "resource_names",
    "suggested_sheet",
    "take_upload",
    "unescape_formula",
    "write_export",
]
