"""Make a citable release: releases/VERSION/ with the data set, its changelog, CITATION.cff and a zip."""

import argparse
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from ...models import DataRelease
from ...releases import ReleaseError, how_to_cite, make_release, releases_dir


def release_date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: give YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Write releases/VERSION/ (the export_dataset files, facts.json, CHANGELOG.md against the previous "
        "release, CITATION.cff, SHA256SUMS and one zip of it all) and record the release in data_release. "
        "A version is never made twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("version", help="Semantic (1.2.0) or calendar (2026.01, 2026.01.15) version.")
        parser.add_argument(
            "--date",
            type=release_date,
            help="Release date, YYYY-MM-DD (default: today). The same data and date give the same bytes.",
        )
        parser.add_argument(
            "--verified-only",
            action="store_true",
            help="Release verified records only (default: verified and needs-review records).",
        )
        parser.add_argument(
            "--releases-dir",
            help=f"Directory holding the releases (default: ACSA_RELEASES_DIR, now {releases_dir()}).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default).")

    def handle(self, *args, version, date, verified_only, releases_dir, database, **options):
        policy = DataRelease.Policy.VERIFIED_ONLY if verified_only else DataRelease.Policy.REVIEWED
        try:
            release = make_release(
                version, released_on=date, policy=policy, root=releases_dir, using=database
            )
        except ReleaseError as error:
            raise CommandError(str(error)) from None
        against = f"against {release.previous.version}" if release.previous else "the first release"
        self.stdout.write(
            f"Made release {release.version} ({release.get_policy_display()}): {release.agreement_count} "
            f"agreements, {release.exercise_count} exercises, {release.fact_count} facts, "
            f"{release.source_count} sources; {release.added_count} facts added, {release.changed_count} "
            f"changed, {release.removed_count} removed ({against}).\n"
            f"{release.zip_name} SHA-256 {release.zip_sha256}\n"
            f"Cite as: {how_to_cite(release.version, release.released_on)}"
        )
