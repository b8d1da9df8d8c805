"""Load test: the production profile under 50 readers and 5 curators for two minutes.

    .venv/bin/python bench/load_test.py            # PostgreSQL on 127.0.0.1:5432, 120 s
    .venv/bin/python bench/load_test.py --help     # sizes, duration, server, JSON output

What it does, from nothing:

1. creates a PostgreSQL database of its own on ``--pg`` (dropped at the end),
   migrates it, loads the fixtures (``load_fixtures``), takes its table
   statistics (``ANALYZE``, as autovacuum soon would) and collects the static
   files into a temporary directory;
2. starts gunicorn with bin/serve's options in the production profile
   (``ACSA_ENV=production``, a freshly generated ``SECRET_KEY``,
   ``ALLOWED_HOSTS=127.0.0.1``, ``SECURE_SSL_REDIRECT=false`` as there is no TLS
   on the loopback interface), bound to 127.0.0.1 only;
3. signs every virtual user in once, through the login form: readers are in the
   viewer group, curators in the curator group;
4. runs them all at once, each in its own thread, with no pause between a
   reader's requests: readers ask for changelists, record pages, searches and
   CSV exports; curators open a record's change page, add a line to its notes,
   take 0.5 to 2 s to "type", and save through the change form with its CSRF
   token and the version the page was read at. A few records take every
   curator's edits, so saves collide: a refused save (someone saved first) is an
   expected outcome and is counted, not treated as an error;
5. stops after ``--duration`` seconds or ``--max-requests`` requests, whichever
   comes first, then checks: no server error (5xx) in the answers or in
   gunicorn's access log, no request left without an answer, no worker
   replaced, every edit a curator was told was saved is in the record, no
   refused edit is, and each record's version moved once per saved edit;
6. prints throughput and p50/p99 latency per kind of request.

Exit status 0 when every check passes, 1 otherwise. The figures of a run go
into docs/performance.md ("Load").
"""

import argparse
import json
import os
import platform
import secrets
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._common import (  # noqa: E402  (the project root goes on sys.path first)
    REFUSED_BY_DATABASE,
    REFUSED_BY_FORM,
    Browser,
    Curator,
    Gunicorn,
    Reader,
    Recorder,
    analyze,
    build_catalog,
    check_edits,
    create_database,
    create_users,
    current_versions,
    database_url,
    drop_database,
    figures,
    generate_synthetic,
    pick_edit_targets,
    prepare_site,
    print_figures,
    production_env,
    run_users,
    seeded_rng,
    setup_django,
    sign_in_all,
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--pg",
        default="postgres://postgres@127.0.0.1:5432",
        help="PostgreSQL server to create the benchmark's database on (default: %(default)s).",
    )
    parser.add_argument("--duration", type=float, default=120, help="Seconds of load (default 120).")
    parser.add_argument(
        "--max-requests", type=int, default=200_000, help="Stop after this many requests (default 200,000)."
    )
    parser.add_argument("--readers", type=int, default=50, help="Concurrent readers (default 50).")
    parser.add_argument("--curators", type=int, default=5, help="Concurrent curators (default 5).")
    parser.add_argument(
        "--records-per-table",
        type=int,
        default=2,
        help="Agreements, exercises and sources that curators edit, per table (default 2).",
    )
    parser.add_argument(
        "--reader-think",
        type=float,
        default=0.0,
        help="Mean pause between a reader's requests, in seconds (default 0: as fast as answered).",
    )
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: bin/serve's).")
    parser.add_argument(
        "--synthetic-agreements",
        type=int,
        default=0,
        help="Also add this many synthetic agreements (bench/generate_synthetic.py) before the run.",
    )
    parser.add_argument("--seed", type=int, default=8, help="Seed of the virtual users' choices.")
    parser.add_argument("--json", type=Path, help="Also write the figures and checks to this JSON file.")
    parser.add_argument(
        "--keep", action="store_true", help="Keep the database and the temporary directory (logs)."
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    name = f"acsa_load_{int(time.time())}_{os.getpid()}"
    workdir = Path(tempfile.mkdtemp(prefix="acsa-load-"))
    print(f"Database {name} on {args.pg}; logs and static files in {workdir}")
    create_database(args.pg, name)
    ok = False
    try:
        ok = run(args, name, workdir)
    finally:
        if args.keep:
            print(f"Kept database {name} and {workdir}")
        else:
            drop_database(args.pg, name)
            if ok:
                shutil.rmtree(workdir, ignore_errors=True)
            else:
                print(f"Logs kept in {workdir}")
    return 0 if ok else 1


def run(args, name, workdir):
    url = database_url(args.pg, name)
    env = production_env(url, workdir / "static")
    setup = prepare_site(env)
    if args.synthetic_agreements:
        started = time.monotonic()
        generate_synthetic("--agreements", str(args.synthetic_agreements), "--force", env=env)
        setup["generate_synthetic"] = time.monotonic() - started
    analyze(args.pg, name)
    setup_django(url)
    from django.db import connection

    from acsa_db.models import Agreement, Citation, Exercise, Source

    rng = seeded_rng(args.seed)
    password = secrets.token_urlsafe(18)
    reader_names = create_users("load-reader", args.readers, "viewer", password)
    curator_names = create_users("load-curator", args.curators, "curator", password)
    catalog = build_catalog(rng)
    targets = pick_edit_targets(rng, per_model=args.records_per_table)
    initial_versions = current_versions(targets)
    sizes = {m._meta.db_table: m.objects.count() for m in (Agreement, Exercise, Source, Citation)}
    connection.close()
    print("Setup: " + ", ".join(f"{k} {v:.1f} s" for k, v in setup.items()))
    print("Rows: " + ", ".join(f"{k} {v:,}" for k, v in sizes.items()))

    recorder = Recorder()
    ledger = []
    server = Gunicorn(env, workdir, workers=args.workers)
    with server:
        print(f"gunicorn: {server.workers} workers on {server.base_url}")
        readers = [
            Reader(Browser(server.base_url, recorder), catalog, seeded_rng(rng.random()))
            for _ in reader_names
        ]
        curators = [
            Curator(Browser(server.base_url, recorder), name, targets, seeded_rng(rng.random()), ledger)
            for name in curator_names
        ]
        started = time.monotonic()
        refused = sign_in_all(
            [(r.browser, n) for r, n in zip(readers, reader_names, strict=True)]
            + [(c.browser, c.name) for c in curators],
            password,
        )
        sign_in_seconds = time.monotonic() - started
        if refused:
            print(f"FAIL: sign-in refused for {', '.join(refused)}")
            return False
        print(f"Signed in {len(readers) + len(curators)} users in {sign_in_seconds:.1f} s")
        workers_before = server.worker_pids()
        load_before = os.getloadavg()
        run_start = recorder.now()
        print(f"Running {len(readers)} readers and {len(curators)} curators for {args.duration:.0f} s ...")
        seconds, still_running = run_users(
            readers,
            curators,
            duration=args.duration,
            max_requests=args.max_requests,
            recorder=recorder,
            reader_think=args.reader_think,
        )
        workers_after = server.worker_pids()
        load_after = os.getloadavg()
    logged = server.statuses_logged()
    # Other work on the machine shares its cores with gunicorn, PostgreSQL and this client.
    print(f"Load average (1, 5, 15 min): {_loads(load_before)} before the run, {_loads(load_after)} after")

    samples = [s for s in recorder.samples if s.started >= run_start]
    sign_ins = [s for s in recorder.samples if s.kind == "sign-in"]
    rows = figures(samples, seconds)
    reads = [s for s in samples if s.kind in {"changelist", "change page", "search", "export", "export form"}]
    totals = {
        **figures([_as("all reads", s) for s in reads], seconds),
        **figures([_as("all", s) for s in samples], seconds),
    }
    print_figures(figures(sign_ins, sign_in_seconds), "Sign-in (before the run)")
    print_figures({**rows, **totals}, f"Run: {seconds:.1f} s, {len(samples):,} requests")

    edits = check_edits(ledger, initial_versions)
    connection.close()
    outcomes = {}
    for edit in ledger:
        outcomes[edit.outcome] = outcomes.get(edit.outcome, 0) + 1
    print("\nCurators' saves: " + ", ".join(f"{v} {k}" for k, v in sorted(outcomes.items())))
    print(f"  on {len(targets)} records: " + ", ".join(f"{t.model_name} {t.pk}" for t in targets))

    server_errors = [s for s in samples + sign_ins if s.status is not None and s.status >= 500]
    no_answer = [s for s in samples + sign_ins if s.status is None]
    unexpected = [s for s in samples + sign_ins if s.unexpected]
    logged_5xx = sum(n for status, n in logged.items() if status >= 500)
    checks = [
        ("no server error (5xx) answered", not server_errors, f"{len(server_errors)}"),
        (
            "no 5xx in gunicorn's access log",
            logged_5xx == 0,
            f"{logged_5xx} of {sum(logged.values()):,} logged",
        ),
        ("every request answered", not no_answer, f"{len(no_answer)} without an answer"),
        ("every answer as expected", not unexpected, f"{len(unexpected)} unexpected"),
        ("the load stopped by itself", still_running == 0, f"{still_running} threads still running"),
        ("no gunicorn worker replaced", workers_before == workers_after, f"{len(workers_after)} workers"),
        ("curators saved edits", edits.saved > 0 or not curators, f"{edits.saved} saved"),
        ("every saved edit is in its record (no lost update)", not edits.lost, f"{len(edits.lost)} lost"),
        ("no refused edit is in its record", not edits.resurrected, f"{len(edits.resurrected)} found"),
        ("no save ended in a form error", not edits.invalid, f"{edits.invalid}"),
        (
            "each saved edit moved the version once",
            not edits.version_mismatches,
            f"{edits.version_mismatches}",
        ),
    ]
    print("\nChecks")
    for label, passed, detail in checks:
        print(f"  {'PASS' if passed else 'FAIL'}  {label} ({detail})")
    for sample in (server_errors + no_answer + unexpected)[:20]:
        print(
            f"    {sample.kind} {sample.method} {sample.path}: {sample.status} {sample.error} {sample.unexpected}"
        )
    ok = all(passed for _, passed, _ in checks)

    if args.json:
        report = {
            "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
            "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
            "gunicorn_workers": server.workers,
            "rows": sizes,
            "setup_seconds": setup,
            "load_average_before": load_before,
            "load_average_after": load_after,
            "sign_in_seconds": sign_in_seconds,
            "run_seconds": seconds,
            "figures": {**rows, **totals},
            "sign_in": figures(sign_ins, sign_in_seconds),
            "saves": outcomes,
            "refused_total": sum(outcomes.get(k, 0) for k in (REFUSED_BY_FORM, REFUSED_BY_DATABASE)),
            "edit_check": {k: v for k, v in asdict(edits).items() if not isinstance(v, list)},
            "access_log_statuses": logged,
            "checks": [
                {"check": label, "passed": passed, "detail": detail} for label, passed, detail in checks
            ],
        }
        args.json.write_text(json.dumps(report, indent=2, default=str))
        print(f"\nWrote {args.json}")
    print("\nPASS" if ok else "\nFAIL")
    return ok


def _loads(averages):
    return " ".join(f"{a:.1f}" for a in averages)


def _as(kind, sample):
    return replace(sample, kind=kind)


if __name__ == "__main__":
    sys.exit(main())
