"""create_readonly_role: a PostgreSQL login that reads the data tables and views, and nothing else.

The tests connect as the role (trust authentication, as on this machine and in
CI) to the test database and try what a researcher's session could try.
"""

import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from psycopg import errors

from acsa_db.sql import view_names
from acsa_db.sql.catalog import data_tables

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="roles are PostgreSQL's")


def drop_role(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
        if cursor.fetchone():
            # Roles are cluster-wide: take back its grants here, then drop it.
            cursor.execute(f'DROP OWNED BY "{name}"')
            cursor.execute(f'DROP ROLE "{name}"')


@pytest.fixture
def role_name():
    name = f"acsa_ro_test_{uuid.uuid4().hex[:10]}"
    yield name
    drop_role(name)


@pytest.fixture
def connect_as(role_name):
    """Open connections to the test database as the role; close them before it is dropped."""
    opened = []

    def connect(**options):
        settings = connection.settings_dict
        conn = psycopg.connect(
            dbname=settings["NAME"],
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
            user=role_name,
            **options,
        )
        conn.autocommit = True
        opened.append(conn)
        return conn

    yield connect
    for conn in opened:
        conn.close()


def run(conn, sql, params=()):
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_role_reads_every_view_and_data_table(role_name, connect_as, agreement, exercise, citation):
    call_command("create_readonly_role", role_name, verbosity=0)
    conn = connect_as()
    for view in view_names():
        run(conn, f"SELECT * FROM {view} LIMIT 5")
    for table in data_tables():
        run(conn, f"SELECT * FROM {table} LIMIT 5")
    assert run(conn, "SELECT agreement_slug, status FROM agreement_status") == [
        ("acsa-jpn-deu-2024", "signed")
    ]
    assert run(conn, "SELECT iso3_1, iso3_2 FROM agreement_dyad") == [("DEU", "JPN")]


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO country (iso3, name, cow_abbrev) VALUES ('XXA', 'Nowhere', '')",
        "UPDATE agreement SET short_title = 'changed'",
        "DELETE FROM citation",
        "TRUNCATE source",
        "CREATE TABLE scratch (id integer)",
        "SELECT nextval('agreement_id_seq')",
    ],
)
def test_the_role_cannot_write_even_with_read_only_mode_turned_off(
    role_name, connect_as, agreement, citation, statement
):
    call_command("create_readonly_role", role_name, verbosity=0)
    conn = connect_as()
    # The role's default is a read-only transaction; a session can switch it
    # off, so the grants are what must stop the write.
    run(conn, "SET default_transaction_read_only = off")
    with pytest.raises((errors.InsufficientPrivilege, errors.ReadOnlySqlTransaction)) as refused:
        run(conn, statement)
    assert isinstance(refused.value, errors.InsufficientPrivilege), refused.value
    assert run(conn, "SELECT short_title FROM agreement") == [("Japan–Germany ACSA",)]


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("table", ["auth_user", "auth_group", "django_session", "django_admin_log"])
def test_the_role_cannot_read_users_sessions_or_the_admin_log(role_name, connect_as, table):
    call_command("create_readonly_role", role_name, verbosity=0)
    conn = connect_as()
    with pytest.raises(errors.InsufficientPrivilege):
        run(conn, f"SELECT * FROM {table}")


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_role_reads_no_table_outside_the_published_set(role_name, connect_as):
    call_command("create_readonly_role", role_name, verbosity=0)
    conn = connect_as()
    readable = {
        row[0]
        for row in run(
            conn,
            "SELECT table_name FROM information_schema.table_privileges "
            "WHERE grantee = %s AND privilege_type = 'SELECT'",
            [role_name],
        )
    }
    assert readable == set(data_tables()) | set(view_names())
    assert "agreement_history" not in readable  # edit histories name their editors
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_name LIKE %s", ["%history"]
        )
        for (history_table,) in cursor.fetchall():
            with pytest.raises(errors.InsufficientPrivilege):
                run(conn, f"SELECT * FROM {history_table}")


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_long_statements_are_cancelled_by_the_statement_timeout(role_name, connect_as):
    call_command("create_readonly_role", role_name, "--statement-timeout", "300ms", verbosity=0)
    conn = connect_as()
    assert run(conn, "SHOW statement_timeout") == [("300ms",)]
    with pytest.raises(errors.QueryCanceled):
        run(conn, "SELECT pg_sleep(2)")


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_running_it_again_takes_back_grants_made_by_hand(role_name, connect_as):
    call_command("create_readonly_role", role_name, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(f'GRANT INSERT, SELECT ON agreement_type, auth_user TO "{role_name}"')
    call_command("create_readonly_role", role_name, verbosity=0)
    conn = connect_as()
    run(conn, "SET default_transaction_read_only = off")
    with pytest.raises(errors.InsufficientPrivilege):
        run(conn, "INSERT INTO agreement_type (code, name, description) VALUES ('X', 'x', '')")
    with pytest.raises(errors.InsufficientPrivilege):
        run(conn, "SELECT * FROM auth_user")


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_password_is_set_hashed(role_name, monkeypatch):
    monkeypatch.setenv("ACSA_TEST_RO_PASSWORD", "correct horse battery staple")
    call_command("create_readonly_role", role_name, "--password-env", "ACSA_TEST_RO_PASSWORD", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", [role_name])
        (stored,) = cursor.fetchone()
    assert stored.startswith(("SCRAM-SHA-256$", "md5"))
    assert "horse" not in stored


@postgresql_only
@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Robert'); DROP TABLE country; --", "UpperCase", "a-b", ""])
def test_names_that_are_not_plain_identifiers_are_refused(name):
    with pytest.raises(CommandError, match="not a role name"):
        call_command("create_readonly_role", name, verbosity=0)


@postgresql_only
@pytest.mark.django_db
def test_an_existing_privileged_role_is_left_alone():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (current,) = cursor.fetchone()
    with pytest.raises(CommandError, match="left unchanged"):
        call_command("create_readonly_role", current, verbosity=0)


@postgresql_only
@pytest.mark.django_db
def test_a_bad_timeout_is_refused(role_name):
    with pytest.raises(CommandError, match="not a timeout"):
        call_command(
            "create_readonly_role", role_name, "--statement-timeout", "30 seconds; DROP", verbosity=0
        )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite message")
@pytest.mark.django_db
def test_on_sqlite_the_command_points_to_read_only_mode():
    with pytest.raises(CommandError, match=r"mode=ro"):
        call_command("create_readonly_role", "researcher", verbosity=0)


# --- What the role enforces, and what a session can lift (issue 16, point 13) -----------------


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_session_can_lift_its_timeouts_which_are_defaults_not_limits(role_name, connect_as):
    # What docs/deployment.md calls advice: the role's defaults, which its own session may SET.
    call_command("create_readonly_role", role_name, verbosity=0)
    conn = connect_as()
    assert run(conn, "SHOW statement_timeout") == [("30s",)]
    assert run(conn, "SHOW idle_in_transaction_session_timeout") == [("5min",)]
    assert run(conn, "SHOW default_transaction_read_only") == [("on",)]
    run(conn, "SET statement_timeout = 0")
    run(conn, "SET idle_in_transaction_session_timeout = 0")
    assert run(conn, "SHOW statement_timeout") == [("0",)]
    run(conn, "SELECT pg_sleep(0.05)")


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_idle_in_transaction_timeout_is_the_option_given(role_name, connect_as):
    call_command("create_readonly_role", role_name, "--idle-in-transaction-timeout", "2min", verbosity=0)
    assert run(connect_as(), "SHOW idle_in_transaction_session_timeout") == [("2min",)]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_connection_limit_is_enforced(role_name, connect_as):
    call_command("create_readonly_role", role_name, "--connection-limit", "1", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolconnlimit FROM pg_roles WHERE rolname = %s", [role_name])
        assert cursor.fetchone() == (1,)
    first = connect_as()
    with pytest.raises(psycopg.OperationalError, match="too many connections"):
        connect_as()
    assert run(first, "SELECT 1") == [(1,)]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_default_connection_limit_is_ten(role_name):
    call_command("create_readonly_role", role_name, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolconnlimit FROM pg_roles WHERE rolname = %s", [role_name])
        assert cursor.fetchone() == (10,)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_temp_file_limit_binds_the_session_which_cannot_lift_it(role_name, connect_as):
    call_command("create_readonly_role", role_name, "--temp-file-limit", "1MB", verbosity=0)
    conn = connect_as()
    assert run(conn, "SHOW temp_file_limit") == [("1MB",)]
    with pytest.raises(errors.InsufficientPrivilege):
        run(conn, "SET temp_file_limit = -1")
    # A sort that spills more than 1 MB to disk is cancelled.
    run(conn, "SET work_mem = '64kB'")
    with pytest.raises(errors.ConfigurationLimitExceeded):
        run(conn, "SELECT g FROM generate_series(1, 500000) AS g ORDER BY g DESC LIMIT 1")


@postgresql_only
@pytest.mark.django_db
@pytest.mark.parametrize(
    "option, value, message",
    [
        ("--idle-in-transaction-timeout", "5 minutes; DROP", "not a timeout"),
        ("--temp-file-limit", "1GB'; DROP", "not a size"),
        ("--connection-limit", "-5", "not a connection limit"),
    ],
)
def test_bad_limits_are_refused(role_name, option, value, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_readonly_role", role_name, option, value, verbosity=0)
