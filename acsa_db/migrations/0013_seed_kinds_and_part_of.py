"""The event kinds the information-security and equipment-transfer sheets need, an exercise's
``part_of`` (the exercise a national deployment went to), and the claim in the citation indexes of
dated facts.

New kinds: substantive_agreement, initialing, exchange_of_notes, notice_suspended,
notice_withdrawn (the CHECK on agreement_event.kind is replaced). A dated event or exercise is
cited only by a citation of its date, so the (target, stance) indexes of agreement_event and
exercise become (target, stance, claim): coverage's probes stay index-only. On SQLite the
constraint and the new column rebuild their tables, so the researchers' views are dropped first
and created again at the end (acsa_db/sql/README.md).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from acsa_db.sql.operations import CreateViews, DropViews


class Migration(migrations.Migration):
    dependencies = [
        ("acsa_db", "0012_data_release"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        DropViews("v2"),
        migrations.RemoveConstraint(
            model_name="agreementevent",
            name="agreement_event_kind_valid",
        ),
        migrations.RemoveIndex(
            model_name="citation",
            name="citation_event_stance",
        ),
        migrations.RemoveIndex(
            model_name="citation",
            name="citation_exercise_stance",
        ),
        migrations.AddField(
            model_name="exercise",
            name="part_of",
            field=models.ForeignKey(
                blank=True,
                help_text="The exercise this deployment went to (a national contingent's deployment to a multinational exercise). Count an exercise once: leave out the rows where this is set.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="contributions",
                to="acsa_db.exercise",
            ),
        ),
        migrations.AddField(
            model_name="historicalexercise",
            name="part_of",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The exercise this deployment went to (a national contingent's deployment to a multinational exercise). Count an exercise once: leave out the rows where this is set.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="acsa_db.exercise",
            ),
        ),
        migrations.AlterField(
            model_name="agreementevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("negotiation_announced", "talks agreed or announced"),
                    ("negotiation_launch", "negotiations launched"),
                    ("agreement_in_principle", "agreement in principle"),
                    ("substantive_agreement", "negotiations concluded in substance"),
                    ("initialing", "text initialled"),
                    ("signature", "signature"),
                    ("exchange_of_notes", "exchange of notes (instrument made and in force)"),
                    ("adoption", "adoption (non-treaty instrument)"),
                    ("approval", "approval or ratification"),
                    ("entry_into_force", "entry into force"),
                    ("activation", "activation (mechanism starts operating)"),
                    ("amendment", "amendment signed"),
                    ("suspension", "suspension"),
                    ("reinstatement", "reinstatement or normalisation"),
                    ("termination_notice", "notice of termination"),
                    ("notice_suspended", "notice of termination suspended"),
                    ("notice_withdrawn", "notice of termination withdrawn"),
                    ("termination", "termination"),
                    ("expiry", "expiry"),
                    ("other", "other"),
                ],
                help_text="What happened.",
                max_length=24,
            ),
        ),
        migrations.AlterField(
            model_name="historicalagreementevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("negotiation_announced", "talks agreed or announced"),
                    ("negotiation_launch", "negotiations launched"),
                    ("agreement_in_principle", "agreement in principle"),
                    ("substantive_agreement", "negotiations concluded in substance"),
                    ("initialing", "text initialled"),
                    ("signature", "signature"),
                    ("exchange_of_notes", "exchange of notes (instrument made and in force)"),
                    ("adoption", "adoption (non-treaty instrument)"),
                    ("approval", "approval or ratification"),
                    ("entry_into_force", "entry into force"),
                    ("activation", "activation (mechanism starts operating)"),
                    ("amendment", "amendment signed"),
                    ("suspension", "suspension"),
                    ("reinstatement", "reinstatement or normalisation"),
                    ("termination_notice", "notice of termination"),
                    ("notice_suspended", "notice of termination suspended"),
                    ("notice_withdrawn", "notice of termination withdrawn"),
                    ("termination", "termination"),
                    ("expiry", "expiry"),
                    ("other", "other"),
                ],
                help_text="What happened.",
                max_length=24,
            ),
        ),
        migrations.AddIndex(
            model_name="citation",
            index=models.Index(
                fields=["agreement_event", "stance", "claim"], name="citation_event_stance_claim"
            ),
        ),
        migrations.AddIndex(
            model_name="citation",
            index=models.Index(fields=["exercise", "stance", "claim"], name="citation_exercise_stance_claim"),
        ),
        migrations.AddConstraint(
            model_name="agreementevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "kind__in",
                        [
                            "negotiation_announced",
                            "negotiation_launch",
                            "agreement_in_principle",
                            "substantive_agreement",
                            "initialing",
                            "signature",
                            "exchange_of_notes",
                            "adoption",
                            "approval",
                            "entry_into_force",
                            "activation",
                            "amendment",
                            "suspension",
                            "reinstatement",
                            "termination_notice",
                            "notice_suspended",
                            "notice_withdrawn",
                            "termination",
                            "expiry",
                            "other",
                        ],
                    )
                ),
                name="agreement_event_kind_valid",
                violation_error_message="Unknown kind.",
            ),
        ),
        migrations.AddConstraint(
            model_name="exercise",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("part_of__isnull", True),
                    models.Q(("part_of", models.F("pk")), _negated=True),
                    _connector="OR",
                ),
                name="exercise_not_part_of_itself",
                violation_error_message="An exercise cannot be part of itself.",
            ),
        ),
        CreateViews("v2"),
    ]
