"""In a real browser: a curator records and cites an agreement, a reviewer verifies it, a viewer reads
it, and two curators editing the same record at once see the conflict."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from acsa_db.models import Agreement, AgreementType, Country, Source

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password-1"


@pytest.fixture
def world(roles, make_user):
    Country.objects.create(
        iso3="JPN", iso2="JP", iso_numeric="392", cow_code=740, cow_abbrev="JPN", name="Japan"
    )
    Country.objects.create(
        iso3="DEU", iso2="DE", iso_numeric="276", cow_code=255, cow_abbrev="GMY", name="Germany"
    )
    AgreementType.objects.create(code="ACSA", name="Acquisition and Cross-Servicing Agreement")
    Source.objects.create(
        slug="test-release",
        title="Test release on the signature",
        kind="official_statement",
        url="https://example.org/test-release",
        published=datetime.date(2024, 1, 29),
        published_precision="day",
    )
    return {
        "curator": make_user("carla", "curator", password=PASSWORD),
        "reviewer": make_user("rafael", "reviewer", password=PASSWORD),
        "viewer": make_user("vera", "viewer", password=PASSWORD),
        "curator2": make_user("bruno", "curator", password=PASSWORD),
    }


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(username.upper(), ignore_case=True)


def autocomplete(page, select_id, term, choice):
    """Pick ``choice`` in the admin's autocomplete (select2) widget of ``select_id``."""
    page.click(f"#{select_id} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", term)
    page.locator(".select2-results__option", has_text=choice).first.click()
    expect(page.locator(f"#select2-{select_id}-container")).to_contain_text(choice)


def add_citation_on_fact_page(page, url, claim, steps, name):
    page.goto(url)
    page.click("text=Add another citation")
    autocomplete(page, "id_citations-0-source", "release", "Test release")
    page.select_option("#id_citations-0-claim", claim)
    steps.shot(page, name)
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")


def test_curator_records_reviewer_verifies_viewer_reads(live_server, browser, world, steps):
    curator_page = browser.new_context().new_page()
    sign_in(curator_page, live_server, "carla")
    page = curator_page
    page.goto(f"{live_server.url}/admin/acsa_db/agreement/add/")
    page.fill("#id_short_title", "Japan–Germany ACSA")
    page.fill("#id_title", "Agreement between Japan and Germany concerning reciprocal provision of supplies")
    page.fill("#id_slug", "acsa-jpn-deu-test")
    page.select_option("#id_type", label="ACSA")
    page.click("text=Add another Agreement party")
    page.click("text=Add another Agreement party")
    autocomplete(page, "id_parties-0-country", "Jap", "Japan")
    autocomplete(page, "id_parties-1-country", "Germ", "Germany")
    page.click("text=Add another Agreement event")
    page.select_option("#id_events-0-kind", "signature")
    page.fill("#id_events-0-date", "2024-01")
    page.click("#citations-group >> text=Add another citation")
    autocomplete(page, "id_citations-0-source", "release", "Test release")
    page.select_option("#id_citations-0-claim", "existence")
    steps.shot(page, "curator-fills-the-agreement")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    agreement = Agreement.objects.get(slug="acsa-jpn-deu-test")
    event = agreement.events.get()
    assert (event.date, event.date_precision) == (datetime.date(2024, 1, 1), "month")
    assert sorted(agreement.parties.values_list("country__iso3", flat=True)) == ["DEU", "JPN"]
    steps.shot(page, "agreement-saved")

    page.click("input[value='Send for review']")
    expect(page.locator("#review-status")).to_contain_text("needs review")
    steps.shot(page, "sent-for-review")

    reviewer_page = browser.new_context().new_page()
    sign_in(reviewer_page, live_server, "rafael")
    change_url = f"{live_server.url}/admin/acsa_db/agreement/{agreement.pk}/change/"
    reviewer_page.goto(change_url)
    reviewer_page.click("input[value='Verify']")
    error = reviewer_page.locator(".messagelist .error")
    expect(error).to_contain_text("event signature, 2024-01")
    expect(error).to_contain_text("party Japan")
    expect(error).to_contain_text("party Germany")
    steps.shot(reviewer_page, "reviewer-told-what-lacks-a-citation")

    # The curator cites each remaining fact on its own page, as the coverage page links there.
    add_citation_on_fact_page(
        page,
        f"{live_server.url}/admin/acsa_db/agreementevent/{event.pk}/change/",
        "date",
        steps,
        "cite-event",
    )
    for party in agreement.parties.all():
        url = f"{live_server.url}/admin/acsa_db/agreementparty/{party.pk}/change/"
        add_citation_on_fact_page(page, url, "parties", steps, f"cite-party-{party.pk}")

    reviewer_page.goto(change_url)
    expect(reviewer_page.locator(".field-citation_check")).to_contain_text(
        "Every fact has a supporting citation"
    )
    reviewer_page.click("input[value='Verify']")
    expect(reviewer_page.locator("#review-status")).to_contain_text("verified")
    expect(reviewer_page.locator("#review-status")).to_contain_text("by rafael")
    steps.shot(reviewer_page, "verified")
    agreement.refresh_from_db()
    assert (agreement.review_status, agreement.reviewed_by.username) == ("verified", "rafael")

    viewer_page = browser.new_context().new_page()
    sign_in(viewer_page, live_server, "vera")
    viewer_page.goto(change_url)
    expect(viewer_page.locator("h1")).to_contain_text("View agreement")
    expect(viewer_page.locator(".field-short_title .readonly")).to_contain_text("Japan–Germany ACSA")
    expect(viewer_page.locator("input[name=_save]")).to_have_count(0)
    expect(viewer_page.locator("#review-status input[type=submit]")).to_have_count(0)
    steps.shot(viewer_page, "viewer-reads-only")


def test_two_curators_editing_the_same_record_see_the_conflict(live_server, browser, world, steps):
    agreement = Agreement.objects.create(
        slug="acsa-shared",
        title="A shared agreement",
        short_title="Shared ACSA",
        type=AgreementType.objects.get(code="ACSA"),
    )
    url = f"{live_server.url}/admin/acsa_db/agreement/{agreement.pk}/change/"
    first = browser.new_context().new_page()
    second = browser.new_context().new_page()
    sign_in(first, live_server, "carla")
    sign_in(second, live_server, "bruno")
    first.goto(url)
    second.goto(url)  # both pages show version 1

    first.fill("#id_summary", "Carla's summary")
    first.click("input[name=_continue]")
    expect(first.locator(".messagelist")).to_contain_text("was changed successfully")
    steps.shot(first, "first-save")

    second.fill("#id_summary", "Bruno's summary")
    second.click("input[name=_continue]")
    error = second.locator(".errornote + .errorlist, ul.errorlist.nonfield")
    expect(error).to_contain_text("Not saved: this agreement was changed by carla")
    link = second.locator("a", has_text="Open the current version")
    expect(link).to_have_attribute("href", re.compile(rf"/admin/acsa_db/agreement/{agreement.pk}/change/$"))
    # Bruno's text is still in his form, to copy over.
    expect(second.locator("#id_summary")).to_have_value("Bruno's summary")
    steps.shot(second, "second-save-refused")
    agreement.refresh_from_db()
    assert agreement.summary == "Carla's summary"
