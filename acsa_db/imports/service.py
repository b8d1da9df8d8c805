"""The import: validate a whole file first, then write it in one transaction, or nothing.

``import_files()`` takes one or more files (each with the resource that
reads it) and:

1. streams each file in batches (``batch_size`` rows), resolving natural
   keys with one query per batch and column, cleaning and checking every
   row, and collecting every problem of the file (row, column, reason);
2. refuses the whole import, writing nothing, if any file has a problem;
3. otherwise writes the rows in one transaction: COPY on PostgreSQL, bulk
   inserts elsewhere, bulk updates for rows that already exist (matched by
   natural key), and history rows naming the importing user.

A file of up to ``keep_rows`` rows is read once: its cleaned rows are kept
between validation and writing. A longer one is read twice, so memory stays
bounded by the batch size (plus one set of natural keys, to find
duplicates). Files are imported in the order given, each seeing the rows
of the ones before it, which is how a whole export goes back in.
"""

import itertools
from dataclasses import dataclass, field

from django.db import transaction

from .problems import ProblemLog
from .readers import FileInput, Reader
from .resources import REVIEW_COLUMNS
from .writing import Writer

BATCH_SIZE = 1000
KEEP_ROWS = 50_000


@dataclass
class FileReport:
    """What an import did (or, in a dry run, would do) with one file."""

    name: str
    table: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    preview: list = field(default_factory=list)


@dataclass
class ImportReport:
    files: list
    dry_run: bool

    @property
    def created(self):
        return sum(f.created for f in self.files)

    @property
    def updated(self):
        return sum(f.updated for f in self.files)

    def summary(self):
        would = "would be " if self.dry_run else ""
        lines = [
            f"{f.name} ({f.table}): {f.rows} rows: {f.created} {would}created, {f.updated} {would}updated, "
            f"{f.unchanged} unchanged"
            for f in self.files
        ]
        if self.dry_run:
            lines.append("Dry run: nothing was written.")
        return "\n".join(lines)


@dataclass
class ImportFile:
    """One file and the resource (a class from ``acsa_db.imports.resources``) that reads it."""

    input: FileInput
    resource_class: type


def _batches(iterator, size):
    iterator = iter(iterator)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


class FileImport:
    """Validation and writing of one file."""

    def __init__(self, import_file, log, *, user, batch_size, keep_rows, preview_rows, limits=None):
        self.file = import_file.input
        self.limits = limits
        self.resource = import_file.resource_class()
        self.resource.import_user = user
        self.log = log
        self.batch_size = batch_size
        self.keep_rows = keep_rows
        self.preview_rows = preview_rows
        self.header = []
        self.kept = []
        self.report = FileReport(self.file.name, self.resource.table_name())

    def problem(self, row, column, reason):
        self.log.add(self.file.name, row, column, reason)

    # -- pass 1 ----------------------------------------------------------------------------------
    def validate(self):
        """Clean every row, report every problem; keep the cleaned rows of a short file."""
        reader = Reader(self.file, self.log, self.limits)
        seen = {}  # natural key -> first row number: duplicates within the file
        deferred = []  # references to rows of the same table, checked at the end
        keep = True
        header_checked = header_ok = False
        for batch in _batches(reader.rows(), self.batch_size):
            if not header_checked:
                header_checked = True
                header_ok = self.check_header(reader.header)
                self.header = reader.header or []
            if not header_ok:
                # Without the right columns every row would repeat the same problem;
                # the rows are still read for problems of the file itself (bad bytes).
                continue
            cleaned = self.clean_batch(batch, seen, deferred)
            self.report.rows += len(batch)
            if keep and self.report.rows <= self.keep_rows:
                self.kept.append(cleaned)
            else:
                keep = False
                self.kept = None
        if reader.header and not header_checked:
            self.check_header(reader.header)
        self.header = reader.header or []
        keys = {key[0] if len(key) == 1 else None for key in seen}
        for number, column, key in deferred:
            if key not in keys:
                self.problem(number, column, self.resource.fields[column].widget.unknown_message(key))

    def check_header(self, header):
        columns = self.resource.import_columns()
        ok = True
        for name in self.resource.required_columns():
            if name not in header:
                self.problem(1, name, "required column is missing from the header row")
                ok = False
        seen = set()
        for name in header:
            if name in seen:
                self.problem(1, name, "the column appears twice in the header row")
                ok = False
            seen.add(name)
            if name in REVIEW_COLUMNS:
                self.problem(
                    1,
                    name,
                    "review fields are not data: an imported record is a draft, and an update keeps the "
                    "record's review; remove the column (a reviewer reviews records in the admin)",
                )
                ok = False
            elif name not in columns:
                self.problem(
                    1,
                    name,
                    f"unknown column; the columns of {self.resource.table_name()} are: {', '.join(columns)}",
                )
                ok = False
        return ok

    def clean_batch(self, batch, seen, deferred):
        resource = self.resource
        batch = self.without_nul_characters(batch)
        resource.prepare_batch(batch)
        required = resource.required_columns()
        cleaned = []
        for number, row in batch:
            missing = [name for name in required if name not in row]
            for name in missing:
                self.problem(number, name, "required value is missing from this row")
            if missing:
                continue
            clean_row, errors = resource.clean_row(number, row, deferred)
            for column, reason in errors:
                self.problem(number, column, reason)
            if errors:
                continue
            first = seen.get(clean_row.key)
            if first is not None:
                self.problem(
                    number,
                    resource.key_columns()[0],
                    f"duplicate: row {first} of this file already has {resource.key_text(row)}",
                )
                continue
            seen[clean_row.key] = number
            cleaned.append(clean_row)
            if len(self.report.preview) < self.preview_rows:
                self.report.preview.append((number, row))
        existing = resource.existing_pks([row.key for row in cleaned])
        for row in cleaned:
            row.existing_pk = existing.get(row.key)
        if getattr(resource, "create_only", False):
            rows = dict(batch)
            existing = [row for row in cleaned if row.existing_pk is not None]
            # A row that says only what the database already holds is unchanged, not refused:
            # a sheet imported twice, or the examples into the seeded database, goes in cleanly.
            identical = {row.number for row in resource.identical_rows(existing, self.header)}
            for row in existing:
                if row.number in identical:
                    continue
                self.problem(
                    row.number,
                    resource.key_columns()[0],
                    f"{resource.key_text(rows[row.number])} is already in the database with other values; a "
                    "sheet only adds new records (change existing ones in the admin or through the per-table "
                    "files)",
                )
                cleaned.remove(row)
        return cleaned

    def without_nul_characters(self, batch):
        """The rows with no NUL character; a problem for each cell that has one.

        PostgreSQL cannot store NUL in text, nor even look it up: such a cell
        would fail the batch's key lookups or the whole write. It is refused
        here, before any query, where its row and column are known.
        """
        kept = []
        for number, row in batch:
            with_nul = [name for name, value in row.items() if isinstance(value, str) and "\x00" in value]
            for name in with_nul:
                self.problem(number, name, "the cell contains a NUL character (0x00), which cannot be stored")
            if not with_nul:
                kept.append((number, row))
        return kept

    # -- pass 2 -------------------------------------------------------------------------------------
    def write(self, writer):
        # Rows were matched to existing ones during validation, after the files
        # before this one were written; a key appears once in a file, so no
        # earlier batch of it can have added the row since.
        batches = self.kept if self.kept is not None else self.reread()
        for cleaned in batches:
            created, updated, unchanged = self.resource.write_batch(cleaned, writer, self.header)
            self.report.created += created
            self.report.updated += updated
            self.report.unchanged += unchanged

    def reread(self):
        self.resource.forget()
        reader = Reader(self.file, ProblemLog(), self.limits)
        deferred = []
        for batch in _batches(reader.rows(), self.batch_size):
            log = ProblemLog()
            saved, self.log = self.log, log
            try:
                cleaned = self.clean_batch(batch, {}, deferred)
            finally:
                self.log = saved
            if log:
                raise log.refusal()  # the file changed between the two passes
            yield cleaned


def import_files(
    files,
    *,
    user=None,
    dry_run=False,
    batch_size=BATCH_SIZE,
    keep_rows=KEEP_ROWS,
    preview_rows=0,
    limits=None,
):
    """Import ``files`` (``ImportFile``s) all or nothing; raise ``ImportRefused`` with every problem.

    In a dry run the rows are validated and written inside a transaction
    that is then rolled back: the counts are those of a real import.
    ``limits`` (``limits.ImportLimits``) bound what a file may expand to; by
    default those of ``settings.ACSA_IMPORT_LIMITS``, the admin's.
    """
    log = ProblemLog()
    reports = []
    reason = "import: " + ", ".join(str(f.input.name).rsplit("/", 1)[-1] for f in files)
    writer = Writer(user=user, reason=reason, batch_size=batch_size)
    with transaction.atomic():
        for import_file in files:
            job = FileImport(
                import_file,
                log,
                user=user,
                batch_size=batch_size,
                keep_rows=keep_rows,
                preview_rows=preview_rows,
                limits=limits,
            )
            job.validate()
            reports.append(job.report)
            if log:
                # Later files may name rows of this one: their problems would only echo its own.
                break
            job.write(writer)
        if not log:
            writer.finish()
        if log or dry_run:
            transaction.set_rollback(True)
    if log:
        raise log.refusal()
    return ImportReport(reports, dry_run)


def import_file(data, resource_class, *, name=None, format=None, **kwargs):
    """Import one file: a path, bytes or an open binary file."""
    return import_files([ImportFile(FileInput(data, name=name, format=format), resource_class)], **kwargs)
