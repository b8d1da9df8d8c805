"""Import benchmark: the library's default import, our import path and COPY, on the same rows.

Run it against PostgreSQL (the targets of issue 5 are measured there):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/acsa .venv/bin/python bench/import_bench.py
    DATABASE_URL=... .venv/bin/python bench/import_bench.py --memory-rows 1000000  # and peak memory

It creates a throwaway test database (test_<name>, as the test runner
does), loads the countries, and generates N exercise rows (20,000 by
default) with a country foreign key, written as a CSV file. Each method
imports the same rows into an empty exercise table:

- library: django-import-export 4.4.3's default ModelResource import
  (row by row, a ForeignKeyWidget looking the host up by ISO code), which
  saves each row and so writes its history row through the signals;
- ours: acsa_db.imports.service.import_file with the exercise resource:
  every cell validated, natural keys resolved per batch, all or nothing,
  history rows naming the importing user;
- COPY: PostgreSQL's COPY of the same rows with the host ids already
  resolved, no validation and no history: the floor.

It prints rows/s for each and the ratios the issue sets: ours at least 20x
the library's rows/s, and ours within 6x of COPY's time. With
--memory-rows, a separate process imports a file of that many rows through
our path and prints its peak resident memory (resource.getrusage).
"""

import argparse
import datetime
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "acsa_db.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

COLUMNS = ["slug", "name", "kind", "status", "start_date", "end_date", "location", "host"]


def generate_rows(count, hosts):
    """Synthetic exercise rows: a slug, a name, dates over a few years, a host country by ISO code."""
    first = datetime.date(2000, 1, 3)
    for i in range(count):
        start = first + datetime.timedelta(days=i % 9000)
        end = start + datetime.timedelta(days=i % 14)
        yield [
            f"bench-exercise-{i:07d}",
            f"Benchmark exercise {i}",
            "exercise",
            "held",
            start.isoformat(),
            end.isoformat(),
            f"Area {i % 97}",
            hosts[i % len(hosts)],
        ]


def write_csv(path, count, hosts):
    import csv

    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(COLUMNS)
        writer.writerows(generate_rows(count, hosts))


def empty_exercises():
    """Empty the exercise table and its history between runs, without loading the rows."""
    from acsa_db.models import Exercise

    tables = [Exercise._meta.db_table, Exercise.history.model._meta.db_table]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            for table in reversed(tables):
                cursor.execute(f"DELETE FROM {table}")


def library_import(path):
    """django-import-export's default import: a ModelResource, a ForeignKeyWidget, row by row."""
    import tablib
    from import_export import fields, resources, widgets

    from acsa_db.models import Country, Exercise

    class LibraryExerciseResource(resources.ModelResource):
        host = fields.Field(
            attribute="host", column_name="host", widget=widgets.ForeignKeyWidget(Country, "iso3")
        )

        class Meta:
            model = Exercise
            fields = (
                "slug",
                "name",
                "kind",
                "status",
                "start_date",
                "start_date_precision",
                "end_date",
                "end_date_precision",
                "location",
                "host",
            )
            import_id_fields = ("slug",)

    dataset = tablib.Dataset().load(Path(path).read_text(encoding="utf-8"), format="csv")
    # The partial-date precision columns that the schema requires next to each date.
    dataset.append_col(["day"] * len(dataset), header="start_date_precision")
    dataset.append_col(["day"] * len(dataset), header="end_date_precision")
    started = time.perf_counter()
    result = LibraryExerciseResource().import_data(dataset, dry_run=False, raise_errors=True)
    elapsed = time.perf_counter() - started
    assert not result.has_errors() and not result.has_validation_errors()
    return elapsed


def our_import(path, user):
    from acsa_db.imports import ExerciseResource, import_file

    started = time.perf_counter()
    report = import_file(path, ExerciseResource, user=user)
    elapsed = time.perf_counter() - started
    return elapsed, report


def copy_import(path):
    """COPY of the same rows, host ids resolved beforehand (not timed), straight into the table."""
    import csv

    from acsa_db.models import Country

    ids = dict(Country.objects.exclude(iso3=None).values_list("iso3", "pk"))
    buffer = io.StringIO()
    with open(path, newline="", encoding="utf-8") as stream:
        rows = csv.reader(stream)
        next(rows)
        for slug, name, kind, status, start, end, location, host in rows:
            buffer.write(
                f"{slug}\t{name}\t\t{kind}\t{status}\t{start}\tday\t{end}\tday\t{location}\t{ids[host]}"
                "\t\t\t\tdraft\t1\n"
            )
    buffer.seek(0)
    columns = (
        "slug, name, series, kind, status, start_date, start_date_precision, end_date, end_date_precision, "
        "location, host_id, scenario, summary, notes, review_status, version"
    )
    started = time.perf_counter()
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY exercise ({columns}) FROM STDIN") as copy,
    ):
        copy.write(buffer.getvalue())
    return time.perf_counter() - started


def peak_rss_mb():
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_run(rows):
    """Import a file of ``rows`` rows through our path in this process; print the peak RSS."""
    from django.contrib.auth import get_user_model

    from acsa_db.models import Exercise

    hosts = list_hosts()
    user, _ = get_user_model().objects.get_or_create(username="bench-importer")
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "exercise.csv"
        write_csv(path, rows, hosts)
        size = path.stat().st_size / (1024 * 1024)
        before = peak_rss_mb()
        elapsed, report = our_import(str(path), user)
    assert report.created == rows == Exercise.objects.count()
    print(
        f"memory: {rows:,} rows ({size:,.0f} MB file) imported in {elapsed:,.1f} s "
        f"({rows / elapsed:,.0f} rows/s); peak RSS {peak_rss_mb():,.0f} MB (before the import: {before:,.0f} MB)"
    )


def list_hosts():
    from acsa_db.models import Country

    return list(Country.objects.exclude(iso3=None).order_by("iso3").values_list("iso3", flat=True))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000, help="Rows for the three-way comparison.")
    parser.add_argument(
        "--memory-rows", type=int, default=0, help="Also import a file this long, for peak memory."
    )
    parser.add_argument("--skip-library", action="store_true", help="Leave out the slow library run.")
    parser.add_argument("--_memory-child", dest="memory_child", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--_test-db", dest="test_db", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.memory_child:
        connection.settings_dict["NAME"] = args.test_db
        connection.close()
        memory_run(args.memory_child)
        return

    vendor = connection.vendor
    if vendor == "sqlite":
        # A file, not the test runner's in-memory database: the memory run is another process.
        connection.settings_dict["TEST"]["NAME"] = str(
            Path(tempfile.gettempdir()) / "acsa_import_bench.sqlite3"
        )
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("loaddata", "countries.json", verbosity=0)
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create(username="bench-importer")
        hosts = list_hosts()
        print(f"database: {vendor} ({test_db}); {args.rows:,} exercise rows, host country by ISO code")
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "exercise.csv"
            write_csv(path, args.rows, hosts)
            results = {}
            if not args.skip_library:
                results["library"] = library_import(path)
                empty_exercises()
            ours, report = our_import(str(path), user)
            assert report.created == args.rows
            results["ours"] = ours
            empty_exercises()
            if vendor == "postgresql":
                results["copy"] = copy_import(path)
                empty_exercises()
        for name, seconds in results.items():
            print(f"{name:>8}: {seconds:8.2f} s  {args.rows / seconds:10,.0f} rows/s")
        if "library" in results:
            speedup = results["library"] / results["ours"]
            print(f"ours vs library rows/s: {speedup:.1f}x (target: at least 20x)")
        if "copy" in results:
            slowdown = results["ours"] / results["copy"]
            print(f"ours vs COPY time:      {slowdown:.2f}x (target: at most 6x)")
        if args.memory_rows:
            connection.close()
            subprocess.run(
                [sys.executable, __file__, "--_memory-child", str(args.memory_rows), "--_test-db", test_db],
                check=True,
            )
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)


if __name__ == "__main__":
    main()
