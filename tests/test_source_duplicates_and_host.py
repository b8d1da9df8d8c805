"""Issue 18, point 7: the source form warns of a duplicate before saving (same URL once normalised, or
the same DOI), with "Save anyway"; the exercise form adds the host as a participant."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from acsa_db.curation import add_host_as_participant
from acsa_db.models import Exercise, ExerciseParticipant, ReviewStatus, Source
from acsa_db.source_links import doi_in_url, duplicates_of_url

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def source_data(**changes):
    data = {
        "title": "Same release, other address",
        "slug": "same-release",
        "publisher": "",
        "authors": "",
        "kind": "news",
        "language": "en",
        "url": "http://www.example.org/release/?utm_campaign=x",
        "archive_url": "",
        "published": "",
        "accessed_on": "",
        "relays_description": "",
        "notes": "",
    }
    data.update(changes)
    return data


# --- duplicate sources ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, doi",
    [
        ("https://doi.org/10.1080/01402390.2023.2200000", "10.1080/01402390.2023.2200000"),
        (
            "https://www.tandfonline.com/doi/full/10.1080/01402390.2023.2200000/",
            "10.1080/01402390.2023.2200000",
        ),
        ("https://dx.doi.org/10.1093/ISQ/SQAB001?utm_source=x", "10.1093/isq/sqab001"),
        ("https://doi.org/10.1093%2Fisq%2Fsqab001", "10.1093/isq/sqab001"),
        ("https://example.org/release", None),
    ],
)
def test_the_doi_in_an_address(url, doi):
    assert doi_in_url(url) == doi


def test_adding_a_source_with_a_known_url_is_stopped_before_saving(client, source, curator):
    client.force_login(curator)
    response = client.post(reverse("admin:acsa_db_source_add"), source_data())
    assert response.status_code == 200  # the form again, nothing saved
    assert not Source.objects.filter(slug="same-release").exists()
    page = response.content.decode()
    assert "This looks like a source already recorded" in page
    assert f'href="{reverse("admin:acsa_db_source_change", args=[source.pk])}"' in page
    assert "the same URL once normalised" in page
    assert 'type="checkbox" name="save_anyway"' in page  # offered beside the warning only


def test_save_anyway_saves_it(client, source, curator):
    client.force_login(curator)
    response = client.post(reverse("admin:acsa_db_source_add"), source_data(save_anyway="on"))
    assert response.status_code == 302
    assert Source.objects.filter(slug="same-release").exists()
    # The warning came before the save; it is not repeated after it.
    assert not any("same" in m and "URL" in m for m in messages_of(response))


def test_a_new_source_with_another_url_shows_no_tick_box(client, source, curator):
    client.force_login(curator)
    page = client.get(reverse("admin:acsa_db_source_add")).content.decode()
    assert 'type="checkbox" name="save_anyway"' not in page
    response = client.post(reverse("admin:acsa_db_source_add"), source_data(url="https://example.org/other"))
    assert response.status_code == 302


def test_the_same_doi_at_another_address_is_a_duplicate(client, curator):
    article = Source.objects.create(
        slug="article", title="An article", kind="academic", url="https://doi.org/10.1080/0140239.2023.22"
    )
    client.force_login(curator)
    url = "https://www.tandfonline.com/doi/full/10.1080/0140239.2023.22"
    response = client.post(reverse("admin:acsa_db_source_add"), source_data(url=url, kind="academic"))
    assert response.status_code == 200
    assert "the same DOI (10.1080/0140239.2023.22)" in response.content.decode()
    assert duplicates_of_url(url) == [(article, "the same DOI (10.1080/0140239.2023.22)")]
    assert not Source.objects.filter(slug="same-release").exists()


def test_the_very_same_url_is_left_to_the_unique_constraint(client, source, curator):
    client.force_login(curator)
    response = client.post(reverse("admin:acsa_db_source_add"), source_data(url=source.url, save_anyway="on"))
    assert response.status_code == 200
    assert "Source with this URL already exists." in response.content.decode()
    assert duplicates_of_url(source.url) == []


def test_editing_a_source_without_changing_its_url_is_not_warned(client, source, curator):
    Source.objects.create(slug="twin", title="Twin", kind="news", url="https://www.example.org/release/")
    client.force_login(curator)
    url = reverse("admin:acsa_db_source_change", args=[source.pk])
    data = source_data(
        title="Test release (corrected title)",
        slug=source.slug,
        kind=source.kind,
        url=source.url,
        published="2024-01-29",
        based_on_version=source.version,
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    source.refresh_from_db()
    assert source.title == "Test release (corrected title)"


# --- the host as a participant ---------------------------------------------------------------------


def exercise_add_data(host, **changes):
    data = {
        "name": "Nichi-Doku test",
        "slug": "nichi-doku-test",
        "series": "",
        "kind": "exercise",
        "status": "held",
        "start_date": "2024-07",
        "end_date": "",
        "location": "",
        "host": host.pk,
        "scenario": "",
        "summary": "",
        "notes": "",
        "participants-TOTAL_FORMS": "0",
        "participants-INITIAL_FORMS": "0",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_the_add_page_offers_the_host_ticked(client, curator):
    client.force_login(curator)
    page = client.get(reverse("admin:acsa_db_exercise_add")).content.decode()
    assert re.search(r'<input type="checkbox" name="add_host_as_participant"[^>]* checked>', page)


def test_a_new_exercise_gets_its_host_as_participant(client, curator, japan):
    client.force_login(curator)
    response = client.post(
        reverse("admin:acsa_db_exercise_add"), exercise_add_data(japan, add_host_as_participant="on")
    )
    assert response.status_code == 302
    exercise = Exercise.objects.get(slug="nichi-doku-test")
    assert list(exercise.participants.values_list("country__iso3", "role")) == [("JPN", "host")]
    assert any("Japan (the host) was added as a participant" in m for m in messages_of(response))


def test_unticked_the_host_is_not_added(client, curator, japan):
    client.force_login(curator)
    client.post(reverse("admin:acsa_db_exercise_add"), exercise_add_data(japan))
    assert not Exercise.objects.get(slug="nichi-doku-test").participants.exists()


def test_a_host_entered_in_the_inline_is_kept_as_entered(client, curator, japan):
    client.force_login(curator)
    data = exercise_add_data(
        japan,
        add_host_as_participant="on",
        **{
            "participants-TOTAL_FORMS": "1",
            "participants-0-country": japan.pk,
            "participants-0-organization": "",
            "participants-0-role": "lead",
            "participants-0-forces": "",
        },
    )
    response = client.post(reverse("admin:acsa_db_exercise_add"), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    exercise = Exercise.objects.get(slug="nichi-doku-test")
    assert list(exercise.participants.values_list("country__iso3", "role")) == [("JPN", "lead")]


def test_the_change_page_says_the_host_is_missing_and_adds_it_when_ticked(client, curator, germany):
    exercise = Exercise.objects.create(
        slug="ex-2023",
        name="Exercise",
        host=germany,
        start_date=datetime.date(2023, 1, 1),
        start_date_precision="year",
    )
    client.force_login(curator)
    url = reverse("admin:acsa_db_exercise_change", args=[exercise.pk])
    page = client.get(url).content.decode()
    assert "Germany (the host) is not among the participants." in page
    assert re.search(r'<input type="checkbox" name="add_host_as_participant"[^>]*>', page)
    assert not re.search(r'<input type="checkbox" name="add_host_as_participant"[^>]* checked>', page)
    data = exercise_add_data(germany, name="Exercise", slug="ex-2023", start_date="2023")
    data.update(based_on_version=exercise.version, add_host_as_participant="on")
    assert client.post(url, data).status_code == 302
    assert exercise.participants.get().role == "host"


def test_adding_the_host_to_a_verified_exercise_sends_it_back(curator, germany):
    exercise = Exercise.objects.create(slug="ex-2023", name="Exercise", host=germany)
    Exercise.objects.filter(pk=exercise.pk).update(
        review_status=ReviewStatus.VERIFIED, reviewed_at=timezone.now()
    )
    exercise.refresh_from_db()
    participant = add_host_as_participant(exercise, curator)
    assert participant.role == "host" and participant.country == germany
    exercise.refresh_from_db()
    assert exercise.review_status == ReviewStatus.NEEDS_REVIEW
    assert add_host_as_participant(exercise, curator) is None  # already there
    assert ExerciseParticipant.objects.count() == 1
