"""Print what changed between two releases, fact by fact, from their bundles alone."""

from django.core.management.base import BaseCommand, CommandError

from ...releases import ReleaseError, diff_markdown, read_facts


class Command(BaseCommand):
    help = (
        "Print every fact added, changed (old and new value) or removed from release A to release B, with "
        "the citations behind the new values, grouped by agreement, exercise and source. Each release is "
        "named by its version (in the releases directory), its folder or its zip."
    )

    def add_arguments(self, parser):
        parser.add_argument("a", help="The earlier release: version, folder or zip.")
        parser.add_argument("b", help="The later release: version, folder or zip.")
        parser.add_argument(
            "--releases-dir", help="Where to look for releases named by version (default: ACSA_RELEASES_DIR)."
        )

    def handle(self, *args, a, b, releases_dir, **options):
        try:
            old, new = read_facts(a, root=releases_dir), read_facts(b, root=releases_dir)
        except ReleaseError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(diff_markdown(old, new), ending="")
