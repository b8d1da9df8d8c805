"""Fault drill: PostgreSQL restarted under load, and an import killed with SIGKILL halfway.

    .venv/bin/python bench/fault_drill.py                  # on a private cluster it creates and drops
    .venv/bin/python bench/fault_drill.py --cluster 15/main   # restarts that cluster (careful: shared?)

By default the drill creates a PostgreSQL cluster of its own
(``pg_createcluster``, trust authentication on the loopback interface, a free
port from 5433 up), runs everything there and drops it at the end: no other
database on the machine is stopped. ``--cluster VERSION/NAME`` restarts an
existing cluster instead; whatever happens (an error, Ctrl-C, SIGTERM), the
drill starts again the cluster it stopped before it exits. Only SIGKILL of the
drill itself can leave the cluster down: start it with
``pg_ctlcluster VERSION NAME start``.

Part 1, the database restarted during a load run: gunicorn in the production
profile (``CONN_MAX_AGE=60`` with ``CONN_HEALTH_CHECKS``, as in production)
serves readers and curators (see bench/load_test.py) and a probe that asks for a
page needing the database every 0.2 s. After ``--before`` seconds the cluster
is stopped (``pg_ctlcluster ... stop -m fast``: connections are cut), kept down
``--outage`` seconds, started again, and the load goes on ``--after`` seconds.
Checked: while the database is down, every request is answered within
``--hang-limit`` seconds, either normally (a page that needs no database) or
with the site's error page (status 500, acsa_db/templates/500.html) and no
traceback or driver message in it; once the database is back, the same
gunicorn workers (no restart, none replaced) serve every request again; every
edit a curator was told was saved is in its record.

Part 2, an import killed halfway: a CSV of ``--import-rows`` made-up sources
(slugs ``drill-...``) is imported with ``manage.py import_data`` in a
subprocess. A dry run first measures the phases (PostgreSQL gives the import's
transaction an id at its first write: that is when writing starts). The real
import is then killed with SIGKILL halfway through its writing phase. Checked:
it was killed while its transaction was open and writing; no row of it is in
the ``source`` table or its history; the server let go of its connection; and
the same file imported again to the end brings every row in.

Exit status 0 when every check passes, 1 otherwise. Figures and outcome go
into docs/reliability.md ("Fault drill").
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._common import (  # noqa: E402  (the project root goes on sys.path first)
    Browser,
    Curator,
    Gunicorn,
    PostgresWriteProbe,
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
    import_command,
    kill_import_while_writing,
    percentile,
    pg_connect,
    pick_edit_targets,
    prepare_site,
    print_figures,
    production_env,
    run_users,
    seeded_rng,
    setup_django,
    sign_in_all,
    timed_import,
    write_source_csv,
)

PG_CTL = ["pg_ctlcluster", "--skip-systemctl-redirect"]


class Cluster:
    """A PostgreSQL cluster of Debian's postgresql-common (pg_lsclusters, pg_ctlcluster)."""

    def __init__(self, version, name):
        self.version, self.name = str(version), name
        self.stopped_by_us = False

    def _listing(self):
        out = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True)
        for line in out.stdout.splitlines():
            version, name, port, status, *_ = line.split()
            if (version, name) == (self.version, self.name):
                return int(port), status
        raise LookupError(f"no PostgreSQL cluster {self.version}/{self.name} (see pg_lsclusters)")

    @property
    def port(self):
        return self._listing()[0]

    @property
    def online(self):
        return self._listing()[1] == "online"

    @property
    def server_url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def stop(self):
        self.stopped_by_us = True
        subprocess.run([*PG_CTL, self.version, self.name, "stop", "-m", "fast"], check=True)

    def start(self, wait=60):
        subprocess.run([*PG_CTL, self.version, self.name, "start"], check=True)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            ready = subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(self.port)], check=False)
            if ready.returncode == 0:
                self.stopped_by_us = False
                return
            time.sleep(0.1)
        raise RuntimeError(f"cluster {self.version}/{self.name} did not accept connections within {wait} s")

    def restore(self):
        """Start the cluster again if this drill stopped it (tries three times)."""
        for attempt in range(3):
            try:
                if not self.online:
                    print(f"Restoring cluster {self.version}/{self.name} ...")
                    self.start()
                self.stopped_by_us = False
                return True
            except (subprocess.CalledProcessError, RuntimeError) as exc:
                print(f"  attempt {attempt + 1}: {exc}")
                time.sleep(2)
        print(
            f"COULD NOT RESTART cluster {self.version}/{self.name}: run pg_ctlcluster {self.version} {self.name} start"
        )
        return False

    @classmethod
    def create_private(cls, version, port):
        name = f"acsa_drill_{os.getpid()}"
        subprocess.run(
            [
                "pg_createcluster",
                version,
                name,
                "--port",
                str(port),
                "--",
                "--auth-local=trust",
                "--auth-host=trust",
            ],
            check=True,
            capture_output=True,
        )
        cluster = cls(version, name)
        cluster.start()
        return cluster

    def drop(self):
        subprocess.run(["pg_dropcluster", self.version, self.name, "--stop"], check=False)


def free_cluster_port(start=5433):
    out = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True).stdout
    taken = {int(line.split()[2]) for line in out.splitlines() if line.strip()}
    port = start
    while (
        port in taken
        or subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port)]).returncode != 2
    ):
        port += 1  # pg_isready exits 2 when nothing answers on the port
    return port


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--cluster",
        help="Restart this existing cluster, VERSION/NAME (e.g. 15/main); by default a private "
        "cluster is created for the drill and dropped afterwards.",
    )
    parser.add_argument("--pg-version", default="15", help="Version of the private cluster (default 15).")
    parser.add_argument(
        "--before", type=float, default=15, help="Seconds of load before the stop (default 15)."
    )
    parser.add_argument(
        "--outage", type=float, default=10, help="Seconds the database stays down (default 10)."
    )
    parser.add_argument(
        "--after", type=float, default=30, help="Seconds of load after the start (default 30)."
    )
    parser.add_argument("--readers", type=int, default=10, help="Concurrent readers (default 10).")
    parser.add_argument("--curators", type=int, default=2, help="Concurrent curators (default 2).")
    parser.add_argument(
        "--reader-think",
        type=float,
        default=0.5,
        help="Mean pause between a reader's requests (default 0.5 s).",
    )
    parser.add_argument(
        "--hang-limit",
        type=float,
        default=5.0,
        help="A request during the outage answered later than this many seconds counts as a hang (default 5).",
    )
    parser.add_argument(
        "--import-rows", type=int, default=100_000, help="Rows of the import to kill (default 100,000)."
    )
    parser.add_argument("--skip-restart", action="store_true", help="Only the killed import (part 2).")
    parser.add_argument("--skip-import", action="store_true", help="Only the database restart (part 1).")
    parser.add_argument("--seed", type=int, default=8, help="Seed of the virtual users' choices.")
    parser.add_argument("--json", type=Path, help="Also write the figures and checks to this JSON file.")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary directory (logs, CSV).")
    return parser.parse_args(argv)


def _exit_on_signal(signum, frame):
    raise SystemExit(f"stopped by signal {signum}")


def main(argv=None):
    args = parse_args(argv)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _exit_on_signal)  # so that the finally clauses below run
    workdir = Path(tempfile.mkdtemp(prefix="acsa-drill-"))
    checks = []
    report = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "settings": {k: str(v) for k, v in vars(args).items()},
    }
    cluster = created = name = None
    try:
        if args.cluster:
            version, _, name = args.cluster.partition("/")
            cluster = Cluster(version, name)
            if not cluster.online:
                raise SystemExit(f"cluster {args.cluster} is not running")
            print(f"Using cluster {args.cluster} on port {cluster.port}: it will be restarted.")
        else:
            port = free_cluster_port()
            cluster = created = Cluster.create_private(args.pg_version, port)
            print(f"Created private cluster {cluster.version}/{cluster.name} on port {port}")
        report["cluster"] = f"{cluster.version}/{cluster.name}"
        report["load_average_at_start"] = os.getloadavg()  # other work on the machine shares its cores
        name = f"acsa_drill_{int(time.time())}"
        create_database(cluster.server_url, name)
        url = database_url(cluster.server_url, name)
        env = production_env(url, workdir / "static")
        print(f"Database {name}; logs in {workdir}")
        prepare_site(env)
        analyze(cluster.server_url, name)
        setup_django(url)
        if not args.skip_restart:
            restart_under_load(args, cluster, env, workdir, checks, report)
        if not args.skip_import:
            kill_an_import(args, cluster, name, env, workdir, checks, report)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)  # let nothing interrupt the restoring
        if cluster is not None:
            restored = cluster.restore() if cluster.stopped_by_us else cluster.online
            checks.append(
                ("the cluster is running at the end", restored, f"{cluster.version}/{cluster.name}")
            )
        if created is not None:
            created.drop()
            print(f"Dropped private cluster {created.version}/{created.name}")
        elif cluster is not None and name is not None:
            try:
                drop_database(cluster.server_url, name)
            except Exception as exc:  # report it; the drill's own outcome stands
                print(f"Could not drop the drill's database {name}: {exc}")

    report["load_average_at_end"] = os.getloadavg()
    print(
        f"\nLoad average (1, 5, 15 min): {_loads(report.get('load_average_at_start'))} at the start, "
        f"{_loads(report['load_average_at_end'])} at the end"
    )
    print("\nChecks")
    for label, passed, detail in checks:
        print(f"  {'PASS' if passed else 'FAIL'}  {label} ({detail})")
    ok = bool(checks) and all(passed for _, passed, _ in checks)
    report["checks"] = [
        {"check": label, "passed": passed, "detail": str(detail)} for label, passed, detail in checks
    ]
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str))
        print(f"\nWrote {args.json}")
    if args.keep or not ok:
        print(f"Logs kept in {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    print("\nPASS" if ok else "\nFAIL")
    return 0 if ok else 1


# --- part 1 --------------------------------------------------------------------------------------


def restart_under_load(args, cluster, env, workdir, checks, report):
    from django.db import connection

    rng = seeded_rng(args.seed)
    password = secrets.token_urlsafe(18)
    reader_names = create_users("drill-reader", args.readers + 1, "viewer", password)
    curator_names = create_users("drill-curator", args.curators, "curator", password)
    catalog = build_catalog(rng)
    targets = pick_edit_targets(rng)
    initial_versions = current_versions(targets)
    probe_page = "/admin/acsa_db/agreement/"
    connection.close()

    recorder = Recorder()
    ledger = []
    server = Gunicorn(env, workdir)
    with server:
        browsers = [Browser(server.base_url, recorder, timeout=30) for _ in reader_names]
        readers = [Reader(b, catalog, seeded_rng(rng.random())) for b in browsers[1:]]
        curators = [
            Curator(Browser(server.base_url, recorder), n, targets, seeded_rng(rng.random()), ledger)
            for n in curator_names
        ]
        refused = sign_in_all(
            list(zip(browsers, reader_names, strict=True)) + [(c.browser, c.name) for c in curators], password
        )
        if refused:
            checks.append(("every virtual user signed in", False, ", ".join(refused)))
            return
        workers_before = server.worker_pids()
        stop = threading.Event()

        def probe():
            while not stop.is_set():
                browsers[0].get("probe", probe_page)
                stop.wait(0.2)

        load_started = recorder.now()
        load = threading.Thread(
            target=run_users,
            args=(readers, curators),
            kwargs={
                "duration": 3600,
                "max_requests": 10**7,
                "recorder": recorder,
                "reader_think": args.reader_think,
                "stop": stop,
            },
        )
        prober = threading.Thread(target=probe)
        load.start()
        prober.start()
        try:
            print(f"Load: {len(readers)} readers, {len(curators)} curators, a probe every 0.2 s")
            stop.wait(args.before)
            t_stop = recorder.now()
            print(f"  {t_stop - load_started:5.1f} s  stopping the database")
            cluster.stop()
            t_down = recorder.now()
            stop.wait(args.outage)
            t_start = recorder.now()
            print(f"  {t_start - load_started:5.1f} s  starting the database")
            cluster.start()
            t_ready = recorder.now()
            print(f"  {t_ready - load_started:5.1f} s  the database accepts connections")
            stop.wait(args.after)
        finally:
            stop.set()
            load.join(90)
            prober.join(60)
        t_end = recorder.now()
        workers_after = server.worker_pids()
        master_alive = server.process.poll() is None
    connection.close()
    samples = [s for s in recorder.samples if s.started >= load_started]

    def overlaps_outage(s):
        return s.started <= t_ready and s.started + s.seconds >= t_stop

    before = [s for s in samples if s.started + s.seconds < t_stop]
    during = [s for s in samples if overlaps_outage(s)]
    after = [s for s in samples if s.started > t_ready]
    failures = [s for s in during if s.status is None or s.status >= 500]
    unclean = [s for s in failures if not s.clean_error_page]
    slow = [s for s in during if s.seconds > args.hang_limit]
    # pg_ctlcluster start returns once the server accepts connections, a little after it does:
    # the recovery is timed from the start command.
    probes_after = [s for s in samples if s.kind == "probe" and s.started >= t_start]
    first_ok = next((s for s in probes_after if s.status == 200), None)
    recovered_after = (first_ok.started + first_ok.seconds - t_start) if first_ok else None
    errors_after = [s for s in after if s.status is None or s.status >= 500 or s.unexpected]
    errors_before = [s for s in before if s.status is None or s.status >= 500 or s.unexpected]
    edits = check_edits(ledger, initial_versions)
    connection.close()

    phases = {
        "before": figures(before, t_stop - load_started),
        "outage": figures(during, t_ready - t_stop),
        "after": figures(after, t_end - t_ready),
    }
    for phase, rows in phases.items():
        print_figures(rows, f"{phase}")
    failure_latencies = sorted(s.seconds for s in failures)
    outage = {
        "stop_command_seconds": t_down - t_stop,
        "start_command_seconds": t_ready - t_start,
        "stop_to_ready_seconds": t_ready - t_stop,
        "requests_during": len(during),
        "answered_normally": sum(s.status is not None and s.status < 500 for s in during),
        "error_pages": len(failures) - len(unclean),
        "unclean_failures": len(unclean),
        "error_page_p50_ms": percentile(failure_latencies, 50) * 1000,
        "error_page_p99_ms": percentile(failure_latencies, 99) * 1000,
        "slowest_during_ms": max((s.seconds for s in during), default=0) * 1000,
        "first_probe_ok_after_start_command_seconds": recovered_after,
        "errors_after_ready": len(errors_after),
        "saves": {o: sum(e.outcome == o for e in ledger) for o in sorted({e.outcome for e in ledger})},
        "failed_saves_found_in_record": edits.failed_present,
    }
    report["restart"] = {"phases": phases, "outage": outage}
    print(
        "\nOutage: "
        + ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in outage.items())
    )
    for s in (unclean + slow + errors_after + errors_before)[:10]:
        print(f"    {s.kind} {s.method} {s.path} at {s.started:.1f} s: {s.status} {s.error} {s.unexpected}")

    checks += [
        ("no error before the stop", not errors_before, f"{len(errors_before)} of {len(before)}"),
        (
            "the outage was felt: requests got the error page",
            len(failures) > 0,
            f"{len(failures)} of {len(during)} requests during the outage",
        ),
        (
            "during the outage, every failure is the error page (status 500, nothing leaked)",
            not unclean,
            f"{len(unclean)} other failures",
        ),
        (
            f"during the outage, every request answered within {args.hang_limit:.0f} s",
            not slow,
            f"slowest {outage['slowest_during_ms']:.0f} ms",
        ),
        (
            "the app serves again once the database is back",
            first_ok is not None,
            f"first page served {recovered_after:.2f} s after the start command" if first_ok else "never",
        ),
        ("no error once the database is back", not errors_after, f"{len(errors_after)} of {len(after)}"),
        (
            "same gunicorn master and workers (no restart)",
            master_alive and workers_before == workers_after,
            f"workers {sorted(workers_before)} -> {sorted(workers_after)}",
        ),
        (
            "every saved edit is in its record (no lost update)",
            not edits.lost,
            f"{edits.saved} saved, {len(edits.lost)} lost",
        ),
        ("no refused edit is in its record", not edits.resurrected, f"{len(edits.resurrected)}"),
    ]


# --- part 2 --------------------------------------------------------------------------------------


def table_counts(connect):
    connection = connect()
    try:
        with connection.cursor() as cursor:
            counts = {}
            for table in ("source", "source_history"):
                cursor.execute(f"SELECT count(*) FROM {table}")
                counts[table] = cursor.fetchone()[0]
            cursor.execute("SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 'source'")
            counts["source inserts (statistics)"] = cursor.fetchone()[0]
            return counts
    finally:
        connection.close()


def kill_an_import(args, cluster, name, env, workdir, checks, report):
    def connect():
        return pg_connect(cluster.server_url, name)

    application_name = f"acsa-drill-import-{os.getpid()}"
    import_env = {
        **env,
        "DATABASE_URL": database_url(cluster.server_url, name, application_name=application_name),
    }
    started = time.monotonic()
    path = write_source_csv(workdir / "source.csv", args.import_rows)
    print(
        f"\nImport: {args.import_rows:,} rows, {path.stat().st_size / 1e6:.1f} MB, written in {time.monotonic() - started:.1f} s"
    )
    probe = PostgresWriteProbe(connect, application_name)
    try:
        before = table_counts(connect)
        first_write, total, _ = timed_import(import_command(path, dry_run=True), import_env, probe)
        if first_write is None:
            checks.append(("the dry run was seen writing", False, "no write seen"))
            return
        writing = total - first_write
        after_dry_run = table_counts(connect)
        print(
            f"  dry run: start-up and validation {first_write:.1f} s, writing (then rolled back) {writing:.1f} s"
        )

        killed = kill_import_while_writing(import_command(path), import_env, probe, delay=writing / 2)
        gone_after = None
        waited = time.monotonic()
        while time.monotonic() - waited < 60:
            if not probe.connected():
                gone_after = time.monotonic() - waited
                break
            time.sleep(0.05)
        time.sleep(1.5)  # the server publishes the dead backend's statistics at exit
        after_kill = table_counts(connect)
        rolled_back = after_kill["source inserts (statistics)"] - after_dry_run["source inserts (statistics)"]
        print(
            f"  killed {killed.killed_after:.1f} s after start ({killed.killed_after - killed.started_writing_after:.1f} s "
            f"into writing), while writing: {killed.writing_when_killed}; its session gone {_seconds(gone_after)} later"
            if killed.killed_after
            else f"  the import ended before it could be killed: {killed.output}"
        )
        _, rerun_seconds, rerun_output = timed_import(import_command(path), import_env, probe)
        after_rerun = table_counts(connect)
        print(f"  imported again to the end in {rerun_seconds:.1f} s: {rerun_output.strip()}")
    finally:
        probe.close()
    report["import"] = {
        "rows": args.import_rows,
        "dry_run_startup_and_validation_seconds": first_write,
        "dry_run_writing_seconds": writing,
        "killed_after_seconds": killed.killed_after,
        "killed_into_writing_seconds": (killed.killed_after or 0) - (killed.started_writing_after or 0),
        "writing_when_killed": killed.writing_when_killed,
        "returncode": killed.returncode,
        "backend_gone_after_seconds": gone_after,
        "rows_inserted_then_rolled_back": rolled_back,
        "counts": {
            "before": before,
            "after_dry_run": after_dry_run,
            "after_kill": after_kill,
            "after_rerun": after_rerun,
        },
        "rerun_seconds": rerun_seconds,
    }
    print(f"  rows written by the killed import, then rolled back (statistics): {rolled_back:,}")
    same = {k: v for k, v in before.items() if k != "source inserts (statistics)"}
    checks += [
        ("the dry run wrote nothing", _rows(after_dry_run) == same, f"{_rows(after_dry_run)}"),
        (
            "killed halfway through writing, its transaction open",
            killed.killed_after is not None
            and killed.writing_when_killed
            and killed.returncode == -signal.SIGKILL,
            f"{report['import']['killed_into_writing_seconds']:.1f} s of {writing:.1f} s into writing",
        ),
        (
            "the killed import left nothing written",
            _rows(after_kill) == same,
            f"{_rows(after_kill)} vs {same}",
        ),
        (
            "the server let go of the killed import's connection",
            gone_after is not None,
            f"session gone {_seconds(gone_after)} after the kill",
        ),
        (
            "the same file imported again brings every row in",
            after_rerun["source"] == before["source"] + args.import_rows,
            f"source {before['source']:,} -> {after_rerun['source']:,}",
        ),
    ]


def _seconds(value):
    return "never" if value is None else f"{value:.3f} s"


def _loads(averages):
    return " ".join(f"{a:.1f}" for a in averages) if averages else "?"


def _rows(counts):
    return {k: v for k, v in counts.items() if k != "source inserts (statistics)"}


if __name__ == "__main__":
    sys.exit(main())
