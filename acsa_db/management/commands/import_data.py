"""Import files into the database, all or nothing, with the admin's validation."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ...imports import (
    FORMATS,
    TABLE_RESOURCES,
    FileInput,
    ImportFile,
    ImportRefused,
    command_line_limits,
    import_files,
    resource_for,
    resource_for_file,
    resource_names,
)


class Command(BaseCommand):
    help = (
        "Import CSV, XLSX or JSON files: one table's rows each (exercise.csv), or a curator's sheet "
        "(agreement_sheet.csv). Every problem is listed (file, row, column, reason) and nothing is "
        "written unless every row is valid. Several files, or a directory written by export_data, "
        "go in together, in one transaction. Exits with status 1 when the import is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="Files to import, or a directory of exported files.")
        parser.add_argument(
            "--model",
            help=f"The table or sheet the file holds ({', '.join(resource_names())}); "
            "by default, the file's name without its extension.",
        )
        parser.add_argument(
            "--format", choices=FORMATS, help="The files' format; by default, their extension."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and count, then write nothing.")
        parser.add_argument("--user", help="Username to record in the history as the importer.")
        parser.add_argument(
            "--batch-size", type=int, default=1000, help="Rows validated and written at a time."
        )

    def handle(self, *args, **options):
        user = None
        if options["user"]:
            try:
                user = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user {options['user']!r}.") from None
        files = []
        for name in options["files"]:
            path = Path(name)
            if path.is_dir():
                files.extend(self.directory_files(path, options["format"]))
            elif path.is_file():
                files.append(self.import_file(path, options["model"], options["format"]))
            else:
                raise CommandError(f"No such file: {name}")
        try:
            # No bound on a file's length here (the command streams it), only on bombs.
            report = import_files(
                files,
                user=user,
                dry_run=options["dry_run"],
                batch_size=options["batch_size"],
                limits=command_line_limits(),
            )
        except ImportRefused as refusal:
            self.stderr.write(refusal.summary())
            raise CommandError("Import refused; nothing was written.", returncode=1) from None
        self.stdout.write(report.summary())

    def import_file(self, path, model, format):
        try:
            resource = resource_for(model) if model else resource_for_file(path)
        except LookupError as error:
            raise CommandError(f"{path}: {error} (name the table with --model)") from None
        return ImportFile(FileInput(str(path), name=str(path), format=format), resource)

    def directory_files(self, directory, format):
        """The per-table files of an export, in the order an empty database takes them."""
        found = []
        for resource in TABLE_RESOURCES:
            for extension in [format] if format else FORMATS:
                path = directory / f"{resource.table_name()}.{extension}"
                if path.is_file():
                    found.append(ImportFile(FileInput(str(path), name=str(path), format=extension), resource))
        if not found:
            raise CommandError(f"{directory} holds no file named after a table (exercise.csv, ...).")
        return found
