"""Indexes for the admin's sorts and filters at 100,000 records (bench/admin_bench.py, docs/performance.md).

Only CREATE INDEX: SQLite adds an index without rebuilding the table, so the
researchers' views (0004) need no DropViews/CreateViews around this migration.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('acsa_db', '0004_researcher_views'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='agreement',
            index=models.Index(fields=['short_title'], name='agreement_short_title'),
        ),
        migrations.AddIndex(
            model_name='citation',
            index=models.Index(condition=models.Q(('stance', 'contradicts')), fields=['agreement', 'agreement_event', 'agreement_party', 'exercise', 'exercise_participant'], name='citation_contradicting'),
        ),
        migrations.AddIndex(
            model_name='exercise',
            index=models.Index(fields=['start_date', 'slug'], name='exercise_start_date_slug'),
        ),
        migrations.AddIndex(
            model_name='exercise',
            index=models.Index(fields=['name'], name='exercise_name'),
        ),
        migrations.AddIndex(
            model_name='source',
            index=models.Index(fields=['published'], name='source_published'),
        ),
    ]
