"""The researchers' SQL views (acsa_db/sql/v1) and, on PostgreSQL, full-text search indexes.

Keep this migration last, or wrap later table changes in DropViews/CreateViews
(see acsa_db/sql/README.md): on SQLite a table rebuild fails while a view
reads the table.
"""

from django.db import migrations

from acsa_db.sql.operations import CreateViews

# The text-search document of each table, as acsa_db/search.py spells it; an
# index serves a query only when both use the same expression.
SEARCH_DOCUMENTS = {
    "Source": ("source_search", ("slug", "title", "publisher", "authors", "notes")),
    "Agreement": ("agreement_search", ("slug", "title", "short_title", "summary")),
    "Exercise": ("exercise_search", ("slug", "name", "series", "location", "summary")),
}


def search_indexes(apps):
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    for model_name, (index_name, fields) in SEARCH_DOCUMENTS.items():
        index = GinIndex(SearchVector(*fields, config="simple"), name=index_name)
        yield apps.get_model("acsa_db", model_name), index


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in search_indexes(apps):
        schema_editor.add_index(model, index)


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in search_indexes(apps):
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [
        ("acsa_db", "0003_roles"),
    ]

    operations = [
        migrations.RunPython(create_search_indexes, drop_search_indexes),
        CreateViews("v1"),
    ]
