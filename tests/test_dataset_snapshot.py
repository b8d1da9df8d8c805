"""export_dataset reads one snapshot (issue 16, point 13).

Apart from test_dataset_export.py, whose seeded data set holds a transaction open for the whole
module: here the command must open its own.
"""

import csv
import json

import pytest
from django.core.management import call_command
from django.db import connection

from acsa_db.models import Source


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def package(outdir):
    return json.loads((outdir / "datapackage.json").read_text(encoding="utf-8"))


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's isolation levels"
)


def _other_session():
    """A second connection to the test database, as a curator saving an edit would hold."""
    import psycopg

    settings = connection.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"],
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
    )
    other.autocommit = True
    return other


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_command_reads_one_read_only_snapshot(tmp_path, monkeypatch):
    """Issue 16, point 13: every file from the same snapshot, in a transaction that cannot write."""
    from acsa_db.sql import export

    seen = []
    write_csv = export._write_csv

    def watching(connection, relation, path, *options):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('transaction_isolation'), current_setting('transaction_read_only')"
            )
            seen.append(cursor.fetchone())
        if relation.name == "country":
            # A curator saves a source while the export is between files.
            other = _other_session()
            with other.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO source (slug, title, publisher, authors, kind, archive_url, language, "
                    "relays_description, notes) VALUES ('saved-meanwhile', 'x', '', '', 'news', '', 'en', '', '')"
                )
            other.close()
        return write_csv(connection, relation, path, *options)

    monkeypatch.setattr(export, "_write_csv", watching)
    call_command("export_dataset", str(tmp_path / "out"), verbosity=0)
    assert len(seen) == len(package(tmp_path / "out")["resources"])
    assert set(seen) == {("repeatable read", "on")}
    # The source saved after the export began is in the database, not in the export.
    assert Source.objects.filter(slug="saved-meanwhile").exists()
    assert read_csv(tmp_path / "out" / "source.csv")[1:] == []


@postgresql_only
@pytest.mark.django_db
def test_inside_a_callers_transaction_the_export_keeps_the_callers_level(tmp_path):
    # SET TRANSACTION must be a transaction's first statement: the export leaves the caller's alone.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    from acsa_db.sql.export import export_dataset

    export_dataset(tmp_path / "out")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('transaction_read_only')")
        assert cursor.fetchone() == ("off",)
