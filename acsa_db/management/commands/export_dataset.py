"""Export the published data set: CSV per table and view, codebook, datapackage.json, SHA256SUMS."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from ...sql.export import CHECKSUMS, CODEBOOK, DATAPACKAGE, DATASET_VERSION, export_dataset


class Command(BaseCommand):
    help = (
        "Write every published table and view as CSV into OUTDIR (new or empty), with a codebook, "
        "a Frictionless datapackage.json and SHA-256 checksums, stamped with the dataset version."
    )

    def add_arguments(self, parser):
        parser.add_argument("outdir", help="Directory to write into; created if missing, must be empty.")
        parser.add_argument(
            "--escape-formulas",
            action="store_true",
            help="Put an apostrophe before every text cell that starts with = + - @, a tab or a carriage "
            "return, so that a spreadsheet shows it and never runs it. Off by default: the files hold "
            "the text exactly as stored. The codebook lists the free-text columns either way.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default).")

    def handle(self, *args, outdir, database, escape_formulas, **options):
        try:
            # Not inside a transaction of our own: export_dataset opens it, so that its first
            # statement can make it one read-only snapshot (REPEATABLE READ on PostgreSQL).
            files = export_dataset(outdir, using=database, escape_formulas=escape_formulas)
        except FileExistsError as error:
            raise CommandError(str(error)) from None
        rows = sum(f.rows for f in files)
        self.stdout.write(
            f"Exported dataset version {DATASET_VERSION}: {len(files)} CSV files ({rows} rows), "
            f"{CODEBOOK}, {DATAPACKAGE} and {CHECKSUMS} in {outdir}"
            + (" (text cells escaped for spreadsheets)." if escape_formulas else ".")
        )
