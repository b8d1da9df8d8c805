"""Back up and restore the whole database, with each engine's own tools.

PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore`` into an empty
database. SQLite: the online backup API (a consistent copy while the database
is in use), and a copy back into an empty file.
"""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    pass


def _pg_environment(settings_dict):
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def _run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def backup(path, using="default"):
    """Write a backup of the database to ``path``."""
    connection = connections[using]
    settings_dict = connection.settings_dict
    path = Path(path)
    if connection.vendor == "postgresql":
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={path}",
                settings_dict["NAME"],
            ],
            _pg_environment(settings_dict),
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        raise BackupError(f"no backup procedure for {connection.vendor}")
    return path


def _is_empty(connection):
    with connection.cursor():
        return not connection.introspection.table_names()


def restore(path, using="default"):
    """Restore a backup into the (empty) database ``using`` names."""
    connection = connections[using]
    settings_dict = connection.settings_dict
    path = Path(path)
    if not path.exists():
        raise BackupError(f"{path}: no such backup file")
    if not _is_empty(connection):
        raise BackupError(
            f"the database {settings_dict['NAME']} is not empty: restore into a new, empty database"
        )
    if connection.vendor == "postgresql":
        connection.close()
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={settings_dict['NAME']}",
                str(path),
            ],
            _pg_environment(settings_dict),
        )
    elif connection.vendor == "sqlite":
        connection.close()
        name = str(settings_dict["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            raise BackupError("cannot restore into an in-memory SQLite database")
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(name)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
    else:
        raise BackupError(f"no restore procedure for {connection.vendor}")
