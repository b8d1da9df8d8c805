"""The review workflow: transitions, citation rule, four eyes, return to review, the database's own check."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from acsa_db import review
from acsa_db.models import Agreement, AgreementEvent, Citation, Exercise, ReviewStatus
from acsa_db.review import ReviewRefused

from .factories import AgreementFactory


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_curator_sends_a_draft_for_review(agreement, curator):
    record = review.send_for_review(agreement, curator)
    assert record.review_status == ReviewStatus.NEEDS_REVIEW
    latest = Agreement.history.filter(id=agreement.pk).latest()
    assert (latest.history_user, latest.history_change_reason) == (curator, review.SENT_FOR_REVIEW)


def test_only_curators_send_for_review_and_only_reviewers_verify(cited_agreement, viewer, reviewer, curator):
    with pytest.raises(ReviewRefused, match="only curators"):
        review.send_for_review(cited_agreement, viewer)
    with pytest.raises(ReviewRefused, match="only curators"):
        review.send_for_review(cited_agreement, reviewer)
    review.send_for_review(cited_agreement, curator)
    with pytest.raises(ReviewRefused, match="only reviewers"):
        review.verify(cited_agreement, curator)
    with pytest.raises(ReviewRefused, match="only reviewers"):
        review.dispute(cited_agreement, viewer)


def test_a_draft_cannot_be_verified_before_it_is_sent(cited_agreement, reviewer):
    with pytest.raises(ReviewRefused, match="is draft"):
        review.verify(cited_agreement, reviewer)


def test_verify_names_every_fact_without_a_supporting_citation(agreement, source, curator, reviewer):
    review.send_for_review(agreement, curator)
    japan_party = agreement.parties.get(country__iso3="JPN")
    Citation.objects.create(source=source, agreement_party=japan_party, claim="parties")
    # A contradicting citation does not support the fact it cites.
    Citation.objects.create(source=source, agreement=agreement, claim="existence", stance="contradicts")
    with pytest.raises(ReviewRefused) as refusal:
        review.verify(agreement, reviewer)
    message = str(refusal.value)
    assert "the agreement itself" in message
    assert "event signature, 2024-01-29" in message
    assert "party Germany" in message
    assert "party Japan" not in message
    agreement.refresh_from_db()
    assert agreement.review_status == ReviewStatus.NEEDS_REVIEW


def test_verify_records_reviewer_and_time(cited_agreement, curator, reviewer):
    review.send_for_review(cited_agreement, curator)
    before = timezone.now()
    review.verify(cited_agreement, reviewer)
    cited_agreement.refresh_from_db()
    assert cited_agreement.review_status == ReviewStatus.VERIFIED
    assert cited_agreement.reviewed_by == reviewer
    assert before <= cited_agreement.reviewed_at <= timezone.now()


def test_exercise_needs_its_participants_cited(exercise, source, make_user):
    user = make_user("both", "curator", "reviewer")
    other = make_user("other", "reviewer")
    # The exercise is dated: only a citation of its date backs it (a dated fact's existence is not enough).
    Citation.objects.create(source=source, exercise=exercise, claim="date")
    review.send_for_review(exercise, user)
    with pytest.raises(ReviewRefused, match="participant Japan; participant Germany"):
        review.verify(exercise, other)
    for participant in exercise.participants.all():
        Citation.objects.create(source=source, exercise_participant=participant, claim="participation")
    assert review.verify(exercise, other).review_status == ReviewStatus.VERIFIED


def test_dispute_from_needs_review_and_from_verified(cited_agreement, curator, reviewer, make_user):
    review.send_for_review(cited_agreement, curator)
    assert review.dispute(cited_agreement, reviewer).review_status == ReviewStatus.DISPUTED
    # A fixed disputed record goes back to review, then may be verified.
    review.send_for_review(cited_agreement, curator)
    review.verify(cited_agreement, reviewer)
    second = make_user("second", "reviewer")
    disputed = review.dispute(cited_agreement, second)
    assert (disputed.review_status, disputed.reviewed_by) == (ReviewStatus.DISPUTED, second)


# --- four eyes -------------------------------------------------------------------------


def edit_as(user, record, **changes):
    for name, value in changes.items():
        setattr(record, name, value)
    record._history_user = user
    record.save()


def test_reviewer_cannot_verify_what_they_edited(cited_agreement, make_user):
    both = make_user("both", "curator", "reviewer")
    other = make_user("other", "reviewer")
    edit_as(both, cited_agreement, summary="Reciprocal provision of supplies and services.")
    review.send_for_review(cited_agreement, both)
    with pytest.raises(ReviewRefused, match="four eyes"):
        review.verify(cited_agreement, both)
    assert review.verify(cited_agreement, other).reviewed_by == other


def test_editing_only_a_fact_or_a_citation_counts_as_editing(cited_agreement, make_user):
    both = make_user("both", "curator", "reviewer")
    review.send_for_review(cited_agreement, make_user("curator2", "curator"))
    event = cited_agreement.events.get()
    edit_as(both, event, place="Berlin")
    with pytest.raises(ReviewRefused, match="four eyes"):
        review.verify(cited_agreement, both)

    other = make_user("other", "reviewer")
    review.verify(cited_agreement, other)
    # After that review, only later edits count: "both" may verify once someone else edits.
    review.dispute(cited_agreement, other)
    citation = Citation.objects.filter(agreement_party__agreement=cited_agreement).first()
    edit_as(both, citation, locator="p. 2")  # the disputed record goes back to needs review
    with pytest.raises(ReviewRefused, match="four eyes"):
        review.verify(cited_agreement, both)


def test_earlier_edits_before_the_last_verification_do_not_block(cited_agreement, make_user):
    both = make_user("both", "curator", "reviewer")
    other = make_user("other", "reviewer")
    edit_as(both, cited_agreement, summary="First version.")
    review.send_for_review(cited_agreement, both)
    review.dispute(cited_agreement, other)
    review.send_for_review(cited_agreement, both)  # a transition, not an edit
    # A dispute is not a verification: the edit is still unchecked by a second pair of eyes.
    with pytest.raises(ReviewRefused, match="four eyes"):
        review.verify(cited_agreement, both)
    review.verify(cited_agreement, other)
    review.dispute(cited_agreement, other)
    review.send_for_review(cited_agreement, both)
    assert review.verify(cited_agreement, both).review_status == ReviewStatus.VERIFIED


# --- back to review --------------------------------------------------------------------


@pytest.fixture
def verified_agreement(cited_agreement, curator, reviewer):
    review.send_for_review(cited_agreement, curator)
    return review.verify(cited_agreement, reviewer)


def agreement_form_data(agreement, **changes):
    agreement.refresh_from_db()
    event = agreement.events.get()
    data = {
        "short_title": agreement.short_title,
        "title": agreement.title,
        "slug": agreement.slug,
        "type": agreement.type_id,
        "summary": agreement.summary,
        "text_url": agreement.text_url,
        "notes": agreement.notes,
        "based_on_version": agreement.version,
        "parties-TOTAL_FORMS": "0",
        "parties-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "1",
        "events-INITIAL_FORMS": "1",
        "events-0-id": event.pk,
        "events-0-agreement": agreement.pk,
        "events-0-kind": event.kind,
        "events-0-date": str(event.partial_date),
        "events-0-place": event.place,
        "events-0-note": event.note,
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_changing_a_verified_record_sends_it_back_to_review_saying_so(client, verified_agreement, curator):
    client.force_login(curator)
    url = reverse("admin:acsa_db_agreement_change", args=[verified_agreement.pk])
    response = client.post(url, agreement_form_data(verified_agreement, title="A corrected title"))
    assert response.status_code == 302
    verified_agreement.refresh_from_db()
    assert verified_agreement.title == "A corrected title"
    assert verified_agreement.review_status == ReviewStatus.NEEDS_REVIEW
    assert any("needs review again" in m for m in messages_of(response))
    # The last review is still on record; the status says it is no longer current.
    assert verified_agreement.reviewed_at is not None


def test_changing_an_inline_event_of_a_verified_record_sends_it_back(client, verified_agreement, curator):
    client.force_login(curator)
    url = reverse("admin:acsa_db_agreement_change", args=[verified_agreement.pk])
    response = client.post(url, agreement_form_data(verified_agreement, **{"events-0-place": "Munich"}))
    assert response.status_code == 302
    verified_agreement.refresh_from_db()
    assert verified_agreement.review_status == ReviewStatus.NEEDS_REVIEW
    assert any("needs review again" in m for m in messages_of(response))


def test_saving_a_verified_record_unchanged_keeps_it_verified(client, verified_agreement, curator):
    client.force_login(curator)
    url = reverse("admin:acsa_db_agreement_change", args=[verified_agreement.pk])
    response = client.post(url, agreement_form_data(verified_agreement))
    assert response.status_code == 302
    verified_agreement.refresh_from_db()
    assert verified_agreement.review_status == ReviewStatus.VERIFIED


def test_changing_an_event_on_its_own_page_sends_the_agreement_back(client, verified_agreement, curator):
    client.force_login(curator)
    event = verified_agreement.events.get()
    response = client.post(
        reverse("admin:acsa_db_agreementevent_change", args=[event.pk]),
        {
            "agreement": verified_agreement.pk,
            "kind": "signature",
            "date": "2024-01",
            "place": "Tokyo",
            "note": "",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    verified_agreement.refresh_from_db()
    assert verified_agreement.review_status == ReviewStatus.NEEDS_REVIEW
    assert any("needs review again" in m for m in messages_of(response))


def test_deleting_a_citation_of_a_verified_record_sends_it_back(client, verified_agreement, curator):
    client.force_login(curator)
    citation = Citation.objects.filter(agreement_event__agreement=verified_agreement).get()
    response = client.post(reverse("admin:acsa_db_citation_delete", args=[citation.pk]), {"post": "yes"})
    assert response.status_code == 302
    verified_agreement.refresh_from_db()
    assert verified_agreement.review_status == ReviewStatus.NEEDS_REVIEW


def test_review_fields_cannot_be_set_through_the_form(client, cited_agreement, curator):
    client.force_login(curator)
    url = reverse("admin:acsa_db_agreement_change", args=[cited_agreement.pk])
    response = client.post(url, agreement_form_data(cited_agreement, review_status="verified"))
    assert response.status_code == 302
    cited_agreement.refresh_from_db()
    assert cited_agreement.review_status == ReviewStatus.DRAFT


# --- the page's buttons and the changelist's actions ------------------------------------


def test_buttons_on_the_record_page(client, cited_agreement, curator, reviewer):
    url = reverse("admin:acsa_db_agreement_change", args=[cited_agreement.pk])
    client.force_login(curator)
    page = client.get(url).content.decode()
    assert 'value="Send for review"' in page and 'value="Verify"' not in page

    send = reverse("admin:acsa_db_agreement_review", args=[cited_agreement.pk, "send_for_review"])
    response = client.post(send, {"based_on_version": cited_agreement.version})
    assert response.status_code == 302
    cited_agreement.refresh_from_db()
    assert cited_agreement.review_status == ReviewStatus.NEEDS_REVIEW

    client.force_login(reviewer)
    page = client.get(url).content.decode()
    assert 'value="Verify"' in page and 'value="Dispute"' in page and "Send for review" not in page
    verify = reverse("admin:acsa_db_agreement_review", args=[cited_agreement.pk, "verify"])
    assert client.post(verify, {"based_on_version": cited_agreement.version}).status_code == 302
    cited_agreement.refresh_from_db()
    assert cited_agreement.review_status == ReviewStatus.VERIFIED


def test_transition_from_an_outdated_page_is_refused(client, cited_agreement, curator, reviewer):
    review.send_for_review(cited_agreement, curator)
    seen = Agreement.objects.get(pk=cited_agreement.pk).version
    edit_as(curator, Agreement.objects.get(pk=cited_agreement.pk), summary="Changed meanwhile.")
    client.force_login(reviewer)
    verify = reverse("admin:acsa_db_agreement_review", args=[cited_agreement.pk, "verify"])
    response = client.post(verify, {"based_on_version": seen})
    assert response.status_code == 302
    assert any("changed by curator" in m for m in messages_of(response))
    cited_agreement.refresh_from_db()
    assert cited_agreement.review_status == ReviewStatus.NEEDS_REVIEW


def test_transition_urls_refuse_get_and_users_without_the_permission(
    client, cited_agreement, viewer, curator
):
    verify = reverse("admin:acsa_db_agreement_review", args=[cited_agreement.pk, "verify"])
    client.force_login(curator)
    assert client.get(verify).status_code == 405
    assert client.post(verify, {"based_on_version": 1}).status_code == 403
    client.force_login(viewer)
    send = reverse("admin:acsa_db_agreement_review", args=[cited_agreement.pk, "send_for_review"])
    assert client.post(send, {"based_on_version": 1}).status_code == 403
    cited_agreement.refresh_from_db()
    assert cited_agreement.review_status == ReviewStatus.DRAFT


def test_changelist_actions_report_each_refusal(
    client, cited_agreement, agreement_factory, curator, reviewer
):
    uncited = agreement_factory("acsa-uncited")
    client.force_login(curator)
    changelist = reverse("admin:acsa_db_agreement_changelist")
    client.post(
        changelist,
        {"action": "send_for_review_action", "_selected_action": [cited_agreement.pk, uncited.pk]},
    )
    client.force_login(reviewer)
    response = client.post(
        changelist, {"action": "verify_action", "_selected_action": [cited_agreement.pk, uncited.pk]}
    )
    shown = messages_of(response)
    assert "1 agreement verified." in shown
    assert any("Uncited test agreement" in m and "the agreement itself" in m for m in shown)
    statuses = dict(Agreement.objects.values_list("slug", "review_status"))
    assert statuses == {cited_agreement.slug: "verified", "acsa-uncited": "needs_review"}


def test_actions_are_offered_by_role(client, cited_agreement, viewer, curator, reviewer):
    changelist = reverse("admin:acsa_db_agreement_changelist")
    offered = {}
    for user in (viewer, curator, reviewer):
        client.force_login(user)
        action_form = client.get(changelist).context["action_form"]
        offered[user.username] = set(action_form.fields["action"].choices) if action_form else set()
    names = {user: {name for name, _ in choices} for user, choices in offered.items()}
    assert "verify_action" not in names["viewer"] and "send_for_review_action" not in names["viewer"]
    assert "send_for_review_action" in names["curator"] and "verify_action" not in names["curator"]
    assert {"verify_action", "dispute_action"} <= names["reviewer"]
    assert "send_for_review_action" not in names["reviewer"]


# --- deleting ----------------------------------------------------------------------------


def test_only_superusers_delete_verified_records(client, verified_agreement, curator, admin_user):
    delete = reverse("admin:acsa_db_agreement_delete", args=[verified_agreement.pk])
    client.force_login(curator)
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    # Nor through the changelist's bulk delete.
    response = client.post(
        reverse("admin:acsa_db_agreement_changelist"),
        {"action": "delete_selected", "_selected_action": [verified_agreement.pk], "post": "yes"},
    )
    page = response.content.decode()
    assert "Cannot delete agreement" in page
    assert "only a superuser can delete a verified record" in page, page[
        page.find("<main") : page.find("</main>")
    ]
    assert Agreement.objects.filter(pk=verified_agreement.pk).exists()
    client.force_login(admin_user)
    assert client.get(delete).status_code == 200


def test_curators_delete_drafts(client, agreement_factory, curator):
    draft = agreement_factory("acsa-draft")
    client.force_login(curator)
    response = client.post(reverse("admin:acsa_db_agreement_delete", args=[draft.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Agreement.objects.filter(pk=draft.pk).exists()


# --- the database's own rule --------------------------------------------------------------


@pytest.mark.parametrize("status", ["verified", "disputed"])
def test_database_refuses_a_reviewed_status_without_reviewed_at(agreement, status):
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(pk=agreement.pk).update(review_status=status)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE exercise SET review_status = %s", [status])
        cursor.execute(
            "INSERT INTO exercise (slug, name, series, kind, status, location, scenario, summary, notes, "
            "review_status) VALUES ('x', 'x', '', 'exercise', 'held', '', '', '', '', %s)",
            [status],
        )


def test_database_accepts_a_reviewed_record_with_reviewed_at_and_no_reviewer(agreement):
    # The seeded data's verified records carry a review time and no reviewer account.
    seeded = datetime.datetime(2026, 11, 26, tzinfo=datetime.UTC)
    Agreement.objects.filter(pk=agreement.pk).update(review_status="verified", reviewed_at=seeded)
    Exercise.objects.create(slug="seeded", name="Seeded", review_status="disputed", reviewed_at=seeded)
    agreement.refresh_from_db()
    assert (agreement.review_status, agreement.reviewed_by) == ("verified", None)


def test_seeded_verified_records_load(db):
    from django.core.management import call_command

    from acsa_db.management.commands.load_fixtures import fixture_paths

    if not any(path.parent.name == "seed" for path in fixture_paths()):
        pytest.skip("the seeded data set is not in fixtures/seed/ yet")
    call_command("load_fixtures", verbosity=0)
    verified = Agreement.objects.filter(review_status="verified")
    assert verified.exists()
    assert not verified.filter(reviewed_at__isnull=True).exists()


@pytest.fixture
def agreement_factory(acsa_type):
    def make(slug):
        return AgreementFactory(slug=slug, title="Uncited test agreement", type=acsa_type)

    return make


def test_event_change_on_a_draft_bumps_the_version(agreement, curator):
    """A change of a fact outdates any open page of its record, verified or not."""
    before = agreement.version
    event = AgreementEvent.objects.get(agreement=agreement)
    event.place = "Berlin"
    event.save()
    stored = Agreement.objects.get(pk=agreement.pk)
    assert stored.version == before + 1
    assert stored.review_status == "draft"  # a draft stays a draft; only its version moves
    assert AgreementEvent.objects.get(pk=event.pk).place == "Berlin"
