"""Export a table (or every table) as CSV, XLSX or JSON, safe to open; sources also as CSL-JSON or BibTeX."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...imports import (
    EXPORT_FORMATS,
    EXTENSIONS,
    REFERENCE_FORMATS,
    TABLE_FORMATS,
    TABLE_RESOURCES,
    SourceResource,
    resource_for,
    write_export,
)


class Command(BaseCommand):
    help = (
        "Export a table by natural keys (no database ids), streamed row by row. Cells that a "
        "spreadsheet would run as formulas are escaped. --model all writes one file per table "
        "into the directory --out, ready for import_data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--model", required=True, help="A table (exercise, agreement_party, ...) or 'all'."
        )
        parser.add_argument("--format", required=True, choices=EXPORT_FORMATS)
        parser.add_argument(
            "--out", help="File to write (a directory with --model all); standard output if omitted."
        )

    def handle(self, *args, **options):
        format, out = options["format"], options["out"]
        if options["model"] == "all":
            if format not in TABLE_FORMATS:
                raise CommandError(f"--model all writes tables: choose one of {', '.join(TABLE_FORMATS)}.")
            if not out:
                raise CommandError("--model all needs --out DIRECTORY.")
            directory = Path(out)
            directory.mkdir(parents=True, exist_ok=True)
            for resource in TABLE_RESOURCES:
                path = directory / f"{resource.table_name()}.{EXTENSIONS[format]}"
                with open(path, "wb") as stream:
                    count = write_export(resource(), stream, format)
                self.stderr.write(f"{path}: {count} rows")
            return
        try:
            resource = resource_for(options["model"])
        except LookupError as error:
            raise CommandError(str(error)) from None
        if resource not in TABLE_RESOURCES:
            raise CommandError("Sheets are for importing; export the tables they fill instead.")
        if format in REFERENCE_FORMATS and resource is not SourceResource:
            raise CommandError(f"{format} is a format for sources: use --model source.")
        if out:
            with open(out, "wb") as stream:
                count = write_export(resource(), stream, format)
        else:
            count = write_export(resource(), sys.stdout.buffer, format)
            sys.stdout.buffer.flush()
        self.stderr.write(f"{count} rows")
