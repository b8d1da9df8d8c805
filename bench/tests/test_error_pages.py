"""Faults, seen from outside: a database outage gives the site's error page, and a killed import
leaves nothing written.

bench/fault_drill.py does both to a running gunicorn and a real PostgreSQL
restart; these tests do them in-process and on small files, on the test
database (SQLite or PostgreSQL), with the drill's own helpers.
"""

import contextlib
import copy
import os
import signal
import socket
import sqlite3
import time
import urllib.parse

import pytest
from django.db import connection, connections
from django.db.utils import load_backend
from django.test import Client
from django.urls import reverse

from acsa_db.models import Source
from bench._common import (
    PostgresWriteProbe,
    SqliteWriteProbe,
    import_command,
    is_clean_error_page,
    kill_import_while_writing,
    write_source_csv,
)


def closed_port():
    """A loopback port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def database_down(tmp_path):
    """This thread's default connection goes to a database that is not there, for real.

    PostgreSQL: a port nothing listens on (connection refused). SQLite: a file
    in a directory that does not exist (unable to open database file). The
    test database itself is untouched and is put back afterwards.
    """
    original = connections["default"]
    settings_dict = copy.deepcopy(original.settings_dict)
    if original.vendor == "postgresql":
        settings_dict.update(HOST="127.0.0.1", PORT=closed_port())
    else:
        settings_dict["NAME"] = str(tmp_path / "no-such-directory" / "db.sqlite3")
    broken = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")
    connections["default"] = broken
    try:
        yield
    finally:
        broken.close()
        connections["default"] = original


@pytest.fixture
def curator_client(curator):
    """A signed-in curator whose server errors come back as pages, as a browser gets them."""
    client = Client(raise_request_exception=False)
    client.force_login(curator)
    return client


def test_a_database_outage_gives_the_error_page_and_leaks_nothing(
    curator_client, agreement, tmp_path, caplog
):
    url = reverse("admin:acsa_db_agreement_changelist")
    assert curator_client.get(url).status_code == 200  # the page itself is fine

    with database_down(tmp_path):
        response = curator_client.get(url)

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "<title>Server error | ACSA DB</title>" in page
    assert "ACSA DB could not complete this request" in page
    for leak in ("Traceback", "OperationalError", "psycopg", "sqlite", "SELECT", "acsa_db.", 'File "'):
        assert leak not in page
    assert is_clean_error_page(response.content)  # how the drill tells this page from any other 500
    # The security headers are still there on the error page.
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    # The traceback goes to the operators' log instead.
    logged = [r for r in caplog.records if r.name == "django.request" and r.exc_info]
    assert logged and type(logged[-1].exc_info[1]).__name__ == "OperationalError"

    # The database is back: the same session is served again.
    assert curator_client.get(url).status_code == 200


def test_a_save_during_an_outage_gets_the_error_page_and_changes_nothing(curator_client, agreement, tmp_path):
    url = reverse("admin:acsa_db_agreement_change", args=[agreement.pk])
    form = {
        "short_title": agreement.short_title,
        "title": "Saved while the database was down",
        "slug": agreement.slug,
        "type": agreement.type_id,
        "based_on_version": agreement.version,
        **{
            f"{inline}-{n}": "0"
            for inline in ("parties", "events", "citations")
            for n in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
    }
    with database_down(tmp_path):
        response = curator_client.post(url, form)
    assert response.status_code == 500
    assert is_clean_error_page(response.content)
    agreement.refresh_from_db()
    assert agreement.title == "Agreement between Japan and Germany on reciprocal supplies"
    assert agreement.version == form["based_on_version"]


def test_a_clean_error_page_is_told_apart_from_a_leaking_one():
    assert not is_clean_error_page(b"<h1>Server Error (500)</h1>")  # Django's default: not ours
    leaking = b"ACSA DB could not complete this request. Traceback (most recent call last): ..."
    assert not is_clean_error_page(leaking)


# --- an import killed with SIGKILL while it writes ------------------------------------------------

ROWS = 5000  # enough for the writing phase to last a good fraction of a second


def _postgres_url(settings_dict, application_name):
    user = urllib.parse.quote(settings_dict["USER"] or "postgres")
    password = settings_dict.get("PASSWORD")
    auth = f"{user}:{urllib.parse.quote(password)}" if password else user
    host = settings_dict["HOST"] or "localhost"
    port = settings_dict["PORT"] or 5432
    query = urllib.parse.urlencode({"application_name": application_name})
    return f"postgres://{auth}@{host}:{port}/{settings_dict['NAME']}?{query}"


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_while_writing_leaves_nothing_written(tmp_path):
    csv_path = write_source_csv(tmp_path / "source.csv", ROWS)
    if connection.vendor == "postgresql":
        import psycopg

        application_name = f"acsa-test-killed-import-{os.getpid()}"
        database_url = _postgres_url(connection.settings_dict, application_name)

        def connect():
            raw = psycopg.connect(**connection.get_connection_params())
            raw.autocommit = True
            return raw

        probe = PostgresWriteProbe(connect, application_name)

        def counts():
            return Source.objects.count(), Source.history.count()
    else:
        # The in-memory test database, copied to a file that a second process can open.
        database_file = tmp_path / "db.sqlite3"
        connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(database_file)) as copy_:
            connection.connection.backup(copy_)
        database_url = f"sqlite:///{database_file}"
        probe = SqliteWriteProbe(database_file)

        def counts():
            # Opening the file rolls back the killed process's hot journal.
            with contextlib.closing(sqlite3.connect(database_file)) as db:
                assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
                return tuple(
                    db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                    for t in ("source", "source_history")
                )

    before = counts()
    env = {**os.environ, "ACSA_ENV": "development", "DATABASE_URL": database_url}
    try:
        killed = kill_import_while_writing(import_command(csv_path), env, probe, timeout=120)
        # Its connection ends with it (the server rolls its transaction back).
        deadline = time.monotonic() + 30
        while probe.connected() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not probe.connected()
    finally:
        probe.close()

    # It had passed validation and was writing (every row valid), and SIGKILL ended it.
    assert killed.started_writing_after is not None, killed.output
    assert killed.writing_when_killed
    assert killed.returncode == -signal.SIGKILL
    assert counts() == before
