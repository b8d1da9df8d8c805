"""Issue 18, point 3: every row load_fixtures loads has a first history row, so no record's history is empty."""

import html

import pytest
from django.core.management import call_command
from django.urls import reverse

from acsa_db.history import changes_by
from acsa_db.management.commands.load_fixtures import history_models
from acsa_db.models import Agreement, Exercise, ReviewStatus
from acsa_db.record_history import Change, changes_since_verification, record_changes
from acsa_db.sql.export import DATASET_VERSION

pytestmark = pytest.mark.usefixtures("seeded_data_set")

REASON = f"Loaded from the seeded data set, version {DATASET_VERSION}"


def history_manager(model):
    return getattr(model, model._meta.simple_history_manager_attribute)


def test_the_data_set_version_is_the_export_s():
    assert REASON == "Loaded from the seeded data set, version 0.1.0"


def test_every_loaded_row_has_one_first_version_naming_the_data_set(db):
    assert Agreement.objects.exists() and Exercise.objects.exists()
    for model in history_models():
        history = history_manager(model)
        rows = model._base_manager.count()
        assert history.count() == rows, model
        assert set(history.values_list("history_type", "history_user", "history_change_reason")) <= {
            ("+", None, REASON)
        }, model
        assert history.values("id").distinct().count() == rows, model


def test_the_first_versions_hold_the_loaded_values_and_an_exercise_s_domains(db):
    agreement = Agreement.objects.filter(review_status=ReviewStatus.VERIFIED).first()
    first = agreement.history.get()
    assert (first.slug, first.title, first.review_status) == (agreement.slug, agreement.title, "verified")
    exercise = Exercise.objects.filter(domains__isnull=False).distinct().first()
    version = exercise.history.get()
    assert {link.domain_id for link in version.domains.all()} == set(
        exercise.domains.values_list("pk", flat=True)
    )


def test_loading_again_writes_no_second_row(db):
    before = {model: history_manager(model).count() for model in history_models()}
    call_command("load_fixtures", verbosity=0)
    assert {model: history_manager(model).count() for model in history_models()} == before


def test_a_seeded_record_s_history_page_shows_its_loading(client, db, make_user):
    agreement = Agreement.objects.first()
    client.force_login(make_user("viewer", "viewer"))
    page = html.unescape(
        client.get(reverse("admin:acsa_db_agreement_history", args=[agreement.pk])).content.decode()
    )
    assert "doesn't have a change history" not in page
    assert REASON in page
    entries = record_changes(agreement)
    assert entries and all(entry.reason == REASON for entry in entries)


def test_an_edit_of_a_record_verified_in_the_seed_is_the_only_change_to_review(client, db, make_user):
    agreement = Agreement.objects.filter(review_status=ReviewStatus.VERIFIED).first()
    event = agreement.events.exclude(place="").first() or agreement.events.first()
    with changes_by(make_user("curator", "curator")):
        old_place = event.place
        event.place = "A corrected place"
        event.save()
    agreement.refresh_from_db()
    assert agreement.review_status == ReviewStatus.NEEDS_REVIEW
    verified_at, facts = changes_since_verification(agreement)
    assert verified_at is not None  # the seed's verification: its first version
    assert [fact.changes for fact in facts] == [[Change("Place", old_place, "A corrected place")]]
    client.force_login(make_user("reviewer", "reviewer"))
    page = html.unescape(
        client.get(reverse("admin:acsa_db_agreement_change", args=[agreement.pk])).content.decode()
    )
    assert "the version loaded, as verified, from the seeded data set" in page
    assert "A corrected place" in page
