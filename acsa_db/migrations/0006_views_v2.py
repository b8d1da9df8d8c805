"""The researchers' views, version 2: the same views and columns, answering one
record or one pair from the base tables' indexes instead of computing every row
first (acsa_db/sql/v2; the measurements are in docs/performance.md).

On PostgreSQL, dropping a view drops what was granted on it: run
``manage.py create_readonly_role`` again after this migration.
"""

from django.db import migrations

from acsa_db.sql.operations import CreateViews, DropViews


class Migration(migrations.Migration):
    dependencies = [("acsa_db", "0005_scale_indexes")]

    operations = [
        DropViews("v1"),
        CreateViews("v2"),
    ]
