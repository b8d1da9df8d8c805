"""A source's URL holds no brace and no backslash (issue 16, point 10).

A brace in a URL ended its BibTeX field and opened new entries in the export.
The CHECK is NOT LIKE patterns, which SQLite and PostgreSQL read alike; NULL
(no URL) passes. On SQLite, adding a constraint rebuilds the source table, so
the views are dropped first and created again last (acsa_db/sql/README.md).
On PostgreSQL, a database that already holds such a URL refuses the migration:
percent-encode it (%7B, %7D, %5C) first.
"""

import acsa_db.models.sources
from django.db import migrations, models

from acsa_db.sql.operations import CreateViews, DropViews

HELP_TEXT = (
    "Where it was read. Unique where present; never holds a brace or a backslash "
    "(written percent-encoded: %7B, %7D, %5C)."
)


class Migration(migrations.Migration):

    dependencies = [
        ('acsa_db', '0010_exercise_domain_history'),
    ]

    operations = [
        DropViews("v2"),
        migrations.AlterField(
            model_name='historicalsource',
            name='url',
            field=models.URLField(blank=True, db_index=True, help_text=HELP_TEXT, max_length=500, null=True, validators=[acsa_db.models.sources.validate_url_characters], verbose_name='URL'),
        ),
        migrations.AlterField(
            model_name='source',
            name='url',
            field=models.URLField(blank=True, help_text=HELP_TEXT, max_length=500, null=True, unique=True, validators=[acsa_db.models.sources.validate_url_characters], verbose_name='URL'),
        ),
        migrations.AddConstraint(
            model_name='source',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('url__contains', '{'), _negated=True), models.Q(('url__contains', '}'), _negated=True), models.Q(('url__contains', '\\'), _negated=True)), name='source_url_characters', violation_error_message='A URL cannot contain a brace or a backslash ({, } or \\): write them percent-encoded (%7B, %7D, %5C), as the address they stand for.'),
        ),
        CreateViews("v2"),
    ]
