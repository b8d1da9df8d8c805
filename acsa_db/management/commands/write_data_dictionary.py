"""Write docs/data-dictionary.md from the models' help_text and the views' documentation."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ...sql.dictionary import data_dictionary_markdown, dictionary_path


class Command(BaseCommand):
    help = (
        "Write docs/data-dictionary.md: every published table and view, column by column, from the "
        "models' help_text and acsa_db/sql/catalog.py. With --check, only report whether it is up to date."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; fail if the committed file differs from what would be written.",
        )

    def handle(self, *args, check, **options):
        path = dictionary_path(settings.BASE_DIR)
        text = data_dictionary_markdown()
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if check:
            if current != text:
                raise CommandError(
                    f"{path.relative_to(settings.BASE_DIR)} is out of date: run "
                    "`python manage.py write_data_dictionary` and commit the result."
                )
            self.stdout.write(f"{path.relative_to(settings.BASE_DIR)} is up to date.")
            return
        if current == text:
            self.stdout.write(f"{path.relative_to(settings.BASE_DIR)} is already up to date.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {path.relative_to(settings.BASE_DIR)}.")
