"""Saving a fact's own page (event, party, participant, citation) returns to its agreement or exercise
(acsa_db/admin/return_to.py), or to a ``_return_to`` path on this site."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from acsa_db.models import Citation, ExerciseParticipant

pytestmark = pytest.mark.django_db


def change_url(obj):
    return reverse(f"admin:acsa_db_{obj._meta.model_name}_change", args=[obj.pk])


def participant_data(participant, **changes):
    data = {
        "exercise": participant.exercise_id,
        "country": participant.country_id or "",
        "organization": participant.organization_id or "",
        "role": participant.role,
        "forces": participant.forces,
        "note": participant.note,
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_saving_a_participant_returns_to_its_exercise(client, exercise, curator):
    client.force_login(curator)
    germany = exercise.participants.get(country__iso3="DEU")
    response = client.post(change_url(germany), participant_data(germany, forces="6 Eurofighter"))
    assert response.status_code == 302
    assert response["Location"] == change_url(exercise)  # not the list of all participants
    germany.refresh_from_db()
    assert germany.forces == "6 Eurofighter"


def test_save_and_continue_keeps_djangos_behaviour(client, exercise, curator):
    client.force_login(curator)
    germany = exercise.participants.get(country__iso3="DEU")
    response = client.post(change_url(germany), participant_data(germany, _continue="1"))
    assert response["Location"] == change_url(germany)


def test_adding_a_participant_on_its_own_page_returns_to_the_exercise(client, exercise, curator, nato):
    client.force_login(curator)
    new = ExerciseParticipant(exercise=exercise, organization=nato, role="observer")
    response = client.post(reverse("admin:acsa_db_exerciseparticipant_add"), participant_data(new))
    assert response.status_code == 302
    assert response["Location"] == change_url(exercise)
    assert exercise.participants.filter(organization=nato).exists()


def test_saving_an_event_or_party_returns_to_its_agreement(client, agreement, curator):
    client.force_login(curator)
    event = agreement.events.get()
    response = client.post(
        change_url(event),
        {
            "agreement": agreement.pk,
            "kind": "signature",
            "date": "2024-01-29",
            "place": "Berlin",
            "note": "",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
        },
    )
    assert response["Location"] == change_url(agreement)
    party = agreement.parties.get(country__iso3="DEU")
    response = client.post(
        change_url(party),
        {
            "agreement": agreement.pk,
            "country": party.country_id,
            "organization": "",
            "role": party.role,
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
        },
    )
    assert response["Location"] == change_url(agreement)


def test_saving_a_citation_of_a_participant_returns_to_the_exercise(client, exercise, source, curator):
    germany = exercise.participants.get(country__iso3="DEU")
    citation = Citation.objects.create(source=source, exercise_participant=germany, claim="participation")
    client.force_login(curator)
    data = {
        "source": source.pk,
        "claim": "forces",
        "stance": "supports",
        "locator": "",
        "quote": "",
        "note": "",
        "exercise_participant": germany.pk,
    }
    response = client.post(change_url(citation), data)
    assert response["Location"] == change_url(exercise)
    citation.refresh_from_db()
    assert citation.claim == "forces"


def test_deleting_a_participant_returns_to_its_exercise(client, exercise, curator):
    client.force_login(curator)
    germany = exercise.participants.get(country__iso3="DEU")
    url = reverse("admin:acsa_db_exerciseparticipant_delete", args=[germany.pk])
    response = client.post(url, {"post": "yes"})
    assert response["Location"] == change_url(exercise)
    assert not exercise.participants.filter(pk=germany.pk).exists()


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/admin/acsa_db/source/", "/admin/acsa_db/source/"),
        ("https://evil.example/admin/", None),
        ("//evil.example/", None),
        ("javascript:alert(1)", None),
    ],
)
def test_return_to_is_followed_only_on_this_site(client, exercise, curator, target, expected):
    client.force_login(curator)
    germany = exercise.participants.get(country__iso3="DEU")
    url = f"{change_url(germany)}?{urlencode({'_return_to': target})}"
    response = client.post(url, participant_data(germany))
    assert response.status_code == 302
    assert response["Location"] == (expected or change_url(exercise))
