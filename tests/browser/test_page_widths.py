"""In Chromium at 1400x900 (issue 18): the busiest change pages and the exercise list fit the window.

The agreement and exercise pages were 2,199 px wide: the inline tables sized
their text fields for a whole-width form row, so the events' and citations'
Note, Citations and Delete columns were off-screen. The exercise list hid its
last columns behind a horizontal scroll.
"""

import datetime

import pytest
from playwright.sync_api import expect

from acsa_db.models import AgreementEvent, Citation, Country, Exercise, ExerciseParticipant, Source

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password-5"
WIDTH = 1400
LONG_NOTE = (
    "The ministry's statement gives the day; the news reports of the same week give only the month, "
    "and one of them names a different city."
)

# The page's width, and every element whose right edge passes the window's (the first few).
MEASURE = """() => ({
  page: document.documentElement.scrollWidth,
  beyond: [...document.querySelectorAll('th, td, input, select, textarea, a')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth)
    .slice(0, 5)
    .map(e => `${e.tagName}.${e.className}#${e.id}`),
})"""


@pytest.fixture
def busy_records(roles, citation, exercise, nato):
    """An agreement with a dozen cited, annotated events and an exercise with many cited participants."""
    agreement = citation.agreement
    sources = [
        Source.objects.create(
            slug=f"a-rather-long-source-slug-from-the-wire-2024-{i}",
            title=f"Wire report {i}",
            kind=Source.Kind.WIRE,
        )
        for i in range(4)
    ]
    for year in range(2010, 2022):
        event = AgreementEvent.objects.create(
            agreement=agreement,
            kind=AgreementEvent.Kind.SUBSTANTIVE_AGREEMENT if year == 2010 else AgreementEvent.Kind.AMENDMENT,
            date=datetime.date(year, 1, 1),
            date_precision="year",
            place="Tokyo (Ministry of Foreign Affairs, Iikura Guest House)",
            note=LONG_NOTE,
        )
        for source in sources:
            Citation.objects.create(
                source=source, agreement_event=event, claim=Citation.Claim.DATE, note=LONG_NOTE
            )
    for source in sources:
        Citation.objects.create(
            source=source,
            agreement=agreement,
            claim=Citation.Claim.EXISTENCE,
            quote=LONG_NOTE,
            note=LONG_NOTE,
        )
        Citation.objects.create(
            source=source, exercise=exercise, claim=Citation.Claim.EXISTENCE, note=LONG_NOTE
        )
    for country in Country.objects.exclude(pk__in=exercise.participants.values("country"))[:6]:
        participant = ExerciseParticipant.objects.create(
            exercise=exercise, country=country, forces="F-35A, F-15J, KC-767, E-767 and 300 personnel"
        )
        for source in sources[:3]:
            Citation.objects.create(
                source=source, exercise_participant=participant, claim=Citation.Claim.PARTICIPATION
            )
    Exercise.objects.create(
        slug="a-reported-plan",
        name="Reported plan for rotational fighter deployments to a partner's northern air bases",
        status=Exercise.Status.REPORTED_PLAN,
        host=exercise.host,
    )
    return agreement, exercise


@pytest.fixture
def page_1400(live_server, browser, make_user, busy_records):
    make_user("wide", superuser=True, password=PASSWORD)
    page = browser.new_context(viewport={"width": WIDTH, "height": 900}).new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "wide")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()
    return page


def fits(page):
    measured = page.evaluate(MEASURE)
    assert measured["page"] <= WIDTH and not measured["beyond"], measured


def test_change_pages_with_many_events_and_citations_fit_the_window(
    live_server, page_1400, busy_records, steps
):
    agreement, exercise = busy_records
    for path in (
        f"/admin/acsa_db/agreement/{agreement.pk}/change/",
        f"/admin/acsa_db/exercise/{exercise.pk}/change/",
    ):
        page_1400.goto(f"{live_server.url}{path}")
        page_1400.wait_for_load_state("load")
        steps.shot(page_1400, path.strip("/").replace("/", "-"))
        fits(page_1400)
    # The last column of the inline tables is within the window's width: the box that deletes a row.
    box = page_1400.locator("#citations-0 td.delete input").bounding_box()
    assert box["x"] + box["width"] <= WIDTH


def test_the_exercise_list_shows_every_column_without_scrolling(live_server, page_1400, steps):
    page_1400.goto(f"{live_server.url}/admin/acsa_db/exercise/")
    steps.shot(page_1400, "exercise-list")
    fits(page_1400)
    # Django's list scrolls inside its own box when the table is wider than it: it does not.
    overflow = page_1400.evaluate(
        "() => { const box = document.querySelector('.results'); return box.scrollWidth - box.clientWidth; }"
    )
    assert overflow == 0
    headers = page_1400.locator("#result_list thead th").all_inner_texts()
    for column in ("NAME", "DATES", "HOST", "PARTICIPANTS", "REVIEW STATUS", "CITATIONS"):
        assert column in [header.strip().upper() for header in headers], headers
    row = page_1400.locator("#result_list tbody tr", has_text="Test exercise")
    expect(row.locator("td.field-dates")).to_have_text("2022-09-28 – 2022-09-30")
