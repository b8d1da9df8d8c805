"""Create (or bring up to date) a PostgreSQL login role that can only read the published data."""

import os
import re

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

from ...sql import view_names
from ...sql.catalog import data_tables

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
TIMEOUT = re.compile(r"^\d+\s*(ms|s|min|h)?$")
INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL's SQLSTATE for "permission denied"
SIZE = re.compile(r"^\d+\s*(kB|MB|GB|TB)?$")


class Command(BaseCommand):
    help = (
        "PostgreSQL: create a login role that can SELECT the data tables and views and nothing else "
        "(no users, sessions, admin log or edit history), with a statement timeout, an idle-in-transaction "
        "timeout and a connection limit. Run it again after a migration to grant new views; it also "
        "revokes anything granted to the role since. docs/deployment.md says which limits a session "
        "can lift and which it cannot."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="Role name: lowercase letters, digits and underscores.")
        parser.add_argument(
            "--statement-timeout",
            default="30s",
            help="Longest a statement may run before PostgreSQL cancels it (default 30s; ms, s, min, h).",
        )
        parser.add_argument(
            "--idle-in-transaction-timeout",
            default="5min",
            help="End a session left idle inside an open transaction after this long, so that it stops "
            "holding back VACUUM (default 5min; 0 turns it off).",
        )
        parser.add_argument(
            "--connection-limit",
            type=int,
            default=10,
            help="Most sessions the role may hold at once (default 10; -1 for no limit). Enforced: a "
            "session cannot lift it.",
        )
        parser.add_argument(
            "--temp-file-limit",
            metavar="SIZE",
            help="Most temporary disk space one session's sorts and hashes may use (500MB, 2GB). Enforced: "
            "a session cannot lift it. Setting it needs a superuser, or on PostgreSQL 15 and later a "
            "role granted SET ON PARAMETER temp_file_limit. Default: the server's (no limit).",
        )
        parser.add_argument(
            "--password-env",
            metavar="VARIABLE",
            help="Set the role's password from this environment variable (for password authentication). "
            "It is hashed before it is sent; without it the role has no password.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default).")

    def handle(
        self,
        *args,
        name,
        statement_timeout,
        idle_in_transaction_timeout,
        connection_limit,
        temp_file_limit,
        password_env,
        database,
        **options,
    ):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError(
                "Roles are a PostgreSQL feature. On SQLite, open the file read-only instead: "
                "sqlite3 'file:db.sqlite3?mode=ro' (see the README, 'SQL for researchers')."
            )
        if not ROLE_NAME.match(name):
            raise CommandError(f"{name!r} is not a role name this command creates: use [a-z_][a-z0-9_]*.")
        if not TIMEOUT.match(statement_timeout.strip()):
            raise CommandError(f"{statement_timeout!r} is not a timeout: write 30s, 500ms, 2min or 1h.")
        if not TIMEOUT.match(idle_in_transaction_timeout.strip()):
            raise CommandError(
                f"{idle_in_transaction_timeout!r} is not a timeout: write 5min, 30s, 1h or 0 (no timeout)."
            )
        if connection_limit < -1:
            raise CommandError(f"{connection_limit} is not a connection limit: a count, or -1 for none.")
        if temp_file_limit is not None and not SIZE.match(temp_file_limit.strip()):
            raise CommandError(f"{temp_file_limit!r} is not a size: write 500MB, 2GB or 100000kB.")
        password = None
        if password_env:
            password = os.environ.get(password_env)
            if not password:
                raise CommandError(f"The environment variable {password_env} is empty or unset.")

        quote = connection.ops.quote_name
        role = quote(name)
        tables = data_tables()
        views = list(view_names())
        with transaction.atomic(using=database), connection.cursor() as cursor:
            self._refuse_privileged_role(cursor, name)
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
            verb = "ALTER" if cursor.fetchone() else "CREATE"
            cursor.execute(
                f"{verb} ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS "
                f"CONNECTION LIMIT {int(connection_limit)}"
            )
            if password:
                # Hashed here with the server's scheme (SCRAM), so the plain
                # password appears in no statement or server log.
                pgconn = cursor.cursor.connection.pgconn
                hashed = pgconn.encrypt_password(password.encode(), name.encode()).decode()
                cursor.execute(f"ALTER ROLE {role} PASSWORD %s", [hashed])
            # Defaults for the role's sessions: a session can SET them otherwise (they are advice to
            # a researcher's client, not limits); temp_file_limit, a superuser setting, it cannot.
            cursor.execute(f"ALTER ROLE {role} SET statement_timeout = %s", [statement_timeout.strip()])
            cursor.execute(
                f"ALTER ROLE {role} SET idle_in_transaction_session_timeout = %s",
                [idle_in_transaction_timeout.strip()],
            )
            if temp_file_limit is not None:
                self._set_temp_file_limit(cursor, role, temp_file_limit.strip())
            # A second guard only: a session can turn it off, the grants below it cannot.
            cursor.execute(f"ALTER ROLE {role} SET default_transaction_read_only = on")
            cursor.execute("SELECT current_schema(), current_database()")
            schema, database_name = cursor.fetchone()
            # Start from nothing, so that running it again also takes back what
            # was granted to the role by hand since.
            cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {quote(schema)} FROM {role}")
            cursor.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {quote(schema)} FROM {role}")
            cursor.execute(f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA {quote(schema)} FROM {role}")
            cursor.execute(f"REVOKE ALL ON SCHEMA {quote(schema)} FROM {role}")
            cursor.execute(f"GRANT CONNECT ON DATABASE {quote(database_name)} TO {role}")
            cursor.execute(f"GRANT USAGE ON SCHEMA {quote(schema)} TO {role}")
            relations = ", ".join(quote(relation) for relation in tables + views)
            cursor.execute(f"GRANT SELECT ON {relations} TO {role}")

        settings = connection.settings_dict
        host = settings.get("HOST") or "localhost"
        port = settings.get("PORT") or 5432
        self.stdout.write(
            f"Role {name} {'created' if verb == 'CREATE' else 'updated'}: SELECT on {len(tables)} tables "
            f"and {len(views)} views of {database_name}, statement timeout {statement_timeout}, "
            f"idle-in-transaction timeout {idle_in_transaction_timeout}, connection limit "
            f"{'none' if connection_limit == -1 else connection_limit}"
            f"{f', temp_file_limit {temp_file_limit}' if temp_file_limit else ''}.\n"
            f"Connect with: psql 'postgres://{name}@{host}:{port}/{database_name}'"
        )

    def _set_temp_file_limit(self, cursor, role, size):
        try:
            cursor.execute(f"ALTER ROLE {role} SET temp_file_limit = %s", [size])
        except DatabaseError as error:
            if getattr(error.__cause__, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
                raise
            # The whole command's transaction is rolled back on the way out.
            raise CommandError(
                "Only a superuser (or, on PostgreSQL 15 and later, a role granted SET ON PARAMETER "
                "temp_file_limit) can set temp_file_limit: run the command as one, or leave "
                "--temp-file-limit out. Nothing was changed."
            ) from None

    def _refuse_privileged_role(self, cursor, name):
        cursor.execute(
            "SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls, "
            "rolname = current_user FROM pg_roles WHERE rolname = %s",
            [name],
        )
        found = cursor.fetchone()
        if found and (found[0] or found[1]):
            raise CommandError(
                f"Role {name} exists with rights beyond reading (or is the role running this command); "
                "it is left unchanged. Choose another name."
            )
