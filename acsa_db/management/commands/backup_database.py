from django.core.management.base import BaseCommand, CommandError

from ...backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the whole database to a file (pg_dump custom format on PostgreSQL, a SQLite file on SQLite)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the backup.")

    def handle(self, *args, path, **options):
        try:
            written = backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backed up the database to {written}")
