from django.core.management.base import BaseCommand, CommandError

from ...backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup written by backup_database into an empty database (DATABASE_URL names it)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file.")

    def handle(self, *args, path, **options):
        try:
            restore(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored {path}")
