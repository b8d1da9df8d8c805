"""Issue 16 (hardening), review integrity: one guard for every write, review fields are not data,
four eyes that cannot be walked around, domain links in history, a conflict keeps the input."""

import datetime
import html

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from acsa_db import review
from acsa_db.models import (
    Agreement,
    AgreementEvent,
    AgreementParty,
    Citation,
    Domain,
    Exercise,
    ExerciseParticipant,
    ReviewStatus,
)
from acsa_db.review import ReviewRefused

from .factories import CitationFactory

BACK = "back to needs review: a fact of the verified record changed"


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def reviewed(record, status, curator, reviewer):
    """``record`` (every fact cited) verified, or verified then disputed, by the workflow itself."""
    review.send_for_review(record, curator)
    record = review.verify(record, reviewer)
    if status == ReviewStatus.DISPUTED:
        record = review.dispute(record, reviewer)
    return record


@pytest.fixture(params=[ReviewStatus.VERIFIED, ReviewStatus.DISPUTED])
def reviewed_agreement(request, cited_agreement, curator, reviewer):
    return reviewed(cited_agreement, request.param, curator, reviewer)


@pytest.fixture
def air(db):
    return Domain.objects.get_or_create(code="air", defaults={"name": "Air"})[0]


@pytest.fixture
def sea(db):
    return Domain.objects.get_or_create(code="sea", defaults={"name": "Sea"})[0]


@pytest.fixture
def cited_exercise(exercise, source, air):
    exercise.domains.add(air)
    CitationFactory(source=source, exercise=exercise, claim="existence")
    CitationFactory(source=source, exercise=exercise, claim="date")  # a dated fact cites its date
    for participant in exercise.participants.all():
        CitationFactory(source=source, exercise_participant=participant, claim="participation")
    exercise.refresh_from_db()
    return exercise


@pytest.fixture(params=[ReviewStatus.VERIFIED, ReviewStatus.DISPUTED])
def reviewed_exercise(request, cited_exercise, curator, reviewer):
    return reviewed(cited_exercise, request.param, curator, reviewer)


def assert_sent_back(record, version_before, history_rows_before):
    """Needs review now, its version moved, and its history says why."""
    stored = type(record).objects.get(pk=record.pk)
    assert stored.review_status == ReviewStatus.NEEDS_REVIEW
    assert stored.version > version_before
    new_rows = record.history.filter(id=record.pk).order_by("history_id")[history_rows_before:]
    assert BACK in [row.history_change_reason for row in new_rows]


def state(record):
    stored = type(record).objects.get(pk=record.pk)
    return stored.version, record.history.filter(id=record.pk).count()


# --- 1. one guard for every write ---------------------------------------------------------------


def test_a_script_saving_an_event_sends_the_record_back(reviewed_agreement):
    before = state(reviewed_agreement)
    event = AgreementEvent.objects.get(agreement=reviewed_agreement)
    event.place = "Berlin"
    event.save()
    assert_sent_back(reviewed_agreement, *before)


@pytest.mark.parametrize("status", [ReviewStatus.VERIFIED, ReviewStatus.DISPUTED])
def test_a_script_deleting_an_event_sends_the_record_back(cited_agreement, status):
    # An event a reviewed record can lose needs no citation of its own (citations protect
    # what they cite, and deleting one already sends the record back): a reviewed record
    # as the seeded data has them, written by SQL, with one uncited event.
    event = AgreementEvent.objects.create(agreement=cited_agreement, kind="approval", date=None)
    Agreement.objects.filter(pk=cited_agreement.pk).update(review_status=status, reviewed_at=timezone.now())
    before = state(cited_agreement)
    AgreementEvent.objects.get(pk=event.pk).delete()
    assert_sent_back(cited_agreement, *before)


def test_a_script_adding_a_party_sends_the_record_back(reviewed_agreement, nato):
    before = state(reviewed_agreement)
    AgreementParty.objects.create(agreement=reviewed_agreement, organization=nato)
    assert_sent_back(reviewed_agreement, *before)


def test_a_script_changing_a_citation_sends_the_record_back(reviewed_agreement):
    before = state(reviewed_agreement)
    citation = Citation.objects.filter(agreement=reviewed_agreement).get()
    citation.locator = "art. 3"
    citation.save()
    assert_sent_back(reviewed_agreement, *before)


def test_a_script_deleting_a_citation_sends_the_record_back(reviewed_agreement, source):
    before = state(reviewed_agreement)
    Citation.objects.filter(agreement_party__agreement=reviewed_agreement).first().delete()
    assert_sent_back(reviewed_agreement, *before)


def test_a_script_changing_the_record_itself_sends_it_back(reviewed_agreement):
    before = state(reviewed_agreement)
    record = Agreement.objects.get(pk=reviewed_agreement.pk)
    record.title = "A corrected title"
    record.save()
    assert_sent_back(reviewed_agreement, *before)


def test_a_script_saving_the_record_unchanged_keeps_its_review(reviewed_agreement):
    status = reviewed_agreement.review_status
    Agreement.objects.get(pk=reviewed_agreement.pk).save()
    assert Agreement.objects.get(pk=reviewed_agreement.pk).review_status == status


def test_a_script_changing_a_participant_sends_the_exercise_back(reviewed_exercise):
    before = state(reviewed_exercise)
    participant = ExerciseParticipant.objects.filter(exercise=reviewed_exercise).first()
    participant.forces = "2 destroyers"
    participant.save()
    assert_sent_back(reviewed_exercise, *before)


@pytest.mark.parametrize(
    "change",
    [
        lambda exercise, air, sea: exercise.domains.add(sea),
        lambda exercise, air, sea: exercise.domains.remove(air),
        lambda exercise, air, sea: exercise.domains.set([sea]),
        lambda exercise, air, sea: exercise.domains.clear(),
        lambda exercise, air, sea: sea.exercises.add(exercise),
        lambda exercise, air, sea: air.exercises.clear(),
    ],
    ids=["add", "remove", "set", "clear", "reverse-add", "reverse-clear"],
)
def test_changing_an_exercise_s_domains_sends_it_back(reviewed_exercise, air, sea, change):
    before = state(reviewed_exercise)
    change(Exercise.objects.get(pk=reviewed_exercise.pk), air, sea)
    assert_sent_back(reviewed_exercise, *before)


def test_a_domain_call_that_changes_no_link_keeps_the_review(reviewed_exercise, air, sea):
    version, _ = state(reviewed_exercise)
    exercise = Exercise.objects.get(pk=reviewed_exercise.pk)
    exercise.domains.add(air)  # already there
    exercise.domains.remove(sea)  # not there
    stored = Exercise.objects.get(pk=exercise.pk)
    assert (stored.review_status, stored.version) == (reviewed_exercise.review_status, version)


def test_the_script_s_own_copy_of_the_record_stays_saveable(cited_agreement):
    """The fact's record (the same Python object) is kept in step: its next save is no conflict."""
    AgreementEvent.objects.create(agreement=cited_agreement, kind="approval", date=None)
    cited_agreement.summary = "Reciprocal supplies."
    cited_agreement.save()
    assert Agreement.objects.get(pk=cited_agreement.pk).summary == "Reciprocal supplies."


def test_an_older_copy_of_the_record_is_refused_after_a_fact_changed(cited_agreement):
    from acsa_db.models import EditConflict

    stale = Agreement.objects.get(pk=cited_agreement.pk)
    event = AgreementEvent.objects.get(agreement=cited_agreement)
    event.place = "Munich"
    event.save()
    stale.summary = "Written on a page that showed the old event."
    with pytest.raises(EditConflict):
        stale.save()


def test_the_event_page_moves_the_version_once_and_says_so(client, reviewed_agreement, curator):
    client.force_login(curator)
    before = state(reviewed_agreement)
    event = AgreementEvent.objects.get(agreement=reviewed_agreement)
    response = client.post(
        reverse("admin:acsa_db_agreementevent_change", args=[event.pk]),
        {
            "agreement": reviewed_agreement.pk,
            "kind": "signature",
            "date": "2024-01-29",
            "place": "Bonn",
            "note": "",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert_sent_back(reviewed_agreement, *before)
    # One write, one new version, one history row of the record: not the admin's and the model's both.
    assert state(reviewed_agreement) == (before[0] + 1, before[1] + 1)
    assert any("needs review again" in m for m in messages_of(response))


def exercise_form_data(exercise, **changes):
    exercise.refresh_from_db()
    data = {
        "name": exercise.name,
        "slug": exercise.slug,
        "series": exercise.series,
        "kind": exercise.kind,
        "status": exercise.status,
        "domains": [d.pk for d in exercise.domains.all()],
        "start_date": str(exercise.start),
        "end_date": str(exercise.end),
        "location": exercise.location,
        "host": exercise.host_id or "",
        "scenario": exercise.scenario,
        "summary": exercise.summary,
        "notes": exercise.notes,
        "based_on_version": exercise.version,
        "participants-TOTAL_FORMS": "0",
        "participants-INITIAL_FORMS": "0",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_the_exercise_page_changing_only_domains_sends_it_back(client, reviewed_exercise, curator, sea):
    client.force_login(curator)
    before = state(reviewed_exercise)
    url = reverse("admin:acsa_db_exercise_change", args=[reviewed_exercise.pk])
    response = client.post(url, exercise_form_data(reviewed_exercise, domains=[sea.pk]))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert_sent_back(reviewed_exercise, *before)
    assert any("needs review again" in m for m in messages_of(response))


def test_the_agreement_page_inline_sends_a_disputed_record_back(client, cited_agreement, curator, reviewer):
    from tests.test_review import agreement_form_data

    record = reviewed(cited_agreement, ReviewStatus.DISPUTED, curator, reviewer)
    before = state(record)
    client.force_login(curator)
    url = reverse("admin:acsa_db_agreement_change", args=[record.pk])
    response = client.post(url, agreement_form_data(record, **{"events-0-place": "Munich"}))
    assert response.status_code == 302
    assert_sent_back(record, *before)
    assert any("needs review again" in m for m in messages_of(response))


def test_an_import_sends_a_disputed_record_back(reference_data, cited_exercise, curator, reviewer):
    from acsa_db.imports import ExerciseParticipantResource, import_file

    record = reviewed(cited_exercise, ReviewStatus.DISPUTED, curator, reviewer)
    before = state(record)
    import_file(
        b"exercise,country,organization\n" + f"{record.slug},FRA,\n".encode(), ExerciseParticipantResource
    )
    assert_sent_back(record, *before)


def test_loading_a_fixture_keeps_a_disputed_exercise_s_status(air, tmp_path):
    """loaddata saves the row raw, then sets its domains: the links are the fixture's data, not an edit."""
    from django.core.management import call_command

    exercise = Exercise.objects.create(slug="loaded", name="Loaded")
    exercise.domains.add(air)
    Exercise.objects.filter(pk=exercise.pk).update(review_status="disputed", reviewed_at=timezone.now())
    fixture = tmp_path / "exercise.json"
    call_command("dumpdata", "acsa_db.exercise", "--natural-foreign", output=str(fixture), verbosity=0)
    Exercise.objects.all().delete()
    rows = Exercise.history.count()
    call_command("loaddata", str(fixture), verbosity=0)
    loaded = Exercise.objects.get(slug="loaded")
    assert (loaded.review_status, list(loaded.domains.all())) == ("disputed", [air])
    assert Exercise.history.count() == rows  # fixture loading writes no history, as before


# --- 2. review fields are not data (forms and the model) ----------------------------------------

REVIEW_POST = {
    "review_status": "verified",
    "reviewed_by": "",  # filled with the reviewer's id in the tests
    "reviewed_at": "2099-01-01 00:00:00",
    "version": "999",
}


def forged(reviewer):
    return {**REVIEW_POST, "reviewed_by": str(reviewer.pk)}


def assert_review_untouched(record, version_before):
    stored = type(record).objects.get(pk=record.pk)
    assert stored.review_status == ReviewStatus.DRAFT
    assert (stored.reviewed_by, stored.reviewed_at) == (None, None)
    assert stored.version != 999 and stored.version <= version_before + 1


def test_the_agreement_change_form_cannot_set_review_fields(client, cited_agreement, curator, reviewer):
    from tests.test_review import agreement_form_data

    client.force_login(curator)
    version = Agreement.objects.get(pk=cited_agreement.pk).version
    url = reverse("admin:acsa_db_agreement_change", args=[cited_agreement.pk])
    response = client.post(url, agreement_form_data(cited_agreement, summary="Edited", **forged(reviewer)))
    assert response.status_code == 302
    assert Agreement.objects.get(pk=cited_agreement.pk).summary == "Edited"
    assert_review_untouched(cited_agreement, version)


def test_the_exercise_change_form_cannot_set_review_fields(client, cited_exercise, curator, reviewer):
    client.force_login(curator)
    version = Exercise.objects.get(pk=cited_exercise.pk).version
    url = reverse("admin:acsa_db_exercise_change", args=[cited_exercise.pk])
    response = client.post(url, exercise_form_data(cited_exercise, summary="Edited", **forged(reviewer)))
    assert response.status_code == 302
    assert_review_untouched(cited_exercise, version)


def test_the_add_forms_cannot_set_review_fields(client, acsa_type, curator, reviewer):
    client.force_login(curator)
    response = client.post(
        reverse("admin:acsa_db_agreement_add"),
        {
            "short_title": "Forged",
            "title": "Forged agreement",
            "slug": "forged",
            "type": acsa_type.pk,
            "parties-TOTAL_FORMS": "0",
            "parties-INITIAL_FORMS": "0",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
            **forged(reviewer),
        },
    )
    assert response.status_code == 302
    assert_review_untouched(Agreement.objects.get(slug="forged"), 1)
    response = client.post(
        reverse("admin:acsa_db_exercise_add"),
        {
            "name": "Forged",
            "slug": "forged",
            "kind": "exercise",
            "status": "held",
            "participants-TOTAL_FORMS": "0",
            "participants-INITIAL_FORMS": "0",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
            **forged(reviewer),
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert_review_untouched(Exercise.objects.get(slug="forged"), 1)


def test_the_list_editable_changelist_cannot_set_review_fields(client, cited_exercise, curator, reviewer):
    client.force_login(curator)
    version = Exercise.objects.get(pk=cited_exercise.pk).version
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "_save": "Save",
        "form-0-id": cited_exercise.pk,
        "form-0-based_on_version": version,
        "form-0-status": "cancelled",
        **{f"form-0-{name}": value for name, value in forged(reviewer).items()},
    }
    response = client.post(reverse("admin:acsa_db_exercise_changelist"), data)
    assert response.status_code == 302
    assert Exercise.objects.get(pk=cited_exercise.pk).status == "cancelled"
    assert_review_untouched(cited_exercise, version)


def test_an_ordinary_save_keeps_the_review_fields_the_database_has(cited_agreement, reviewer):
    record = Agreement.objects.get(pk=cited_agreement.pk)
    record.review_status = ReviewStatus.VERIFIED
    record.reviewed_by = reviewer
    record.reviewed_at = datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)
    record.save()
    assert_review_untouched(cited_agreement, record.version)


def test_a_record_created_by_a_script_starts_as_a_draft(acsa_type, reviewer):
    record = Agreement.objects.create(
        slug="scripted",
        title="Scripted",
        short_title="Scripted",
        type=acsa_type,
        review_status=ReviewStatus.VERIFIED,
        reviewed_by=reviewer,
        reviewed_at=timezone.now(),
    )
    assert_review_untouched(record, 1)


def test_a_reviewed_at_in_2099_cannot_make_later_edits_look_older(cited_agreement, curator, reviewer):
    verified = reviewed(cited_agreement, ReviewStatus.VERIFIED, curator, reviewer)
    real = Agreement.objects.get(pk=verified.pk).reviewed_at
    record = Agreement.objects.get(pk=verified.pk)
    record.reviewed_at = datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)
    record.save()
    assert Agreement.objects.get(pk=verified.pk).reviewed_at == real


# --- 3. four eyes that cannot be walked around ---------------------------------------------------


def test_editing_disputing_and_resending_does_not_let_one_verify_their_own_edit(cited_agreement, make_user):
    both = make_user("both", "curator", "reviewer")
    edit_by(both, AgreementEvent.objects.get(agreement=cited_agreement), place="Berlin")
    review.send_for_review(cited_agreement, both)
    review.dispute(cited_agreement, both)
    review.send_for_review(cited_agreement, both)
    with pytest.raises(ReviewRefused, match="four eyes"):
        review.verify(cited_agreement, both)
    other = make_user("other", "reviewer")
    assert review.verify(cited_agreement, other).review_status == ReviewStatus.VERIFIED


def test_an_edit_after_the_last_verification_blocks_even_after_a_dispute(cited_agreement, make_user):
    both = make_user("both", "curator", "reviewer")
    other = make_user("other", "reviewer")
    review.send_for_review(cited_agreement, both)
    review.verify(cited_agreement, other)
    edit_by(both, Agreement.objects.get(pk=cited_agreement.pk), summary="Edited after the verification.")
    review.dispute(cited_agreement, other)
    review.send_for_review(cited_agreement, both)
    with pytest.raises(ReviewRefused, match="four eyes"):
        review.verify(cited_agreement, both)


def test_edits_before_the_last_verification_do_not_block(cited_agreement, make_user):
    both = make_user("both", "curator", "reviewer")
    other = make_user("other", "reviewer")
    edit_by(both, Agreement.objects.get(pk=cited_agreement.pk), summary="First version.")
    review.send_for_review(cited_agreement, both)
    review.verify(cited_agreement, other)
    review.dispute(cited_agreement, other)
    review.send_for_review(cited_agreement, both)
    assert review.verify(cited_agreement, both).review_status == ReviewStatus.VERIFIED


def test_changing_domains_or_a_participant_counts_as_editing(cited_exercise, sea, make_user):
    from acsa_db.history import changes_by

    both = make_user("both", "curator", "reviewer")
    review.send_for_review(cited_exercise, make_user("curator2", "curator"))
    with changes_by(both):
        Exercise.objects.get(pk=cited_exercise.pk).domains.add(sea)
    with pytest.raises(ReviewRefused, match="four eyes"):
        review.verify(cited_exercise, both)

    other = make_user("other", "reviewer")
    review.verify(cited_exercise, other)
    edit_by(both, ExerciseParticipant.objects.filter(exercise=cited_exercise).first(), note="Checked.")
    with pytest.raises(ReviewRefused, match="four eyes"):
        review.verify(cited_exercise, both)


def edit_by(user, instance, **changes):
    for name, value in changes.items():
        setattr(instance, name, value)
    instance._history_user = user
    instance.save()


# --- 4. domain links in history ------------------------------------------------------------------


def test_domain_links_are_recorded_in_exercise_domain_history(exercise, air, sea, curator):
    from acsa_db.history import changes_by

    with changes_by(curator):
        exercise.domains.add(air)
        exercise.domains.set([sea])
    # Each link added or removed is a version of the exercise listing its domains then
    # (set() removes air, then adds sea).
    *_, with_air, with_none, with_sea = Exercise.history.filter(id=exercise.pk).order_by("history_id")
    assert [[link.domain_id for link in row.domains.all()] for row in (with_air, with_none, with_sea)] == [
        [air.pk],
        [],
        [sea.pk],
    ]
    assert {with_air.history_user, with_sea.history_user} == {curator}
    assert "domains" in with_sea.diff_against(with_air).changed_fields
    latest = with_sea
    assert latest.domains.model._meta.db_table == "exercise_domain_history"
    assert "exercise_domain_history" in connection.introspection.table_names()


def test_the_history_page_shows_a_domain_change(client, exercise, air, curator):
    client.force_login(curator)
    exercise.domains.add(air)
    page = client.get(reverse("admin:acsa_db_exercise_history", args=[exercise.pk]))
    assert page.status_code == 200
    latest = page.context["page_obj"].object_list[0]
    assert [str(change["field"]).lower() for change in latest.history_delta_changes] == ["domains"]


def test_an_import_s_versions_list_their_domains(reference_data):
    from acsa_db.imports import ExerciseResource, import_file

    import_file(b"slug,name,domains\na,A,air;sea\n", ExerciseResource)
    import_file(b"slug,name,domains\na,A,sea\n", ExerciseResource)
    exercise = Exercise.objects.get(slug="a")
    first, second = Exercise.history.filter(id=exercise.pk).order_by("history_id")
    codes = [sorted(link.domain.code for link in row.domains.all()) for row in (first, second)]
    assert codes == [["air", "sea"], ["sea"]]
    assert second.diff_against(first).changed_fields == ["domains"]


# --- 9. a conflict keeps the curator's input -----------------------------------------------------


def race(monkeypatch, admin_class, read, other_save):
    """Another curator's save lands between this form's version check and its save.

    Their save is committed in real life; in a test it shares this request's
    transaction, which the refusal rolls back, so it is made again whenever
    the admin reads the record after it happened.
    """
    from acsa_db.admin import forms

    raced = []
    original_clean = forms.VersionedModelForm.clean
    original_read = getattr(admin_class, read)

    def clean_then_someone_saves(form):
        cleaned = original_clean(form)
        if not raced:
            raced.append(True)
            other_save()
        return cleaned

    def read_after_the_other_save(self, *args, **kwargs):
        if raced:
            other_save()
        return original_read(self, *args, **kwargs)

    monkeypatch.setattr(forms.VersionedModelForm, "clean", clean_then_someone_saves)
    monkeypatch.setattr(admin_class, read, read_after_the_other_save)


def test_a_conflict_caught_by_the_database_keeps_the_input(client, agreement, curator, monkeypatch):
    from acsa_db.admin.agreements import AgreementAdmin
    from tests.test_concurrency import agreement_data

    def other_save():
        other = Agreement.objects.get(pk=agreement.pk)
        if other.summary != "Saved in between":
            other.summary = "Saved in between"
            other.save()

    race(monkeypatch, AgreementAdmin, "get_object", other_save)
    client.force_login(curator)
    url = reverse("admin:acsa_db_agreement_change", args=[agreement.pk])
    typed = "The curator's carefully typed title"
    response = client.post(url, agreement_data(agreement, agreement.version, title=typed))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Not saved: this agreement was changed" in page
    assert response.context["adminform"].form["title"].value() == typed
    assert typed in page
    stored = Agreement.objects.get(pk=agreement.pk)
    assert (stored.title, stored.summary) == (agreement.title, "Saved in between")


def test_a_list_editable_conflict_caught_by_the_database_keeps_the_input(client, curator, monkeypatch):
    from acsa_db.admin.exercises import ExerciseAdmin
    from tests.test_concurrency import changelist_data

    first = Exercise.objects.create(slug="drill-1", name="Drill 1")

    def other_save():
        other = Exercise.objects.get(pk=first.pk)
        if other.notes != "Saved in between":
            other.notes = "Saved in between"
            other.save()

    race(monkeypatch, ExerciseAdmin, "get_queryset", other_save)
    client.force_login(curator)
    url = reverse("admin:acsa_db_exercise_changelist")
    response = client.post(url, changelist_data([first], [first.version], ["cancelled"]))
    assert response.status_code == 200
    assert "Not saved: this exercise was changed" in html.unescape(response.content.decode())
    assert response.context["cl"].formset.forms[0]["status"].value() == "cancelled"
    stored = Exercise.objects.get(pk=first.pk)
    assert (stored.status, stored.notes) == ("held", "Saved in between")
