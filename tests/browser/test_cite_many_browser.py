"""In Chromium at 1400x900: a curator cites one source for every fact of an exercise in one save, from
the exercise's page ("Cite a source for…"), and comes back to the exercise, every fact cited."""

import datetime

import pytest
from playwright.sync_api import expect

from acsa_db.models import Citation, Exercise, ExerciseParticipant, Source
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password-18"


@pytest.fixture
def world(roles, make_user):
    japan = factories.japan()
    germany = factories.germany()
    exercise = Exercise.objects.create(
        slug="test-exercise-2022",
        name="Test exercise",
        start_date=datetime.date(2022, 9, 28),
        start_date_precision="day",
        host=japan,
    )
    ExerciseParticipant.objects.create(exercise=exercise, country=japan, role="host")
    ExerciseParticipant.objects.create(exercise=exercise, country=germany, forces="3 Eurofighter")
    Source.objects.create(
        slug="test-release",
        title="Test release on the exercise",
        kind="official_statement",
        url="https://example.org/test-release",
    )
    make_user("carla", "curator", password=PASSWORD)
    return exercise


def test_a_curator_cites_every_fact_of_an_exercise_in_one_save(live_server, browser, world, steps):
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if "Refused to" in m.text else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "carla")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")

    exercise_url = f"{live_server.url}/admin/acsa_db/exercise/{world.pk}/change/"
    page.goto(exercise_url)
    expect(page.locator(".field-citation_check")).to_contain_text("No supporting citation yet")
    page.click("text=Cite a source for…")
    expect(page.locator("h1")).to_contain_text("Cite a source for Test exercise (2022)")
    rows = page.locator("#cite-facts tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("the exercise itself")
    expect(rows.nth(1)).to_contain_text("participant Japan")
    expect(rows.nth(2)).to_contain_text("participant Germany")

    page.click("#id_source + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", "release")
    page.locator(".select2-results__option", has_text="Test release").first.click()
    for index in range(3):
        rows.nth(index).locator("input[type=checkbox]").check()
    # The exercise is dated: its citation backs the date; a participant's, the participation.
    expect(rows.nth(0).locator("select")).to_have_value("date")
    rows.nth(2).locator("select").select_option("forces")
    page.fill("#id_locator", "para. 2")
    page.fill("#id_quote", "held a joint exercise")
    steps.shot(page, "ticked")
    page.click("input[value='Save citations']")

    expect(page).to_have_url(exercise_url)
    expect(page.locator(".messagelist")).to_contain_text("3 citations")
    expect(page.locator(".field-citation_check")).to_contain_text("Every fact has a supporting citation")
    steps.shot(page, "back-on-the-exercise")
    written = Citation.objects.filter(source__slug="test-release", locator="para. 2").order_by("id")
    assert [(c.target_name, c.claim) for c in written] == [
        ("exercise", "date"),
        ("exercise_participant", "participation"),
        ("exercise_participant", "forces"),
    ]
    assert problems == []
