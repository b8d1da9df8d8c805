"""One source cited for many facts of a record: the service (acsa_db.curation.cite_facts) and its
admin page (<id>/cite/ on agreements and exercises)."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from acsa_db.curation import CitingRefused, cite_facts, default_claim, fact_key, facts_of
from acsa_db.models import Citation, Country, Exercise, ExerciseParticipant, ReviewStatus

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def make_verified(record):
    type(record).objects.filter(pk=record.pk).update(
        review_status=ReviewStatus.VERIFIED, reviewed_at=timezone.now()
    )
    record.refresh_from_db()


def cite_url(record):
    return reverse(f"admin:acsa_db_{record._meta.model_name}_cite", args=[record.pk])


def change_url(record):
    return reverse(f"admin:acsa_db_{record._meta.model_name}_change", args=[record.pk])


def form_data(source, facts, **extra):
    data = {"source": source.pk, "stance": "supports", "locator": "p. 2", "quote": "", "note": ""}
    for fact in facts:
        data[f"cite-{fact_key(fact)}"] = "on"
        data[f"claim-{fact_key(fact)}"] = default_claim(fact)
    data.update(extra)
    return data


# --- the service ------------------------------------------------------------------------------


def test_every_fact_of_an_exercise_is_cited_with_its_kinds_claim(exercise, source, curator):
    facts = facts_of(exercise)
    assert [type(f) for f in facts] == [Exercise, ExerciseParticipant, ExerciseParticipant]
    written = cite_facts(exercise, source, facts, locator="para. 3", quote="took part", user=curator)
    assert len(written) == 3
    rows = Citation.objects.filter(source=source).order_by("id")
    # The exercise has a start date: a source cited for it backs its date (coverage counts only that).
    assert [(c.target_name, c.claim, c.locator, c.quote) for c in rows] == [
        ("exercise", "date", "para. 3", "took part"),
        ("exercise_participant", "participation", "para. 3", "took part"),
        ("exercise_participant", "participation", "para. 3", "took part"),
    ]
    # Each citation has its history row, by the curator.
    assert Citation.history.filter(history_user=curator).count() == 3
    # The record is now fully cited.
    from acsa_db.coverage import uncited_facts

    assert uncited_facts(exercise) == []


def test_an_agreement_gets_the_claim_of_each_kind_of_fact(agreement, source):
    cite_facts(agreement, source, facts_of(agreement))
    claims = sorted(Citation.objects.values_list("claim", flat=True))
    assert claims == ["date", "existence", "parties", "parties"]


def test_a_claim_can_be_chosen_per_fact(exercise, source):
    germany = exercise.participants.get(country__iso3="DEU")
    cite_facts(exercise, source, [(germany, Citation.Claim.FORCES)])
    assert Citation.objects.get().claim == "forces"


def test_facts_of_another_record_are_refused_and_nothing_is_written(exercise, agreement, source, japan):
    other = Exercise.objects.create(slug="other-2023", name="Other exercise")
    stranger = ExerciseParticipant.objects.create(exercise=other, country=japan)
    with pytest.raises(CitingRefused) as refusal:
        cite_facts(exercise, source, [exercise, stranger, agreement])
    message = str(refusal.value)
    assert (
        'Participant Japan of Other exercise is not a fact of the exercise "Test exercise (2022)"' in message
    )
    assert "Japan–Germany ACSA (2024) is not a fact of the exercise" in message
    assert not Citation.objects.exists()


def test_an_identical_citation_refuses_the_whole_save(exercise, source):
    japan_row = exercise.participants.get(country__iso3="JPN")
    Citation.objects.create(source=source, exercise_participant=japan_row, claim="participation")
    with pytest.raises(CitingRefused) as refusal:
        cite_facts(exercise, source, facts_of(exercise))
    assert refusal.value.problems == [
        "Participant Japan: this source is already cited for its participation."
    ]
    assert Citation.objects.count() == 1  # the exercise and Germany were not cited either
    # Another claim of the same fact is another citation: allowed.
    cite_facts(exercise, source, [(japan_row, Citation.Claim.FORCES)])
    assert Citation.objects.count() == 2


def test_nothing_ticked_or_an_unknown_claim_is_refused(exercise, source):
    with pytest.raises(CitingRefused, match="Tick at least one fact"):
        cite_facts(exercise, source, [])
    with pytest.raises(CitingRefused, match="unknown claim 'rumour'"):
        cite_facts(exercise, source, [(exercise, "rumour")])
    assert not Citation.objects.exists()


def test_a_verified_record_goes_back_to_needs_review(exercise, source, curator):
    make_verified(exercise)
    version = exercise.version
    written = cite_facts(exercise, source, facts_of(exercise), user=curator)
    assert written.sent_back
    exercise.refresh_from_db()
    assert exercise.review_status == ReviewStatus.NEEDS_REVIEW
    assert exercise.version > version
    # The curator's citations count as their edits (four eyes).
    from acsa_db.review import editors_since_last_review

    assert curator.pk in editors_since_last_review(exercise)


def test_a_draft_record_moves_its_version_only(exercise, source):
    version = exercise.version
    written = cite_facts(exercise, source, [exercise])
    assert not written.sent_back
    exercise.refresh_from_db()
    assert exercise.review_status == ReviewStatus.DRAFT
    assert exercise.version == version + 1  # a page opened before the citations is outdated


def test_queries_do_not_grow_with_the_number_of_facts(exercise, source):
    countries = [
        Country.objects.create(iso3=f"X{i:02d}", name=f"Test country {i}", cow_code=900 + i)
        for i in range(10)
    ]
    for country in countries:
        ExerciseParticipant.objects.create(exercise=exercise, country=country)
    facts = facts_of(exercise)
    with CaptureQueriesContext(connection) as few:
        cite_facts(exercise, source, facts[:2])
    Citation.objects.all().delete()
    exercise.refresh_from_db()
    with CaptureQueriesContext(connection) as many:
        cite_facts(exercise, source, facts)
    assert Citation.objects.count() == 13  # the exercise and its 12 participants
    assert len(many) == len(few), [q["sql"] for q in many]


# --- the admin page ------------------------------------------------------------------------------


def test_the_record_page_offers_the_button_to_those_who_may_add_citations(
    client, exercise, curator, reviewer
):
    client.force_login(curator)
    page = client.get(change_url(exercise)).content.decode()
    assert f'href="{cite_url(exercise)}"' in page and "Cite a source for…" in page
    client.force_login(reviewer)
    page = client.get(change_url(exercise)).content.decode()
    assert "Cite a source for" not in page


def test_the_page_lists_the_record_and_each_fact_with_its_default_claim(client, agreement, curator):
    client.force_login(curator)
    response = client.get(cite_url(agreement))
    assert response.status_code == 200
    page = response.content.decode()
    for label in ("the agreement itself", "party Japan", "party Germany", "event signature, 2024-01-29"):
        assert label in page
    event = agreement.events.get()
    selected = re.search(rf'name="claim-agreement_event-{event.pk}".*?</select>', page, re.S).group(0)
    assert '<option value="date" selected>' in selected


def test_one_post_cites_every_ticked_fact_with_csrf(exercise, source, curator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(curator)
    page = client.get(cite_url(exercise)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post(cite_url(exercise), form_data(source, facts_of(exercise))).status_code == 403
    response = client.post(
        cite_url(exercise), form_data(source, facts_of(exercise), csrfmiddlewaretoken=token)
    )
    assert response.status_code == 302
    assert response["Location"] == change_url(exercise)
    assert Citation.objects.filter(source=source, locator="p. 2").count() == 3
    assert any("3 citations" in m for m in messages_of(response))


@pytest.mark.parametrize("role", ["viewer", "reviewer"])
def test_users_who_may_not_add_citations_are_refused(client, exercise, source, make_user, role):
    client.force_login(make_user(role, role))
    assert client.get(cite_url(exercise)).status_code == 403
    assert client.post(cite_url(exercise), form_data(source, facts_of(exercise))).status_code == 403
    assert not Citation.objects.exists()


def test_a_fact_of_another_record_posted_is_not_cited(client, exercise, source, curator, japan):
    other = Exercise.objects.create(slug="other-2023", name="Other exercise")
    stranger = ExerciseParticipant.objects.create(exercise=other, country=japan)
    client.force_login(curator)
    response = client.post(cite_url(exercise), form_data(source, [stranger]))
    assert response.status_code == 200
    assert "Tick at least one fact" in response.content.decode()
    assert not Citation.objects.exists()


def test_an_identical_citation_shows_the_refusal_and_saves_nothing(client, exercise, source, curator):
    Citation.objects.create(source=source, exercise=exercise, claim="date")
    client.force_login(curator)
    response = client.post(cite_url(exercise), form_data(source, facts_of(exercise)))
    assert response.status_code == 200
    assert "The exercise itself: this source is already cited for its date." in response.content.decode()
    assert Citation.objects.count() == 1


def test_citing_a_verified_record_says_it_is_back_to_review(client, exercise, source, curator):
    make_verified(exercise)
    client.force_login(curator)
    response = client.post(cite_url(exercise), form_data(source, facts_of(exercise)[1:]))
    assert response.status_code == 302
    exercise.refresh_from_db()
    assert exercise.review_status == ReviewStatus.NEEDS_REVIEW
    assert any("it needs review again" in m for m in messages_of(response))


def test_the_page_of_a_missing_record_is_not_found(client, curator):
    client.force_login(curator)
    assert client.get(reverse("admin:acsa_db_exercise_cite", args=[999999])).status_code == 404


def test_an_exercise_without_start_date_is_cited_for_its_existence(source):
    exercise = Exercise.objects.create(slug="undated", name="Undated exercise")
    assert exercise.start_date is None
    cite_facts(exercise, source, [exercise])
    assert Citation.objects.get().claim == "existence"
    dated = Exercise.objects.create(
        slug="dated", name="Dated", start_date=datetime.date(2020, 1, 1), start_date_precision="year"
    )
    assert default_claim(dated) == "date"


def test_the_page_costs_the_same_queries_for_2_or_12_participants(client, exercise, curator):
    client.force_login(curator)
    with CaptureQueriesContext(connection) as few:
        assert client.get(cite_url(exercise)).status_code == 200
    for i in range(10):
        country = Country.objects.create(iso3=f"Y{i:02d}", name=f"Other country {i}", cow_code=950 + i)
        ExerciseParticipant.objects.create(exercise=exercise, country=country)
    with CaptureQueriesContext(connection) as many:
        page = client.get(cite_url(exercise)).content.decode()
    assert "participant Other country 9" in page
    assert len(many) == len(few), [q["sql"] for q in many]
