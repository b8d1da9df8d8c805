"""docs/data-dictionary.md: written from the models and the view catalog, and never stale."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from acsa_db.sql.catalog import VIEWS, data_models, data_tables
from acsa_db.sql.dictionary import coverage_text, data_dictionary_markdown, relations

COMMITTED = Path(settings.BASE_DIR) / "docs" / "data-dictionary.md"


def test_the_committed_data_dictionary_is_up_to_date():
    assert COMMITTED.read_text(encoding="utf-8") == data_dictionary_markdown(), (
        "docs/data-dictionary.md is stale: run `python manage.py write_data_dictionary` and commit it."
    )


def test_it_documents_every_published_table_and_view():
    text = data_dictionary_markdown()
    for name in data_tables() + [view.name for view in VIEWS]:
        assert f"### `{name}`" in text, name


@pytest.mark.django_db
def test_it_lists_exactly_the_columns_each_table_has_in_the_database():
    documented = {relation.name: [column.name for column in relation.columns] for relation in relations()}
    with connection.cursor() as cursor:
        for table in data_tables():
            actual = [column.name for column in connection.introspection.get_table_description(cursor, table)]
            # The same columns; the dictionary lists them in the model's order, which
            # is not always the table's (a column added by a later migration comes last).
            assert sorted(documented[table]) == sorted(actual), table


def test_every_published_column_has_a_description():
    for relation in relations():
        for column in relation.columns:
            assert column.description.strip(), f"{relation.name}.{column.name} has no help_text"


def test_every_published_model_field_has_help_text():
    """The project's rule: help_text on every field, since it is the documentation."""
    for model in data_models():
        for field in [*model._meta.local_concrete_fields, *model._meta.local_many_to_many]:
            if field.primary_key:
                continue
            assert str(field.help_text).strip(), f"{model._meta.db_table}.{field.name}"


def test_coded_columns_list_their_values():
    text = data_dictionary_markdown()
    assert "`needs_review` (needs review)" in text
    assert "`entry_into_force` (entry into force)" in text


def test_the_coverage_statement_is_the_same_in_readme_dictionary_and_codebook():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    assert coverage_text() in readme, "README.md's coverage section differs from acsa_db/sql/coverage.md"
    assert coverage_text() in data_dictionary_markdown()


def test_check_mode_fails_on_a_stale_file_and_the_command_rewrites_it(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    (tmp_path / "docs").mkdir()
    stale = tmp_path / "docs" / "data-dictionary.md"
    stale.write_text("# Data dictionary\n\nold\n", encoding="utf-8")
    with pytest.raises(CommandError, match="out of date"):
        call_command("write_data_dictionary", "--check", verbosity=0)
    call_command("write_data_dictionary", verbosity=0)
    assert stale.read_text(encoding="utf-8") == data_dictionary_markdown()
    call_command("write_data_dictionary", "--check", verbosity=0)
