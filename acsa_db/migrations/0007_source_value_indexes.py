"""Indexes that the source list's language and link-status filters walk for their values.

Only CREATE INDEX: no table rebuild on SQLite, so no DropViews/CreateViews.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('acsa_db', '0006_views_v2'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='source',
            index=models.Index(fields=['language'], name='source_language'),
        ),
        migrations.AddIndex(
            model_name='source',
            index=models.Index(fields=['url_status_code'], name='source_url_status_code'),
        ),
    ]
