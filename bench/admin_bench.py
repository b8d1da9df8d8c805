"""The admin at scale, on PostgreSQL: each page's median time and query count, small vs large.

Run from the root of a clone (after ``bin/setup``), with PostgreSQL reachable::

    .venv/bin/python bench/admin_bench.py            # about 30 minutes the first time
    .venv/bin/python bench/admin_bench.py --regenerate --repeat 15

It creates (or reuses) two databases, ``acsa_bench_small`` (1,000 agreements)
and ``acsa_bench_large`` (100,000 agreements, 1,000,000 citations), fills each
with ``bench/generate_synthetic.py`` (same seed), and then, in ``--rounds``
rounds that alternate small and large (so that a busy moment of a shared
machine falls on both), signs a superuser in with Django's test client and
requests every page several times:
the changelists (plain, filtered, searched, sorted), an agreement change page
with 50 events and 100 citations, the citation coverage page, and the search
again with Django's stock ``icontains`` search for comparison. It prints each
page's median time and query count and the ratio large/small (filters whose
matches grow with the data: the time per listed row, and 300 ms), checks the
plans of the queries each page ran (``EXPLAIN``: sequential scans of the large
tables), times ``export_dataset`` against ``COPY ... TO`` when that command
exists, and writes the figures to the "Admin and views at scale" section of
docs/performance.md.

A database is reused when it already holds the synthetic data of the sizes
asked for (migrations are applied to it first); ``--regenerate`` rebuilds it.
The measuring runs in a child process per database, so that each has its own
Django settings; the parent only orchestrates and reports.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._common import (  # noqa: E402  (the project root goes on sys.path first)
    create_database,
    database_url,
    drop_database,
    pg_execute,
)

PYTHON = sys.executable
DOCS = ROOT / "docs" / "performance.md"
SECTION_START = (
    "<!-- admin-bench:start (written by bench/admin_bench.py; edit the script, not this section) -->"
)
SECTION_END = "<!-- admin-bench:end -->"
TARGET_RATIO = 1.2
SEARCH_TARGET = 10.0
# Filters whose matches grow with the data: a year's signatures (or exercises), the records with
# contradicting citations, full-text searches. No derived column is stored to make them constant
# (DESIGN.md principle 5): they are judged on the time per listed row, large against small, and on
# an absolute bound for the large page.
GROWING_FILTERS = {
    ("agreement changelist", "filtered: year signed"),
    ("agreement changelist", "filtered: has contradicting citations"),
    ("exercise changelist", "filtered: year"),
}
ROW_TARGET_RATIO = 1.2
GROWING_PAGE_LIMIT_MS = 300


def grows_with_data(group, name):
    return (group, name) in GROWING_FILTERS or name.startswith("searched:")


# --- Orchestration (parent process) -----------------------------------------------------------


def manage(url, *args, env_extra=None):
    env = {**os.environ, "DATABASE_URL": url, **(env_extra or {})}
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], check=True, env=env, cwd=ROOT)


def holds_sizes(base, name, agreements):
    if not pg_execute(base, f"SELECT 1 FROM pg_database WHERE datname = '{name}'"):
        return False
    try:
        [(synthetic, curated)] = pg_execute(
            base,
            "SELECT (SELECT count(*) FROM agreement WHERE slug LIKE 'syn-%'), "
            "(SELECT count(*) FROM agreement WHERE slug NOT LIKE 'syn-%')",
            dbname=name,
        )
    except psycopg.Error:
        return False
    # The busy agreement the benchmark adds is synthetic too.
    return curated == 0 and synthetic in (agreements, agreements + 1)


def prepare(base, name, agreements, seed, regenerate):
    url = database_url(base, name)
    if not regenerate and holds_sizes(base, name, agreements):
        print(f"== {name}: reusing ({agreements:,} agreements); applying migrations", flush=True)
        manage(url, "migrate", "-v0")
        return url
    print(f"== {name}: creating and generating {agreements:,} agreements (seed {seed})", flush=True)
    drop_database(base, name)
    create_database(base, name)
    manage(url, "migrate", "-v0")
    started = time.monotonic()
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [
            PYTHON,
            str(ROOT / "bench" / "generate_synthetic.py"),
            f"--agreements={agreements}",
            f"--seed={seed}",
        ],
        check=True,
        env=env,
        cwd=ROOT,
    )
    print(f"   generated in {time.monotonic() - started:.0f} s", flush=True)
    # Where autovacuum would bring the tables in a while: the visibility map set, so that an
    # index-only scan reads no table pages. Without it the first runs after generating
    # measure the freshly written pages, and later runs (after autovacuum) something else.
    started = time.monotonic()
    pg_execute(base, "VACUUM (ANALYZE)", dbname=name)
    print(f"   vacuumed in {time.monotonic() - started:.0f} s", flush=True)
    return url


def measure_in_child(url, repeat, export, only="", rows_to_match=None, pages_only=False):
    env = {
        **os.environ,
        "DATABASE_URL": url,
        # The rows each page listed on the small database (see measure()).
        "BENCH_ROWS_TO_MATCH": json.dumps(rows_to_match or {}),
        # As in production: no debug bookkeeping, connections kept between requests.
        "DEBUG": "false",
        "CONN_MAX_AGE": "600",
    }
    args = [PYTHON, str(Path(__file__).resolve()), "--measure", f"--repeat={repeat}"]
    if not export:
        args.append("--no-export")
    if only:
        args.append(f"--only={only}")
    if pages_only:
        args.append("--pages-only")
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True)
    sys.stderr.write(result.stderr)
    if result.returncode:
        raise SystemExit(f"measuring {url} failed")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- Measuring (child process, Django set up on one database) ---------------------------------


def busy_agreement(sources):
    """An agreement with 50 events and 100 citations, created once (the change page the issue names)."""
    import datetime as dt

    from acsa_db.models import Agreement, AgreementEvent, AgreementParty, AgreementType, Citation, Country

    slug = "syn-bench-busy-agreement"
    existing = Agreement.objects.filter(slug=slug).first()
    if existing:
        return existing
    japan, germany = Country.objects.get(iso3="JPN"), Country.objects.get(iso3="DEU")
    agreement = Agreement.objects.create(
        slug=slug,
        title="Synthetic agreement with fifty events (benchmark)",
        short_title="Benchmark busy agreement",
        type=AgreementType.objects.get(code="ACSA"),
    )
    parties = AgreementParty.objects.bulk_create(
        [
            AgreementParty(agreement=agreement, country=japan),
            AgreementParty(agreement=agreement, country=germany),
        ]
    )
    kinds = [AgreementEvent.Kind.SIGNATURE, AgreementEvent.Kind.ENTRY_INTO_FORCE] + [
        AgreementEvent.Kind.AMENDMENT
    ] * 48
    events = AgreementEvent.objects.bulk_create(
        [
            AgreementEvent(
                agreement=agreement,
                kind=kind,
                date=dt.date(1975, 1, 1) + dt.timedelta(days=180 * i),
                date_precision="day",
            )
            for i, kind in enumerate(kinds)
        ]
    )
    citations = [Citation(source=sources[0], agreement=agreement, claim="existence")]
    citations.append(Citation(source=sources[1], agreement=agreement, claim="title"))
    citations += [
        Citation(source=sources[i], agreement_party=p, claim="parties") for i, p in enumerate(parties)
    ]
    for i, event in enumerate(events[:48]):
        citations.append(Citation(source=sources[2 + i], agreement_event=event, claim="date"))
        citations.append(Citation(source=sources[50 + i], agreement_event=event, claim="date"))
    Citation.objects.bulk_create(citations)
    assert len(citations) == 100
    return agreement


def pages():
    """(group, name, path) of each page measured; looked up from the data, the same way on every size."""
    from django.db.models import Count, OuterRef

    from acsa_db.models import AgreementParty, AgreementType, Citation, Exercise, Source
    from acsa_db.models.agreements import count_subquery

    hub = (
        AgreementParty.objects.filter(country__isnull=False)
        .values("country__iso3")
        .annotate(n=Count("*"))
        .order_by("-n", "country__iso3")[:1]
        .get()["country__iso3"]
    )
    acsa = AgreementType.objects.get(code="ACSA").pk
    sources = list(Source.objects.filter(slug__startswith="syn-src-").order_by("slug")[:100])
    busy = busy_agreement(sources)
    # The change pages of an exercise and a source of the same shape on both databases (the
    # generator, given another size, gives the first exercise another number of participants):
    # otherwise the larger page would render more inline rows, not answer to more data.
    exercise = (
        Exercise.objects.with_citation_count()
        .filter(slug__startswith="syn-ex-", participant_count=5, citation_count=2)
        .order_by("slug")
        .first()
    )
    source = (
        Source.objects.annotate(cited=count_subquery(Citation.objects.filter(source=OuterRef("pk"))))
        .filter(slug__startswith="syn-src-", cited=5)
        .order_by("slug")
        .first()
    )
    a, x, s, c = (f"/admin/acsa_db/{m}/" for m in ("agreement", "exercise", "source", "citation"))
    return [
        ("agreement changelist", "plain", a),
        ("agreement changelist", "filtered: type", f"{a}?type__id__exact={acsa}"),
        ("agreement changelist", "filtered: review status", f"{a}?review_status__exact=verified"),
        ("agreement changelist", f"filtered: party country ({hub})", f"{a}?party={hub}"),
        ("agreement changelist", "filtered: year signed", f"{a}?signed=2001"),
        ("agreement changelist", "filtered: has uncited facts", f"{a}?uncited=yes"),
        ("agreement changelist", "filtered: fully cited", f"{a}?uncited=no"),
        ("agreement changelist", "filtered: has contradicting citations", f"{a}?contradicted=yes"),
        ("agreement changelist", "searched: reciprocal", f"{a}?q=reciprocal"),
        ("agreement changelist", "searched: germany acsa", f"{a}?q=germany+acsa"),
        ("agreement changelist", "sorted: short title desc", f"{a}?o=-1"),
        ("exercise changelist", "plain", x),
        ("exercise changelist", "filtered: status", f"{x}?status__exact=held"),
        ("exercise changelist", f"filtered: participant ({hub})", f"{x}?participant={hub}"),
        ("exercise changelist", "filtered: year", f"{x}?year=2010"),
        ("exercise changelist", "filtered: has uncited facts", f"{x}?uncited=yes"),
        ("exercise changelist", "searched: pacific shield", f"{x}?q=pacific+shield"),
        ("exercise changelist", "sorted: start desc", f"{x}?o=-4"),
        ("exercise changelist", "sorted: name", f"{x}?o=1"),
        ("source changelist", "plain", s),
        ("source changelist", "filtered: kind", f"{s}?kind__exact=news"),
        ("source changelist", "filtered: language", f"{s}?language__exact=ja"),
        ("source changelist", "searched: logistics", f"{s}?q=logistics"),
        ("source changelist", "sorted: published desc", f"{s}?o=-5"),
        ("citation changelist", "plain", c),
        ("citation changelist", "filtered: stance", f"{c}?stance__exact=contradicts"),
        ("citation changelist", "filtered: what it cites", f"{c}?target=agreement_event"),
        ("citation changelist", "searched: logistics", f"{c}?q=logistics"),
        ("citation changelist", "sorted: source", f"{c}?o=2"),
        ("change page", "agreement, 50 events, 100 citations", f"{a}{busy.pk}/change/"),
        ("change page", "exercise", f"{x}{exercise.pk}/change/"),
        ("change page", "source", f"{s}{source.pk}/change/"),
        ("coverage", "citation coverage", f"{c}coverage/"),
        *overview_pages(),
    ]


STOCK_SEARCHES = [
    ("agreement changelist", "searched: reciprocal", "agreement", "reciprocal"),
    ("exercise changelist", "searched: pacific shield", "exercise", "pacific shield"),
    ("source changelist", "searched: logistics", "source", "logistics"),
    ("citation changelist", "searched: logistics", "citation", "logistics"),
]


def stock_admin(model_admin):
    """Make a registered admin behave as Django's stock one for search and counts, until undone."""
    from django.contrib import admin
    from django.core.paginator import Paginator

    saved = dict(vars(model_admin))
    model_admin.get_search_results = admin.ModelAdmin.get_search_results.__get__(model_admin)
    model_admin.get_changelist = admin.ModelAdmin.get_changelist.__get__(model_admin)
    model_admin.paginator = Paginator
    model_admin.show_full_result_count = True

    def undo():
        for name in ("get_search_results", "get_changelist", "paginator", "show_full_result_count"):
            if name in saved:
                setattr(model_admin, name, saved[name])
            else:
                vars(model_admin).pop(name, None)

    return undo


def time_page(client, path, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):  # warm the caches: PostgreSQL's buffers, Django's templates
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    # Read now: the next request clears the connection's query log.
    queries = [q["sql"] for q in captured.captured_queries]
    sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    # Rows listed on a changelist: a filter that lists 8 rows on the small database lists a
    # full page on the large one, and rendering rows costs more than finding them.
    # (Counted in the HTML: the test client keeps no template context outside a test run.)
    rows = (
        response.content.count(b'<td class="action-checkbox">')
        if b'id="result_list"' in response.content
        else None
    )
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), queries, rows, sql_ms


def seq_scans(sql_statements, large_tables, params=None):
    """Large tables that a page's queries read with a sequential scan (from EXPLAIN)."""
    from django.db import connection

    found = set()
    with connection.cursor() as cursor:
        for sql in sql_statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
            stack = [plan[0]["Plan"]]
            while stack:
                node = stack.pop()
                if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in large_tables:
                    found.add(node["Relation Name"])
                stack.extend(node.get("Plans", []))
    return sorted(found)


def view_queries():
    """(name, sql, params) of the researchers' questions to the views, one record or one pair each.

    A whole view is read by ``export_dataset`` (timed below against COPY); these
    are the lookups a researcher or a page makes, which should follow indexes
    and cost the same at any size.
    """
    from acsa_db.models import Agreement, Exercise

    busy = Agreement.objects.get(slug="syn-bench-busy-agreement").pk
    exercise = Exercise.objects.filter(slug__startswith="syn-ex-").order_by("slug").first().pk
    # Japan (COW 740) and the United States (COW 2): the pair every example in the docs uses.
    pair = "ccode1 = 2 AND ccode2 = 740"
    return [
        ("agreement_status: one agreement", "SELECT * FROM agreement_status WHERE agreement_id = %s", [busy]),
        ("agreement_dyad: one agreement", "SELECT * FROM agreement_dyad WHERE agreement_id = %s", [busy]),
        ("exercise_dyad: one exercise", "SELECT * FROM exercise_dyad WHERE exercise_id = %s", [exercise]),
        (
            "citation_coverage: one agreement",
            "SELECT * FROM citation_coverage WHERE record_type = 'agreement' AND record_id = %s",
            [busy],
        ),
        ("dyad_year_agreement: one pair", f"SELECT * FROM dyad_year_agreement WHERE {pair}", []),
        ("dyad_year: one pair", f"SELECT * FROM dyad_year WHERE {pair}", []),
    ]


# A view lookup that does not follow indexes can run for minutes and spill gigabytes of
# temporary files at 100,000 agreements: each is stopped at these limits and reported as such.
VIEW_TIMEOUT_MS = 30_000
TEMP_FILE_LIMIT = "4GB"
# Reading all of dyad_year at 100,000 agreements sorts more than 4 GB (its ordered id lists):
# export_dataset and COPY get more room, still bounded (PGOPTIONS).
EXPORT_TEMP_FILE_LIMIT = "16GB"


def time_view(sql, params, repeat):
    """Median time of a view query in ms and its row count; (None, reason) when it hit a limit."""
    from django.db import OperationalError, connection, transaction

    times = []
    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = {VIEW_TIMEOUT_MS}")
        try:
            cursor.execute(f"SET temp_file_limit = '{TEMP_FILE_LIMIT}'")
        except Exception:  # not a superuser: the timeout alone bounds it
            pass
        for attempt in range(repeat + 1):  # one warm-up
            started = time.perf_counter()
            try:
                with transaction.atomic():
                    cursor.execute(sql, params)
                    rows = cursor.fetchall()
            except OperationalError as error:
                return None, str(error).splitlines()[0]
            if attempt >= 1:
                times.append((time.perf_counter() - started) * 1000)
        cursor.execute("RESET statement_timeout")
    return statistics.median(times), len(rows)


def changelist_admin(path):
    """The registered ModelAdmin whose changelist ``path`` is (/admin/acsa_db/<model>/...)."""
    from django.contrib import admin

    model_name = path.split("/")[3]
    return next(
        model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.model_name == model_name
    )


def signed_in_client():
    """A Django test client signed in as the benchmark's superuser (after django.setup())."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _ = get_user_model().objects.update_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def measure(repeat, export, only="", pages_only=False):
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "acsa_db.settings")
    django.setup()
    from django.contrib import admin
    from django.db import connection

    from acsa_db.models import Agreement, Citation

    client = signed_in_client()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples > 20000 "
            "AND relnamespace = 'public'::regnamespace"
        )
        large_tables = {row[0] for row in cursor.fetchall()}
    rows_to_match = json.loads(os.environ.get("BENCH_ROWS_TO_MATCH") or "{}")
    results = {
        "agreements": Agreement.objects.count(),
        "citations": Citation.objects.count(),
        "pages": [],
        "stock_search": [],
        "views": [],
    }
    for group, name, path in pages():
        if only not in f"{group}: {name}":
            continue
        median, queries, rows, sql_ms = time_page(client, path, repeat)
        page = {
            "group": group,
            "name": name,
            "path": path,
            "ms": median,
            "queries": len(queries),
            "rows": rows,
            "sql_ms": sql_ms,
            "seq_scans": seq_scans(queries, large_tables),
        }
        # A filter that lists 8 rows on the small database lists 100 here: the same page
        # again with 8 rows per page is the like-for-like comparison (the same filter over
        # 100 times the data, the same rows to render).
        small_rows = rows_to_match.get(f"{group}: {name}")
        if rows and small_rows and small_rows < rows:
            model_admin = changelist_admin(path)
            saved = model_admin.list_per_page
            model_admin.list_per_page = small_rows
            try:
                page["same_rows_ms"], _queries, page["same_rows"], page["same_rows_sql_ms"] = time_page(
                    client, path, repeat
                )
            finally:
                model_admin.list_per_page = saved
        results["pages"].append(page)
        print(f"   {group:<22} {name:<40} {median:8.1f} ms {len(queries):3d} queries", file=sys.stderr)
    if pages_only:  # a later round: only the pages are measured again
        return results
    for group, name, model_name, term in STOCK_SEARCHES:
        model = next(m for m in admin.site._registry if m._meta.model_name == model_name)
        undo = stock_admin(admin.site._registry[model])
        try:
            path = f"/admin/acsa_db/{model_name}/?q={term.replace(' ', '+')}"
            # A few requests: the stock searches are slow, and only their order of magnitude matters.
            median, queries, rows, sql_ms = time_page(client, path, min(5, max(3, repeat // 2)))
        finally:
            undo()
        results["stock_search"].append(
            {
                "group": group,
                "name": name,
                "ms": median,
                "queries": len(queries),
                "rows": rows,
                "sql_ms": sql_ms,
            }
        )
        print(f"   stock {group:<16} {name:<40} {median:8.1f} ms {len(queries):3d} queries", file=sys.stderr)
    for name, sql, params in view_queries():
        if only not in f"view: {name}":
            continue
        median, rows = time_view(sql, params, repeat)
        scans = seq_scans([sql], large_tables, params)
        results["views"].append({"name": name, "ms": median, "rows": rows, "seq_scans": scans})
        shown = f"{median:8.1f} ms {rows:5d} rows" if median is not None else f"stopped: {rows}"
        print(f"   view {name:<50} {shown}", file=sys.stderr)
    if export:
        results["export"] = measure_export()
    return results


def measure_export():
    """export_dataset against COPY ... TO of the same tables and views, with peak memory."""
    from django.core.management import get_commands

    if "export_dataset" not in get_commands():
        return {"skipped": "export_dataset does not exist yet (issue 6)"}
    from django.conf import settings

    url = os.environ["DATABASE_URL"]
    out = Path(tempfile.mkdtemp(prefix="acsa-bench-export-"))
    try:
        started = time.perf_counter()
        result = subprocess.run(
            ["/usr/bin/time", "-v", PYTHON, str(Path(settings.BASE_DIR) / "manage.py"), "export_dataset"]
            + [str(out / "export")],
            capture_output=True,
            text=True,
            env={**os.environ, "PGOPTIONS": f"-c temp_file_limit={EXPORT_TEMP_FILE_LIMIT}"},
        )
        export_seconds = time.perf_counter() - started
        if result.returncode:
            # /usr/bin/time -v writes its report last: the error is the line before it.
            error = result.stderr.split("\tCommand being timed")[0].strip()[-500:]
            return {"skipped": f"export_dataset failed: {error}"}
        peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
        relations = exported_relations(out / "export")
        copy_seconds = 0.0
        for relation in relations:
            started = time.perf_counter()
            subprocess.run(
                [
                    "psql",
                    "-X",
                    "-q",
                    "-d",
                    url,
                    "-c",
                    f'\\copy (SELECT * FROM "{relation}") TO STDOUT WITH CSV HEADER',
                ],
                check=True,
                stdout=subprocess.DEVNULL,
                env={**os.environ, "PGOPTIONS": f"-c temp_file_limit={EXPORT_TEMP_FILE_LIMIT}"},
            )
            copy_seconds += time.perf_counter() - started
        return {
            "export_seconds": export_seconds,
            "copy_seconds": copy_seconds,
            "peak_mb": peak_kb / 1024,
            "relations": relations,
        }
    finally:
        shutil.rmtree(out, ignore_errors=True)


def exported_relations(directory):
    """The tables and views an export wrote: one CSV file per relation, named after it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
        known = {row[0] for row in cursor.fetchall()}
    names = set()
    for path in Path(directory).rglob("*.csv"):
        if path.stem in known:
            names.add(path.stem)
    return sorted(names)


# --- Report ----------------------------------------------------------------------------------


def machine():
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    # The machine may be shared: its load when the run started goes into the report.
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return {"cpus": os.cpu_count(), "memory": memory, "python": platform.python_version(), "load": load}


def verdict(ok):
    return "meets" if ok else "MISSES"


def _shown(rows):
    return "–" if rows is None else str(rows)


def report(small, large, info, repeat, rounds=1):
    lines = []
    lines.append(
        f"Measured {datetime.date.today().isoformat()} on {info['cpus']} cores, {info['memory']} memory, "
        f"{info['postgres']}, Python {info['python']}, Django {info['django']}; load average "
        f"{info.get('load', 'unknown')} (1, 5, 15 min) when the run started."
    )
    lines.append("")
    lines.append(
        f"Small: {small['agreements']:,} agreements, {small['citations']:,} citations. "
        f"Large: {large['agreements']:,} agreements, {large['citations']:,} citations. "
        f"{rounds} rounds, each measuring the small database and then the large one (alternating, so that "
        f"a busy moment of a shared machine falls on both); per round the median of {repeat} requests "
        "after two warm-up requests, and the median of the rounds reported; queries counted, timed "
        "(SQL ms: the database's share of the request) and the listed rows counted on one more request."
    )
    lines.append("")
    lines.append(
        "| page | small ms | large ms | ratio | queries small/large | rows small/large | SQL ms small/large "
        "| seq scans (large) | target |"
    )
    lines.append("|---|---:|---:|---:|---:|---:|---:|---|---|")
    misses = []
    growing = []
    for s, big in zip(small["pages"], large["pages"], strict=True):
        ratio = big["ms"] / s["ms"]
        same_queries = big["queries"] <= s["queries"]
        if s["group"] == "overview":
            # Judged on time, not ratio: it draws all of Japan's agreements and exercises.
            ok = s["ms"] <= OVERVIEW_TARGET_MS["small"] and big["ms"] <= OVERVIEW_TARGET_MS["large"]
            target = f"{verdict(ok)} (< {OVERVIEW_TARGET_MS['small']} ms small, < {OVERVIEW_TARGET_MS['large']} ms large)"
        elif s["group"] == "coverage":
            # The target for the coverage page is its plans, not a ratio: no sequential
            # scan that an index could spare. Its ratio is printed all the same; the small
            # tables are counted exactly, the large ones estimated from a fixed-size sample.
            ok = not big["seq_scans"] and same_queries
            target = f"{verdict(ok)} (judged on its plans: no sequential scan)"
        elif grows_with_data(s["group"], s["name"]):
            ok, target = growing_verdict(s, big, same_queries)
            growing.append((s, big, ok, target))
        elif "same_rows_ms" in big:
            # A filter that lists 8 rows on the small database and a full page on the large one
            # is not the same page twice: its ratio is mostly the rendering of the extra rows.
            # Judged on the same rows: the large page listing as many rows as the small one.
            same_rows_ratio = big["same_rows_ms"] / s["ms"]
            ok = same_rows_ratio <= TARGET_RATIO and same_queries
            target = (
                f"{verdict(ok)} (same {big['same_rows']} rows: {big['same_rows_ms']:.1f} ms, "
                f"{same_rows_ratio:.2f}x, SQL {big['same_rows_sql_ms']:.0f} ms)"
            )
        else:
            ok = ratio <= TARGET_RATIO and same_queries
            target = verdict(ok)
        if not ok:
            misses.append(f"{s['group']} {s['name']}")
        name = re.sub(r"\(([A-Z]{3})\)", "(busiest country)", s["name"])
        lines.append(
            f"| {s['group']}: {name} | {s['ms']:.1f} | {big['ms']:.1f} | {ratio:.2f} | "
            f"{s['queries']}/{big['queries']} | {_shown(s.get('rows'))}/{_shown(big.get('rows'))} | "
            f"{s.get('sql_ms', 0):.0f}/{big.get('sql_ms', 0):.0f} | {', '.join(big['seq_scans']) or '–'} | {target} |"
        )
    lines += growing_table(growing)
    if not large["stock_search"] and not large["views"]:  # --pages-only: nothing else was measured
        return "\n".join(lines), misses
    lines.append("")
    lines.append(
        "Search, large database, the project's search against Django's stock `icontains` search "
        "(stock changelist, paginator and full count too), same data, same run. Judged on the search "
        "itself, the SQL: both lists render the same rows afterwards, and that rendering, the same "
        "for either search, is most of a request whose stock SQL takes a few hundred milliseconds:"
    )
    lines.append("")
    lines.append(
        "| search | stock ms | project ms | speed-up | SQL ms stock/project | SQL speed-up | target (≥10x, SQL) "
        "| rows |"
    )
    lines.append("|---|---:|---:|---:|---|---:|---:|---:|")
    ours = {(p["group"], p["name"]): p for p in large["pages"]}
    for stock in large["stock_search"]:
        mine = ours.get((stock["group"], stock["name"]))
        if mine is None:  # left out by --only
            continue
        speedup = stock["ms"] / mine["ms"]
        sql_speedup = stock.get("sql_ms", 0) / max(mine.get("sql_ms", 0), 1)
        lines.append(
            f"| {stock['group']}: {stock['name']} | {stock['ms']:.1f} | {mine['ms']:.1f} | {speedup:.1f}x | "
            f"{stock.get('sql_ms', 0):.0f}/{mine.get('sql_ms', 0):.0f} | {sql_speedup:.1f}x | "
            f"{verdict(sql_speedup >= SEARCH_TARGET)} | {_shown(mine.get('rows'))} |"
        )
    lines.append("")
    lines.append(
        "The researchers' views asked about one record or one pair of states (whole views are read by "
        "`export_dataset`, below), median of the same number of runs; sequential scans from `EXPLAIN`:"
    )
    lines.append("")
    lines.append("| view query | small ms | large ms | ratio | rows small/large | seq scans (large) |")
    lines.append("|---|---:|---:|---:|---:|---|")
    for s, big in zip(small["views"], large["views"], strict=True):
        if s["ms"] is None or big["ms"] is None:
            stopped = "; ".join(str(r["rows"]) for r in (s, big) if r["ms"] is None)
            small_ms = f"{s['ms']:.1f}" if s["ms"] is not None else "stopped"
            large_ms = f"{big['ms']:.1f}" if big["ms"] is not None else "stopped"
            lines.append(
                f"| {s['name']} | {small_ms} | {large_ms} | – | {stopped} | {', '.join(big['seq_scans']) or '–'} |"
            )
            continue
        lines.append(
            f"| {s['name']} | {s['ms']:.1f} | {big['ms']:.1f} | {big['ms'] / s['ms']:.2f} | "
            f"{s['rows']}/{big['rows']} | {', '.join(big['seq_scans']) or '–'} |"
        )
    lines.append("")
    export = large.get("export") or {"skipped": "not measured (--no-export)"}
    if "skipped" in export:
        lines.append(f"export_dataset: skipped: {export['skipped']}.")
    else:
        ratio = export["export_seconds"] / export["copy_seconds"]
        lines.append(
            f"export_dataset of the large database: {export['export_seconds']:.1f} s, peak "
            f"{export['peak_mb']:.0f} MB; `COPY ... TO` of the same {len(export['relations'])} tables and views: "
            f"{export['copy_seconds']:.1f} s; ratio {ratio:.2f} (target ≤ 3, "
            f"{verdict(ratio <= 3)}; memory target < 500 MB, {verdict(export['peak_mb'] < 500)})."
        )
    return "\n".join(lines), misses


def growing_verdict(small_page, large_page, same_queries):
    """(ok, text) for a page whose matches grow with the data: time per listed row within 1.2x of the
    small database's, and the large page within 300 ms."""
    within_limit = large_page["ms"] <= GROWING_PAGE_LIMIT_MS
    small_rows, large_rows = small_page.get("rows"), large_page.get("rows")
    if not small_rows or not large_rows:
        # Nothing listed on one side: no time per row to compare, the absolute bound alone.
        ok = within_limit and same_queries
        return (
            ok,
            f"{verdict(ok)} (grows with the data; no rows listed on one side: judged on ≤ 300 ms alone)",
        )
    row_ratio = (large_page["ms"] / large_rows) / (small_page["ms"] / small_rows)
    ok = row_ratio <= ROW_TARGET_RATIO and within_limit and same_queries
    return ok, f"{verdict(ok)} (grows with the data: {row_ratio:.2f}x per row, {large_page['ms']:.0f} ms)"


def growing_table(growing):
    """The pages whose matches grow with the data, with their time per listed row."""
    if not growing:
        return []
    lines = [
        "",
        "Filters and searches whose matches grow with the data (a year's signatures or exercises, "
        "contradicting citations, full-text searches), judged on the time per listed row, large against "
        f"small (≤ {ROW_TARGET_RATIO}x), and on the large page's time (≤ {GROWING_PAGE_LIMIT_MS} ms); "
        "no derived column is stored for them (DESIGN.md principle 5):",
        "",
        "| page | rows small/large | ms small/large | ms per row small/large | per-row ratio | large ≤ 300 ms "
        "| verdict |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for s, big, ok, _target in growing:
        rows = f"{_shown(s.get('rows'))}/{_shown(big.get('rows'))}"
        if s.get("rows") and big.get("rows"):
            small_per_row, large_per_row = s["ms"] / s["rows"], big["ms"] / big["rows"]
            per_row = f"{small_per_row:.2f}/{large_per_row:.2f}"
            ratio = f"{large_per_row / small_per_row:.2f}"
        else:
            per_row, ratio = "–", "–"
        lines.append(
            f"| {s['group']}: {s['name']} | {rows} | {s['ms']:.1f}/{big['ms']:.1f} | {per_row} | {ratio} | "
            f"{'yes' if big['ms'] <= GROWING_PAGE_LIMIT_MS else 'no'} | {verdict(ok)} |"
        )
    return lines


def combine(rounds):
    """One result from several rounds: each page's median of the rounds' medians; what is measured in
    the first round only (stock searches, views, export) and the counts (queries, rows) from it."""
    combined = {**rounds[0], "pages": []}
    for pages in zip(*(result["pages"] for result in rounds), strict=True):
        page = dict(pages[0])
        for key in ("ms", "sql_ms", "same_rows_ms", "same_rows_sql_ms"):
            values = [p[key] for p in pages if key in p]
            if values:
                page[key] = statistics.median(values)
        page["round_ms"] = [p["ms"] for p in pages]
        combined["pages"].append(page)
    return combined


def write_docs(body):
    section = "\n".join(
        [
            SECTION_START,
            "## Admin and views at scale",
            "",
            "Written by `bench/admin_bench.py` (see bench/README.md for the method).",
            "",
            body,
            SECTION_END,
        ]
    )
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Performance\n"
    if SECTION_START in text and SECTION_END in text:
        before, rest = text.split(SECTION_START, 1)
        _, after = rest.split(SECTION_END, 1)
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(text, encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--pg",
        default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL, without a database name",
    )
    parser.add_argument("--small", type=int, default=1_000, help="agreements in the small database")
    parser.add_argument("--large", type=int, default=100_000, help="agreements in the large database")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=9, help="timed requests per page and round")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds, each measuring the small database and then the large one (default 3)",
    )
    parser.add_argument("--regenerate", action="store_true", help="rebuild the databases even if they fit")
    parser.add_argument("--no-export", action="store_true", help="skip export_dataset against COPY")
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/performance.md")
    parser.add_argument("--only", default="", help="measure only the pages whose name contains this text")
    parser.add_argument(
        "--overview",
        action="store_true",
        help="measure only the data overview page and pictures, cold and cached, on DATABASE_URL",
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="measure the pages alone (no stock searches, view lookups or export), in every round",
    )
    args = parser.parse_args()

    if args.overview:
        print(overview_report(measure_overview(args.repeat)))
        return

    if args.measure:
        print(json.dumps(measure(args.repeat, not args.no_export, args.only, args.pages_only)))
        return

    sizes = {"small": args.small, "large": args.large}
    urls = {
        label: prepare(args.pg, f"acsa_bench_{label}", size, args.seed, args.regenerate)
        for label, size in sizes.items()
    }
    rounds = {"small": [], "large": []}
    for round_number in range(1, max(1, args.rounds) + 1):
        first = round_number == 1
        for label in ("small", "large"):
            print(f"== round {round_number}/{args.rounds}: measuring {label}", flush=True)
            # The large database's pages that list more rows than the small one's are measured
            # again with as many rows (the same-rows comparison); not those judged per row.
            rows_to_match = (
                {
                    f"{p['group']}: {p['name']}": p["rows"]
                    for p in rounds["small"][0]["pages"]
                    if not grows_with_data(p["group"], p["name"])
                }
                if label == "large"
                else None
            )
            rounds[label].append(
                measure_in_child(
                    urls[label],
                    args.repeat,
                    export=not args.no_export and label == "large" and first,
                    only=args.only,
                    rows_to_match=rows_to_match,
                    pages_only=args.pages_only or not first,
                )
            )
    runs = {label: combine(results) for label, results in rounds.items()}
    import django

    info = {
        **machine(),
        "postgres": "PostgreSQL " + pg_execute(args.pg, "SHOW server_version")[0][0].split()[0],
        "django": django.get_version(),
    }
    body, misses = report(runs["small"], runs["large"], info, args.repeat, args.rounds)
    print()
    print(body)
    print()
    print("Misses:", ", ".join(misses) if misses else "none")
    if not args.no_docs:
        write_docs(body)
        print(f"Wrote {DOCS.relative_to(ROOT)}")


# --- The data overview (admin/overview/: acsa_db/overview.py) ---------------------------------

OVERVIEW_TARGET_MS = {"small": 300, "large": 2000}


def overview_pages():
    """(group, name, path) of the data overview page and each of its pictures."""
    from acsa_db import overview

    found = [("overview", "page", "/admin/overview/")]
    for chart in overview.CHARTS:
        for fmt in overview.FORMATS:
            found.append(("overview", f"{chart}.{fmt}", f"/admin/overview/{chart}.{fmt}"))
    years = overview.years()
    if years:
        year = years[-1] - 1 if len(years) > 1 else years[-1]
        found.append(
            ("overview", f"network.svg, one year ({year})", f"/admin/overview/network.svg?year={year}")
        )
    return found


def measure_overview(repeat):
    """Median ms of each overview page or picture: cold (cache cleared before each request) and cached.

    Cold means the picture is drawn from the database; the first drawing in a
    process also starts vl-convert's engine, measured once on its own.
    """
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "acsa_db.settings")
    django.setup()
    from django.core.cache import cache

    from acsa_db.models import Agreement, Exercise

    client = signed_in_client()
    results = {
        "agreements": Agreement.objects.count(),
        "exercises": Exercise.objects.count(),
        "pages": [],
    }
    cache.clear()
    started = time.perf_counter()
    client.get("/admin/overview/exercises.svg")
    results["first_ms"] = (time.perf_counter() - started) * 1000
    for _group, name, path in overview_pages():
        cold, cold_cpu, cached = [], [], []
        for _ in range(repeat):
            cache.clear()
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            cold.append((time.perf_counter() - started) * 1000)
            # This process's CPU time (all its threads, vl-convert's too; not PostgreSQL's):
            # less sensitive than the wall clock to other work on a shared machine.
            cold_cpu.append((time.process_time() - started_cpu) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
            started = time.perf_counter()
            client.get(path)
            cached.append((time.perf_counter() - started) * 1000)
        results["pages"].append(
            {
                "name": name,
                "cold_ms": statistics.median(cold),
                "cold_cpu_ms": statistics.median(cold_cpu),
                "cached_ms": statistics.median(cached),
                "bytes": len(response.content),
            }
        )
        print(f"   overview {name:<32} cold {results['pages'][-1]['cold_ms']:8.1f} ms", file=sys.stderr)
    return results


def overview_report(results):
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        f"{results['agreements']:,} agreements, {results['exercises']:,} exercises, {os.cpu_count()} cores, "
        f"load average {load:.1f} at the end; the first picture drawn "
        f"in a process (vl-convert's engine starting): {results['first_ms']:.0f} ms.",
        "",
        "| page or picture | cold ms | cold CPU ms (Django process) | cached ms | size |",
        "|---|---:|---:|---:|---:|",
    ]
    for page in results["pages"]:
        lines.append(
            f"| {page['name']} | {page['cold_ms']:.1f} | {page['cold_cpu_ms']:.1f} | {page['cached_ms']:.1f} "
            f"| {page['bytes'] / 1024:.0f} KiB |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
