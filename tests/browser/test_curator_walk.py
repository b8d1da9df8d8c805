"""Issue 18's walk, in Chromium at 1400x900: a curator adds an exercise with its participants (the host
offered as one), cites all its facts in one save and sends it for review; a reviewer verifies it; the
curator changes one fact, and another reviewer sees that change alone on the record's page and verifies
again; a viewer opens the data overview and downloads a picture."""

import pytest
from playwright.sync_api import expect

from acsa_db.models import Citation, Exercise, ReviewStatus
from tests.factories import CountryFactory, SourceFactory, japan

from .pages import autocomplete, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password-20"


@pytest.fixture
def world(roles, make_user):
    japan()
    CountryFactory(iso3="AUS", iso2="AU", iso_numeric="036", cow_code=900, cow_abbrev="AUL", name="Australia")
    SourceFactory(slug="walk-release", title="Walk release on the exercise", kind="official_statement")
    for username, group in (
        ("carla", "curator"),
        ("rafael", "reviewer"),
        ("rosa", "reviewer"),
        ("vera", "viewer"),
    ):
        make_user(username, group, password=PASSWORD)


def test_a_curator_and_two_reviewers_walk_an_exercise_from_draft_to_verified(
    live_server, browser, world, steps, tmp_path
):
    # The curator adds the exercise and one participant; the host is offered as the other.
    curator = sign_in(browser, live_server, "carla", PASSWORD)
    curator.goto(f"{live_server.url}/admin/acsa_db/exercise/add/")
    curator.fill("#id_name", "Walk exercise")
    curator.fill("#id_start_date", "2025-07")
    autocomplete(curator, "id_host", "Jap", "Japan")
    expect(curator.locator("#id_add_host_as_participant")).to_be_checked()
    curator.click("#participants-group >> text=Add another Exercise participant")
    autocomplete(curator, "id_participants-0-country", "Aus", "Australia")
    curator.fill("#id_participants-0-forces", "2 frigates")
    steps.shot(curator, "exercise-filled")
    curator.click("input[name=_continue]")
    expect(curator.locator(".messagelist")).to_contain_text("was added successfully")
    expect(curator.locator(".messagelist")).to_contain_text("Japan (the host) was added as a participant")
    exercise = Exercise.objects.get(name="Walk exercise")
    assert sorted(exercise.participants.values_list("country__iso3", "role")) == [
        ("AUS", "participant"),
        ("JPN", "host"),
    ]
    exercise_url = f"{live_server.url}/admin/acsa_db/exercise/{exercise.pk}/change/"

    # One source for every fact, in one save.
    curator.click("text=Cite a source for…")
    rows = curator.locator("#cite-facts tbody tr")
    expect(rows).to_have_count(3)
    autocomplete(curator, "id_source", "walk", "Walk release")
    for index in range(3):
        rows.nth(index).locator("input[type=checkbox]").check()
    curator.fill("#id_locator", "para. 1")
    steps.shot(curator, "cite-every-fact")
    curator.click("input[value='Save citations']")
    expect(curator).to_have_url(exercise_url)
    expect(curator.locator(".messagelist")).to_contain_text("3 citations")
    expect(curator.locator(".field-citation_check")).to_contain_text("Every fact has a supporting citation")
    assert Citation.objects.filter(source__slug="walk-release", locator="para. 1").count() == 3

    curator.click("input[value='Send for review']")
    expect(curator.locator(".messagelist")).to_contain_text("was sent for review")
    steps.shot(curator, "sent-for-review")

    # The first reviewer: a record never verified asks for every fact to be checked.
    rafael = sign_in(browser, live_server, "rafael", PASSWORD)
    rafael.goto(exercise_url)
    expect(rafael.locator("#changes-since-verification")).to_contain_text("never been verified")
    rafael.click("input[value='Verify']")
    expect(rafael.locator(".messagelist")).to_contain_text("is verified")
    exercise.refresh_from_db()
    assert exercise.review_status == ReviewStatus.VERIFIED

    # The curator changes one participant's forces: the exercise needs review again.
    australia = exercise.participants.get(country__iso3="AUS")
    curator.goto(f"{live_server.url}/admin/acsa_db/exerciseparticipant/{australia.pk}/change/")
    curator.fill("#id_forces", "2 frigates and a submarine")
    curator.click("input[name=_save]")
    # Saving a fact's page returns to its exercise.
    expect(curator).to_have_url(exercise_url)
    expect(curator.locator(".messagelist")).to_contain_text("it needs review again")

    # Another reviewer sees that change alone, then verifies.
    rosa = sign_in(browser, live_server, "rosa", PASSWORD)
    rosa.goto(exercise_url)
    section = rosa.locator("#changes-since-verification")
    rows = section.locator("tr.acsa-review-change")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Australia")
    expect(rows.first).to_contain_text("2 frigates → 2 frigates and a submarine")
    expect(rows.first).to_contain_text("carla")
    steps.shot(rosa, "reviewer-sees-the-change")
    rosa.click("input[value='Verify']")
    expect(rosa.locator(".messagelist")).to_contain_text("is verified")
    exercise.refresh_from_db()
    assert (exercise.review_status, exercise.reviewed_by.username) == (ReviewStatus.VERIFIED, "rosa")

    # A viewer opens the data overview from the index and downloads a picture.
    vera = sign_in(browser, live_server, "vera", PASSWORD)
    vera.get_by_role("link", name="Data overview").click()
    expect(vera.locator("h1")).to_have_text("Data overview")
    steps.shot(vera, "overview")
    with vera.expect_download() as download_info:
        vera.click("#download-exercises-svg")
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    assert saved.suffix == ".svg"
    assert "Australia" in saved.read_text(encoding="utf-8")

    assert [page.problems for page in (curator, rafael, rosa, vera)] == [[], [], [], []]
