"""Issue 18, point 2: a record's history merges its facts' versions, in labels, and shows what changed since review."""

import datetime
import html

import pytest
from django.urls import reverse

from acsa_db import review
from acsa_db.history import changes_by
from acsa_db.models import AgreementEvent, Citation, Country, Domain, Exercise, ExerciseParticipant
from acsa_db.record_history import ADDED, CHANGED, REMOVED, Change, changes_since_verification, record_changes


def verified(record, curator, reviewer):
    review.send_for_review(record, curator)
    return review.verify(record, reviewer)


def entries_of(record, fact_prefix):
    return [entry for entry in record_changes(record) if entry.fact.startswith(fact_prefix)]


def test_an_agreement_s_history_holds_its_events_parties_and_citations(agreement, citation):
    facts = {entry.fact for entry in record_changes(agreement)}
    assert facts == {
        "Agreement",
        "Event: signature, 2024-01-29",
        "Party: Japan",
        "Party: Germany",
        f"Citation: {citation.source} (existence)",
    }


def test_a_change_is_one_entry_with_who_labels_and_partial_dates(agreement, curator):
    event = agreement.events.get()
    with changes_by(curator):
        event.date, event.date_precision = datetime.date(2024, 7, 1), "month"
        event.kind = AgreementEvent.Kind.ENTRY_INTO_FORCE
        event.save()
    latest = entries_of(agreement, "Event:")[0]
    assert latest.fact == "Event: entry into force, 2024-07"
    assert (latest.kind, latest.who) == (CHANGED, "curator")
    assert set(latest.changes) == {
        Change("Kind", "signature", "entry into force"),
        Change("Date", "2024-01-29", "2024-07"),
    }


def test_a_precision_change_alone_is_a_change_of_the_date(agreement):
    event = agreement.events.get()
    event.date, event.date_precision = datetime.date(2024, 1, 1), "month"
    event.save()
    event.date_precision = "year"
    event.save()
    changes = [entry.changes for entry in entries_of(agreement, "Event:")][:2]
    assert changes == [[Change("Date", "2024-01", "2024")], [Change("Date", "2024-01-29", "2024-01")]]


def test_review_fields_read_as_labels_and_empty_values_as_empty(cited_agreement, curator, reviewer):
    verified(cited_agreement, curator, reviewer)
    own = entries_of(cited_agreement, "Agreement")
    sent, verification = own[1], own[0]
    assert sent.changes == [Change("Review status", "draft", "needs review")]
    assert sent.reason == review.SENT_FOR_REVIEW
    labels = {change.label: change for change in verification.changes}
    assert labels["Review status"] == Change("Review status", "needs review", "verified")
    assert labels["Reviewed by"] == Change("Reviewed by", "", "reviewer")
    assert labels["Reviewed at"].old == "" and len(labels["Reviewed at"].new) == len("2026-01-01 12:00")
    shown = [
        text
        for entry in record_changes(cited_agreement)
        for text in (
            entry.who,
            entry.fact,
            *(value for change in entry.changes for value in (change.old, change.new)),
        )
    ]
    assert not [text for text in shown if text in ("None", "needs_review") or "pk=" in text]


def test_a_save_that_changed_nothing_is_no_entry(agreement):
    before = len(record_changes(agreement))
    agreement.save()
    agreement.events.get().save()
    assert agreement.history.count() == 2 and len(record_changes(agreement)) == before


def test_removed_facts_stay_in_the_history_with_their_values(agreement):
    event = agreement.events.get()
    event.delete()
    latest = entries_of(agreement, "Event:")[0]
    assert latest.kind == REMOVED
    assert Change("Place", "Tokyo", "") in latest.changes


def test_an_exercise_s_history_holds_participants_and_domains(exercise, curator):
    air = Domain.objects.get_or_create(code="air", defaults={"name": "Air"})[0]
    sea = Domain.objects.get_or_create(code="sea", defaults={"name": "Sea"})[0]
    with changes_by(curator):
        exercise.domains.add(air, sea)
        participant = exercise.participants.get(country__iso3="DEU")
        participant.forces = "6 Eurofighter"
        participant.save()
    domains = [c for entry in entries_of(exercise, "Exercise") for c in entry.changes if c.label == "Domains"]
    assert domains[0] == Change("Domains", "", "Air, Sea")
    forces = entries_of(exercise, "Participant: Germany")[0]
    assert forces.changes == [Change("Forces", "3 Eurofighter", "6 Eurofighter")]
    assert forces.who == "curator"
    start = [c for c in entries_of(exercise, "Exercise")[-1].changes if c.label == "Start date"]
    assert start == [Change("Start date", "", "2022-09-28")]


def test_the_history_takes_a_bounded_number_of_queries(agreement, source, django_assert_max_num_queries):
    for day in range(2, 30):
        event = AgreementEvent.objects.create(
            agreement=agreement, kind="other", date=datetime.date(2024, 2, day), date_precision="day"
        )
        Citation.objects.create(source=source, agreement_event=event, claim="date", locator=f"p. {day}")
    event = agreement.events.first()
    for place in ("Berlin", "Bonn", "Tokyo"):
        event.place = place
        event.save()
    with django_assert_max_num_queries(12):
        entries = record_changes(agreement)
    assert len(entries) > 60


def test_changes_since_verification_are_net_and_fact_by_fact(cited_agreement, curator, reviewer, japan):
    assert changes_since_verification(cited_agreement) == (None, [])
    record = verified(cited_agreement, curator, reviewer)
    event = record.events.get()
    with changes_by(curator):
        event.place = "Osaka"
        event.save()
        event.place = "Kobe"
        event.save()
        record.refresh_from_db()
        record.title = "A corrected title"
        record.save()
        record.parties.get(country__iso3="DEU").citations.all().delete()
    verified_at, facts = changes_since_verification(record)
    assert verified_at is not None
    by_fact = {fact.fact: fact for fact in facts}
    assert [fact.fact for fact in facts][0] == "Agreement"  # the record's own fields first
    assert by_fact["Agreement"].changes == [
        Change("Title", "Agreement between Japan and Germany on reciprocal supplies", "A corrected title")
    ]  # review status left out: the workflow's, not a fact
    assert by_fact["Event: signature, 2024-01-29"].changes == [Change("Place", "Tokyo", "Kobe")]
    assert by_fact["Event: signature, 2024-01-29"].who == ["curator"]
    removed = [fact for fact in facts if fact.fact.startswith("Citation:")]
    assert [fact.kind for fact in removed] == [REMOVED]
    assert "Party: Japan" not in by_fact  # unchanged since verification


@pytest.fixture
def cited_exercise_for_history(exercise, source):
    Citation.objects.create(source=source, exercise=exercise, claim="existence")
    Citation.objects.create(source=source, exercise=exercise, claim="date")  # a dated fact cites its date
    for participant in exercise.participants.all():
        Citation.objects.create(source=source, exercise_participant=participant, claim="participation")
    return Exercise.objects.get(pk=exercise.pk)


def test_a_fact_added_since_verification_is_listed_as_added(cited_exercise_for_history, curator, reviewer):
    record = verified(cited_exercise_for_history, curator, reviewer)
    australia = Country.objects.create(
        iso3="AUS", iso2="AU", iso_numeric="036", cow_code=900, cow_abbrev="AUL", name="Australia"
    )
    ExerciseParticipant.objects.create(exercise=record, country=australia, role="observer")
    _, facts = changes_since_verification(record)
    assert [(fact.fact, fact.kind) for fact in facts] == [("Participant: Australia", ADDED)]
    assert Change("Role", "", "observer") in facts[0].changes


def test_history_page_lists_the_facts_changes(client, agreement, curator, viewer):
    event = agreement.events.get()
    with changes_by(curator):
        event.place = "Osaka"
        event.save()
    client.force_login(viewer)
    page = html.unescape(
        client.get(reverse("admin:acsa_db_agreement_history", args=[agreement.pk])).content.decode()
    )
    assert "Event: signature, 2024-01-29" in page
    assert "Tokyo" in page and "Osaka" in page
    assert "Deleted user" not in page and "None" not in page


def test_an_edit_of_the_copy_the_workflow_returned_is_not_a_second_verification(
    cited_agreement, curator, reviewer
):
    record = verified(cited_agreement, curator, reviewer)
    with changes_by(curator):
        record.title = "A corrected title"
        record.save()
    latest = cited_agreement.history.latest()
    assert (latest.history_change_reason, latest.history_user) == (review.BACK_TO_REVIEW, curator)
    assert review.last_verified_at(record) < latest.history_date


def review_page(client, record, user):
    client.force_login(user)
    url = reverse(f"admin:acsa_db_{record._meta.model_name}_change", args=[record.pk])
    return html.unescape(client.get(url).content.decode())


def test_the_review_page_shows_only_the_facts_changed_since_verification(
    client, cited_agreement, curator, reviewer, make_user
):
    record = verified(cited_agreement, curator, reviewer)
    assert "Changes since the last verification" not in review_page(client, record, reviewer)  # verified
    with changes_by(curator):
        event = record.events.get()
        event.place = "Osaka"
        event.save()
    page = review_page(client, record, make_user("second", "reviewer"))
    section = page[page.index('id="changes-since-verification"') :]
    section = section[: section.index("</fieldset>")]
    assert "Event: signature, 2024-01-29" in section and "Tokyo" in section and "Osaka" in section
    assert "Party:" not in section and "Citation:" not in section and "Review status" not in section


def test_a_record_never_verified_says_so(client, cited_agreement, curator, reviewer):
    review.send_for_review(cited_agreement, curator)
    assert "never been verified: check every fact" in review_page(client, cited_agreement, reviewer)
