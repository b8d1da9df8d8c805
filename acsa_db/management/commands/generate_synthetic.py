"""Fill the database with synthetic, realistically shaped data for benchmarks (acsa_db/synthetic.py)."""

import time

from django.core.management.base import BaseCommand, CommandError

from ...synthetic import Sizes, SyntheticDataRefused, generate


def _count(text):
    value = int(text.replace("_", "").replace(",", ""))
    if value < 0:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = (
        "Generate synthetic agreements, exercises, sources and citations, the same for the same seed. "
        "Synthetic records have slugs starting with 'syn-'. Refuses a database that holds curated "
        "records (unless --force) or synthetic ones already (unless --replace)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--agreements", type=_count, default=1000, help="Agreements to generate (default 1,000)."
        )
        parser.add_argument(
            "--exercises", type=_count, default=None, help="Exercises (default: as many as agreements)."
        )
        parser.add_argument(
            "--sources", type=_count, default=None, help="Sources (default: twice the agreements)."
        )
        parser.add_argument(
            "--citations", type=_count, default=None, help="Citations (default: ten times the agreements)."
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help="Seed of the random generator: same seed, same data (default 1).",
        )
        parser.add_argument(
            "--chunk-size",
            type=_count,
            default=2000,
            help="Agreements or exercises written per chunk, with their facts and citations (default 2,000).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add synthetic records even though the database holds curated ones.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the synthetic records already in the database first.",
        )

    def handle(self, *args, **options):
        try:
            sizes = Sizes(
                agreements=options["agreements"],
                exercises=options["exercises"],
                sources=options["sources"],
                citations=options["citations"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.started = time.monotonic()
        self.stdout.write(
            f"Generating {sizes.agreements:,} agreements, {sizes.exercises:,} exercises, "
            f"{sizes.sources:,} sources and {sizes.citations:,} citations (seed {options['seed']})."
        )
        try:
            report = generate(
                sizes,
                seed=options["seed"],
                force=options["force"],
                replace=options["replace"],
                chunk_size=max(1, options["chunk_size"]),
                progress=self.progress if options["verbosity"] > 0 else None,
            )
        except SyntheticDataRefused as refusal:
            raise CommandError(str(refusal)) from None
        rows = ", ".join(f"{table} {n:,}" for table, n in report.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Wrote {rows} in {time.monotonic() - self.started:.0f} s."))

    def progress(self, stage, done, total):
        # A line when a stage ends and at most every few seconds in between: a large run writes
        # thousands of chunks.
        now = time.monotonic()
        if done < total and stage == getattr(self, "last_stage", None) and now - self.last_line < 5:
            return
        self.last_stage, self.last_line = stage, now
        self.stdout.write(f"  {stage:<10} {done:>9,} / {total:,}  ({now - self.started:.0f} s)")
