"""Coverage as data and the researchers' views, version 3.

Adds collection_coverage (what is collected, for which state, from when to
when) and cow_state_membership (COW state system membership, reference
data), then replaces the v2 views by v3, which read them: NULL where a type is
not collected, "today" as the coverage's end, lineages, latest date bounds,
inferred entry into force, review status, state_year and the balanced
dyad_year_panel (acsa_db/sql/v3, acsa_db/sql/README.md).

On PostgreSQL, dropping a view drops what was granted on it: run
``manage.py create_readonly_role`` again after this migration.
"""

import django.db.models.deletion
from django.db import migrations, models

from acsa_db.sql.operations import CreateViews, DropViews


class Migration(migrations.Migration):
    dependencies = [
        ("acsa_db", "0013_seed_kinds_and_part_of"),
    ]

    operations = [
        DropViews("v2"),
        migrations.CreateModel(
            name="CowStateMembership",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "cow_code",
                    models.PositiveSmallIntegerField(
                        help_text="Correlates of War state number (ccode): 740 for Japan, 260 for the German Federal Republic.",
                        verbose_name="COW code",
                    ),
                ),
                (
                    "cow_abbrev",
                    models.CharField(
                        help_text="Correlates of War abbreviation (stateabb): GFR, JPN.",
                        max_length=3,
                        verbose_name="COW abbreviation",
                    ),
                ),
                (
                    "state_name",
                    models.CharField(help_text="COW's name for the state (statenme).", max_length=100),
                ),
                (
                    "start_date",
                    models.DateField(
                        help_text="First day of the spell of membership (styear, stmonth, stday)."
                    ),
                ),
                (
                    "end_date",
                    models.DateField(
                        help_text="Last day of the spell (endyear, endmonth, endday). 2016-12-31, the end of the COW v2016 data, means still a member when the list was made."
                    ),
                ),
                (
                    "version",
                    models.PositiveSmallIntegerField(
                        help_text="Version of the COW list the row comes from (2016)."
                    ),
                ),
                (
                    "note",
                    models.TextField(
                        blank=True,
                        help_text="How the state relates to the country table where that is not a plain match of cow_code (260 has no country row; COW continues 345 for Serbia).",
                    ),
                ),
            ],
            options={
                "db_table": "cow_state_membership",
                "ordering": ["cow_code", "start_date"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("cow_code", "start_date"),
                        name="cow_state_membership_one_spell_per_start",
                        violation_error_message="This state already has a spell starting that day.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("end_date__gte", models.F("start_date"))),
                        name="cow_state_membership_end_not_before_start",
                        violation_error_message="A spell cannot end before it starts.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="CollectionCoverage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "scope",
                    models.CharField(
                        help_text="What is collected, in words (Japan's agreements with states and organizations).",
                        max_length=200,
                    ),
                ),
                (
                    "first_covered_date",
                    models.DateField(
                        help_text="From this day on, an agreement of this type that is not recorded did not exist: counts are zero, not unknown. Before it, counts are unknown (NULL)."
                    ),
                ),
                (
                    "last_covered_date",
                    models.DateField(
                        help_text="The latest day the curators' sources were checked for this type (the latest document used). The views treat the latest of these dates as today: no row after it, nothing later counts."
                    ),
                ),
                (
                    "notes",
                    models.TextField(
                        blank=True,
                        help_text="Why the coverage starts and ends there, and what it leaves out.",
                    ),
                ),
                (
                    "agreement_type",
                    models.ForeignKey(
                        help_text="The type collected: every agreement of this type between the focal state and another state or organization, signed or in force within the dates, is recorded.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="coverage",
                        to="acsa_db.agreementtype",
                    ),
                ),
                (
                    "focal_country",
                    models.ForeignKey(
                        help_text="The state whose agreements are collected (Japan). A pair of states is covered only when one of them is the focal state.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="coverage",
                        to="acsa_db.country",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "collection coverage",
                "db_table": "collection_coverage",
                "ordering": ["agreement_type__code"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("agreement_type", "focal_country"),
                        name="collection_coverage_one_row_per_type_and_focal_country",
                        violation_error_message="This type is already covered for this state: change its dates instead.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("last_covered_date__gte", models.F("first_covered_date"))),
                        name="collection_coverage_last_not_before_first",
                        violation_error_message="The last covered date cannot be before the first.",
                    ),
                ],
            },
        ),
        CreateViews("v3"),
    ]
