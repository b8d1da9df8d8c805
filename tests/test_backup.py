"""Backup and restore reproduce every table exactly, on the engine the suite runs on.

The procedure runs end to end as an operator would: ``backup_database`` from a
seeded database, ``restore_database`` into a new, empty one, then every table
of both is compared row by row, and the checksums of the published data set
(``export_dataset``) before and after.
"""

import json
import os
import subprocess
import sys
import uuid

import dj_database_url
import psycopg
import pytest
from django.conf import settings
from django.db import connection


def manage(database_url, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        env={**os.environ, "DATABASE_URL": database_url},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def two_databases(tmp_path):
    """URLs of two new, empty databases on the engine under test; dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'original.sqlite3'}", f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    params = dj_database_url.parse(os.environ["DATABASE_URL"])
    names = [f"acsa_backup_{uuid.uuid4().hex[:10]}_{side}" for side in ("a", "b")]
    admin = psycopg.connect(
        dbname="postgres",
        user=params["USER"],
        host=params["HOST"],
        port=params["PORT"] or 5432,
        password=params.get("PASSWORD") or None,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        for name in names:
            cursor.execute(f'CREATE DATABASE "{name}"')
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    try:
        yield f"{base}/{names[0]}", f"{base}/{names[1]}"
    finally:
        with admin.cursor() as cursor:
            for name in names:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def table_contents(database_url):
    """Every table's rows, in primary-key order, read through a plain DB-API connection."""
    code = (
        "import json, django; django.setup()\n"
        "from django.db import connection\n"
        "out = {}\n"
        "with connection.cursor() as c:\n"
        "    for table in sorted(connection.introspection.table_names()):\n"
        "        c.execute(f'SELECT * FROM \"{table}\" ORDER BY 1')\n"
        "        out[table] = [[str(v) for v in row] for row in c.fetchall()]\n"
        "print(json.dumps(out))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "acsa_db.settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_restore_into_an_empty_database_reproduces_every_table(two_databases, tmp_path):
    original, restored = two_databases
    manage(original, "migrate", "--no-input", "-v0")
    manage(original, "load_fixtures", "-v0")
    backup_file = tmp_path / "acsa.backup"
    manage(original, "backup_database", str(backup_file))
    manage(restored, "restore_database", str(backup_file))

    before, after = table_contents(original), table_contents(restored)
    assert sum(len(rows) for rows in before.values()) > 270  # countries at the least
    assert before == after

    # And the published data set, file by file: the checksums export_dataset writes agree.
    manage(original, "export_dataset", str(tmp_path / "before"))
    manage(restored, "export_dataset", str(tmp_path / "after"))
    assert csv_checksums(tmp_path / "before") == csv_checksums(tmp_path / "after")
    assert len(csv_checksums(tmp_path / "before")) >= 10


def csv_checksums(outdir):
    """The SHA256SUMS lines of the CSV files (the codebook and datapackage carry the export date)."""
    lines = (outdir / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    return sorted(line for line in lines if line.endswith(".csv"))


def test_restore_refuses_a_database_that_is_not_empty(two_databases, tmp_path):
    original, _ = two_databases
    manage(original, "migrate", "--no-input", "-v0")
    backup_file = tmp_path / "acsa.backup"
    manage(original, "backup_database", str(backup_file))
    result = subprocess.run(
        [sys.executable, "manage.py", "restore_database", str(backup_file)],
        env={**os.environ, "DATABASE_URL": original},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "is not empty" in result.stderr
