from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import m2m_changed, post_save


class AcsaDbConfig(AppConfig):
    name = "acsa_db"
    verbose_name = "ACSA DB"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .models import Exercise
        from .models.review_guard import domain_links_changed, note_fixture_row
        from .sql.catalog import check_view_catalog

        checks.register(check_view_catalog)

        # Adding or removing an exercise's domain calls no save(), so the review rule
        # every other write reaches through save() (acsa_db.models.review_guard) needs Django's m2m
        # signal here: a verified or disputed exercise goes back to review, its version moves.
        m2m_changed.connect(
            domain_links_changed, sender=Exercise.domains.through, dispatch_uid="acsa_db_domain_links_changed"
        )
        # Except when loading fixtures: loaddata saves the row raw, then sets its links as data.
        post_save.connect(note_fixture_row, sender=Exercise, dispatch_uid="acsa_db_note_fixture_row")
