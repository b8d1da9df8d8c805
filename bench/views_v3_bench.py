"""Views v3 against v2 on the same PostgreSQL database: the lookups researchers make.

Creates the v2 views in a scratch schema (``bench_v2``) beside the current
(v3) views of ``public``, and times the same queries under each search_path:
one agreement's status and pairs, one pair's dyad-years, and v3's new views
(the balanced panel for one year, a lineage). Prints the median of
``--repeat`` runs in ms, the rows returned, and the ratio v3 / v2. Drops the
scratch schema at the end. Nothing is timed in the test suite.

    DATABASE_URL=postgres://USER@HOST:5432/DB .venv/bin/python bench/views_v3_bench.py --repeat 15

The database should be migrated, hold the reference fixtures (countries,
types, coverage, COW membership) and data: e.g. ``manage.py loaddata
countries.json cow_states.json agreement_types.json coverage.json
organizations.json domains.json`` then ``bench/generate_synthetic.py
--agreements 10000``.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SCHEMA = "bench_v2"


def timed(cursor, sql, params, repeat):
    times = []
    for attempt in range(repeat + 1):  # one warm-up
        started = time.perf_counter()
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        if attempt:
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), len(rows)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "acsa_db.settings")
    import django

    django.setup()
    from django.db import connection

    from acsa_db.sql import VERSIONS, view_sql

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(id) FROM agreement WHERE supersedes_id IS NOT NULL")
        (replacing,) = cursor.fetchone()
        cursor.execute("SELECT MIN(id) FROM agreement")
        (first,) = cursor.fetchone()
        cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {SCHEMA}")
        cursor.execute(f"SET search_path = {SCHEMA}, public")
        for name in VERSIONS["v2"]:
            cursor.execute(f"CREATE VIEW {SCHEMA}.{name} AS {view_sql(name, 'postgresql', 'v2')}")
        cursor.execute("SET search_path = public")
        pair = "ccode1 = 2 AND ccode2 = 740"
        both = [
            (
                "agreement_status: one agreement",
                "SELECT * FROM agreement_status WHERE agreement_id = %s",
                [first],
            ),
            (
                "agreement_status: a replacing text",
                "SELECT * FROM agreement_status WHERE agreement_id = %s",
                [replacing or first],
            ),
            (
                "agreement_dyad: one agreement",
                "SELECT * FROM agreement_dyad WHERE agreement_id = %s",
                [first],
            ),
            ("dyad_year_agreement: one pair", f"SELECT * FROM dyad_year_agreement WHERE {pair}", []),
            ("dyad_year: one pair", f"SELECT * FROM dyad_year WHERE {pair}", []),
        ]
        only_v3 = [
            ("dyad_year_panel: one year", "SELECT * FROM dyad_year_panel WHERE year = 2020", []),
            (
                "dyad_year_panel: one pair",
                "SELECT * FROM dyad_year_panel WHERE ccode1 = 2 AND ccode2 = 740",
                [],
            ),
            (
                "agreement_lineage: one agreement",
                "SELECT * FROM agreement_lineage WHERE agreement_id = %s",
                [replacing or first],
            ),
            ("state_year: one year", "SELECT * FROM state_year WHERE year = 2020", []),
        ]
        cursor.execute("SELECT COUNT(*) FROM agreement")
        print(f"{cursor.fetchone()[0]} agreements; median of {args.repeat} runs")
        print(f"{'query':40} {'v2 ms':>9} {'v3 ms':>9} {'ratio':>6}  rows v2/v3")
        try:
            for name, sql, params in both:
                cursor.execute(f"SET search_path = {SCHEMA}, public")
                old, old_rows = timed(cursor, sql, params, args.repeat)
                cursor.execute("SET search_path = public")
                new, new_rows = timed(cursor, sql, params, args.repeat)
                print(f"{name:40} {old:9.1f} {new:9.1f} {new / old:6.2f}  {old_rows}/{new_rows}")
            for name, sql, params in only_v3:
                new, new_rows = timed(cursor, sql, params, args.repeat)
                print(f"{name:40} {'-':>9} {new:9.1f} {'-':>6}  -/{new_rows}")
        finally:
            cursor.execute("SET search_path = public")
            cursor.execute(f"DROP SCHEMA {SCHEMA} CASCADE")


if __name__ == "__main__":
    main()
