"""Each citation target's foreign-key index replaced by one on (target, stance).

Whether a fact has a supporting citation is then read from the index alone
(the coverage page's counts, the uncited-facts filters, the citation_coverage
view); lookups by target alone use the new index as they did the old one.

The foreign keys lose their own index in the migration state (db_index=False);
in the database the old indexes, which Django named the same way on SQLite and
PostgreSQL, are dropped with DROP INDEX after the new ones exist, so that on
SQLite no ALTER rebuilds the citation table under the views.
"""

import django.db.models.deletion
from django.db import migrations, models

# The foreign keys' own indexes, as migration 0001 created them.
OLD_INDEXES = {
    "agreement": "citation_agreement_id_8db6aff4",
    "agreement_event": "citation_agreement_event_id_3e7bca1f",
    "agreement_party": "citation_agreement_party_id_b38d67db",
    "exercise": "citation_exercise_id_9ffc4b39",
    "exercise_participant": "citation_exercise_participant_id_321e7a3d",
}

TARGET_MODELS = {
    "agreement": "acsa_db.agreement",
    "agreement_event": "acsa_db.agreementevent",
    "agreement_party": "acsa_db.agreementparty",
    "exercise": "acsa_db.exercise",
    "exercise_participant": "acsa_db.exerciseparticipant",
}

HELP_TEXTS = {
    "agreement": "The agreement as a whole, when that is what is cited. Exactly one target is set.",
    "agreement_event": "The agreement event cited. Exactly one target is set.",
    "agreement_party": "The agreement party cited. Exactly one target is set.",
    "exercise": "The exercise as a whole, when that is what is cited. Exactly one target is set.",
    "exercise_participant": "The exercise participant cited. Exactly one target is set.",
}

NEW_INDEX_NAMES = {
    "agreement": "citation_agreement_stance",
    "agreement_event": "citation_event_stance",
    "agreement_party": "citation_party_stance",
    "exercise": "citation_exercise_stance",
    "exercise_participant": "citation_participant_stance",
}


class Migration(migrations.Migration):

    dependencies = [
        ('acsa_db', '0008_search_trigram_indexes'),
    ]

    operations = [
        *[
            migrations.AddIndex(
                model_name='citation',
                index=models.Index(fields=[target, 'stance'], name=name),
            )
            for target, name in NEW_INDEX_NAMES.items()
        ],
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='citation',
                    name=target,
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text=HELP_TEXTS[target],
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name='citations',
                        to=TARGET_MODELS[target],
                    ),
                )
                for target in OLD_INDEXES
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX "{index}"',
                    reverse_sql=f'CREATE INDEX "{index}" ON "citation" ("{target}_id")',
                )
                for target, index in OLD_INDEXES.items()
            ],
        ),
    ]
