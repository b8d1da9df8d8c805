"""Migration operations that create and drop the researchers' views.

On SQLite, Django rebuilds a table for most ALTERs (create a copy, move the
rows, drop the old table, rename the copy), and SQLite then refuses the rename
because the views that read the table no longer resolve. PostgreSQL refuses to
change the type of a column that a view reads. A migration that alters a table
the views read therefore drops them first and creates them again last::

    from acsa_db.sql.operations import CreateViews, DropViews

    operations = [
        DropViews("v1"),
        migrations.AlterField(...),
        CreateViews("v1"),
    ]

Both take the version whose SQL they run (see ``acsa_db/sql/__init__.py``),
so that an old migration keeps running the SQL it was written with. Both are
reversible, and neither touches Django's model state.
"""

from django.db import router
from django.db.migrations.operations.base import Operation

from . import CURRENT_VERSION, view_names, view_sql


def create_views(schema_editor, version):
    vendor = schema_editor.connection.vendor
    quote = schema_editor.quote_name
    for name in view_names(version):
        # params=None: the SQL is run as written, with no %-placeholders to expand.
        schema_editor.execute(f"CREATE VIEW {quote(name)} AS\n{view_sql(name, vendor, version)}", params=None)
    if vendor == "postgresql" and version == CURRENT_VERSION:
        comment_views(schema_editor)


def drop_views(schema_editor, version):
    quote = schema_editor.quote_name
    # Dependents first. No CASCADE: a view someone else built on ours stops the
    # migration rather than vanishing silently.
    for name in reversed(view_names(version)):
        schema_editor.execute(f"DROP VIEW IF EXISTS {quote(name)}", params=None)


def comment_views(schema_editor):
    """PostgreSQL: attach each view's and column's documentation (psql's \\d+ shows it)."""
    from .catalog import VIEWS

    quote = schema_editor.quote_name
    for view in VIEWS:
        schema_editor.execute(f"COMMENT ON VIEW {quote(view.name)} IS %s", [view.summary])
        for column in view.columns:
            schema_editor.execute(
                f"COMMENT ON COLUMN {quote(view.name)}.{quote(column.name)} IS %s", [column.description]
            )


class _ViewOperation(Operation):
    reduces_to_sql = True
    reversible = True

    def __init__(self, version):
        self.version = version

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.version], {})

    def state_forwards(self, app_label, state):
        pass  # views are not models: Django's state does not change

    def _allowed(self, schema_editor, app_label):
        return router.allow_migrate(schema_editor.connection.alias, app_label)


class CreateViews(_ViewOperation):
    """Create every view of a version, in dependency order."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if self._allowed(schema_editor, app_label):
            create_views(schema_editor, self.version)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if self._allowed(schema_editor, app_label):
            drop_views(schema_editor, self.version)

    def describe(self):
        return f"Create the SQL views of version {self.version}"

    @property
    def migration_name_fragment(self):
        return f"create_views_{self.version}"


class DropViews(_ViewOperation):
    """Drop every view of a version (those that exist), dependents first."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if self._allowed(schema_editor, app_label):
            drop_views(schema_editor, self.version)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if self._allowed(schema_editor, app_label):
            create_views(schema_editor, self.version)

    def describe(self):
        return f"Drop the SQL views of version {self.version}"

    @property
    def migration_name_fragment(self):
        return f"drop_views_{self.version}"
