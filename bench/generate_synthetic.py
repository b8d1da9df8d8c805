"""Fill a database with synthetic, realistically shaped data for the benchmarks (bench/synthetic.py).

Run from the root of a clone (after ``bin/setup``); ``DATABASE_URL`` picks the
database, as for ``manage.py`` (default: SQLite)::

    DATABASE_URL=postgres://postgres@127.0.0.1/acsa_bench .venv/bin/python bench/generate_synthetic.py --agreements 10000

Synthetic records have slugs starting with ``syn-``. The script refuses a
database that holds curated records (unless ``--force``) or synthetic ones
already (unless ``--replace``). It is a benchmark tool, not a command of the
application: ``manage.py`` does not offer it.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _count(text):
    value = int(text.replace("_", "").replace(",", ""))
    if value < 0:
        raise ValueError(text)
    return value


_count.__name__ = "count"  # argparse names the type in its error message


def parser():
    parser = argparse.ArgumentParser(
        description=(
            "Generate synthetic agreements, exercises, sources and citations, the same for the same seed."
        )
    )
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
        "--seed", type=int, default=1, help="Seed of the random generator: same seed, same data (default 1)."
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
        "--replace", action="store_true", help="Delete the synthetic records already in the database first."
    )
    parser.add_argument("--quiet", action="store_true", help="Print only the closing line.")
    return parser


def setup_django():
    """Django on the database ``DATABASE_URL`` names, as ``manage.py`` would set it up (once per process)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "acsa_db.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


class Progress:
    """A line when a stage ends and at most every few seconds in between: a large run writes
    thousands of chunks."""

    def __init__(self, out, started):
        self.out, self.started = out, started
        self.last_stage, self.last_line = None, 0.0

    def __call__(self, stage, done, total):
        now = time.monotonic()
        if done < total and stage == self.last_stage and now - self.last_line < 5:
            return
        self.last_stage, self.last_line = stage, now
        print(
            f"  {stage:<10} {done:>9,} / {total:,}  ({now - self.started:.0f} s)", file=self.out, flush=True
        )


def main(argv=None, out=None):
    """Generate what ``argv`` asks for; a refusal or bad sizes exit with the reason (``SystemExit``)."""
    out = out or sys.stdout
    args = parser().parse_args(argv)
    setup_django()
    from bench.synthetic import Sizes, SyntheticDataRefused, generate

    try:
        sizes = Sizes(
            agreements=args.agreements,
            exercises=args.exercises,
            sources=args.sources,
            citations=args.citations,
        )
    except ValueError as error:
        raise SystemExit(f"generate_synthetic: {error}") from None
    started = time.monotonic()
    print(
        f"Generating {sizes.agreements:,} agreements, {sizes.exercises:,} exercises, "
        f"{sizes.sources:,} sources and {sizes.citations:,} citations (seed {args.seed}).",
        file=out,
    )
    try:
        report = generate(
            sizes,
            seed=args.seed,
            force=args.force,
            replace=args.replace,
            chunk_size=max(1, args.chunk_size),
            progress=None if args.quiet else Progress(out, started),
        )
    except SyntheticDataRefused as refusal:
        raise SystemExit(f"generate_synthetic: {refusal}") from None
    rows = ", ".join(f"{table} {n:,}" for table, n in report.counts.items())
    print(f"Wrote {rows} in {time.monotonic() - started:.0f} s.", file=out)


if __name__ == "__main__":
    main()
