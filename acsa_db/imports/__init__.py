"""Files in and out: per-table files and curator's sheets, imported all or nothing, exported safe to open.

- ``resources``: a django-import-export resource per curated table, naming
  related rows by natural key; ``sheets``: the curator's sheets (one row per
  agreement or exercise with its parties, dates and source);
- ``service.import_files()``: the fast, all-or-nothing import that reports
  every problem of a file (row, column, reason) before writing anything;
- ``exports``: streaming exports (CSV, XLSX, JSON) with formula escaping, and
  sources as CSL-JSON and BibTeX for reference managers.
"""
