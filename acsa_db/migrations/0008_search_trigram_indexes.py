"""PostgreSQL: trigram indexes for the admin search's substring matches (citation note and quote, source URL).

The admin's citation search matches a word in the note or the quote, and the
source search in the URL, with ``icontains``, which Django writes as
``UPPER(col::text) LIKE UPPER('%word%')``: only a trigram index on that same
expression serves it (a B-tree cannot serve a pattern that starts with %).
Without it the citation search reads all the citations (2.5 s at 1,000,000). pg_trgm ships with PostgreSQL and is a trusted extension
(PostgreSQL 13 and later): the database's owner may create it. SQLite: nothing.
"""

from django.db import migrations

TRIGRAM_INDEXES = {
    "citation_note_trigram": ("citation", "note"),
    "citation_quote_trigram": ("citation", "quote"),
    "source_url_trigram": ("source", "url"),
}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in TRIGRAM_INDEXES.items():
        schema_editor.execute(f"CREATE INDEX {name} ON {table} USING gin (UPPER({column}::text) gin_trgm_ops)")


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("acsa_db", "0007_source_value_indexes")]

    operations = [migrations.RunPython(create_trigram_indexes, drop_trigram_indexes)]
