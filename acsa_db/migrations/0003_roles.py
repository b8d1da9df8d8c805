"""The groups viewer, curator and reviewer, each with an explicit list of permissions.

- viewer: reads every table (and so exports it).
- curator: reads everything; adds, changes and deletes agreements, exercises,
  their events, parties and participants, sources and citations; sends
  agreements and exercises for review. The admin lets only superusers delete a
  verified record.
- reviewer: reads everything; verifies or disputes agreements and exercises.
  A reviewer who also curates is put in both groups.

Reference tables (country, organization, agreement_type, domain) are changed
by superusers only. A user without staff rights sees nothing of the admin.
"""

from django.db import migrations

READ_ALL = [
    "view_agreement",
    "view_agreementevent",
    "view_agreementparty",
    "view_agreementtype",
    "view_citation",
    "view_country",
    "view_domain",
    "view_exercise",
    "view_exerciseparticipant",
    "view_organization",
    "view_source",
]

CURATED = ["agreement", "agreementevent", "agreementparty", "exercise", "exerciseparticipant", "source", "citation"]

ROLE_PERMISSIONS = {
    "viewer": READ_ALL,
    "curator": READ_ALL
    + [f"{action}_{model}" for model in CURATED for action in ("add", "change", "delete")]
    + ["send_agreement_for_review", "send_exercise_for_review"],
    "reviewer": READ_ALL + ["review_agreement", "review_exercise"],
}


def create_roles(apps, schema_editor):
    """Create (or reset) the three groups. Tests call it again after a table flush."""
    from django.contrib.auth.management import create_permissions

    using = schema_editor.connection.alias if schema_editor else "default"
    # Permissions are normally created after the last migration; this one needs them now.
    app_config = apps.get_app_config("acsa_db")
    if getattr(app_config, "models_module", None) is None:
        app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=using)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        permissions = list(
            Permission.objects.using(using).filter(content_type__app_label="acsa_db", codename__in=codenames)
        )
        missing = set(codenames) - {p.codename for p in permissions}
        if missing:
            raise RuntimeError(f"Group {name}: no such permissions: {', '.join(sorted(missing))}")
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("acsa_db", "0002_history_versions_and_url_checks"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
