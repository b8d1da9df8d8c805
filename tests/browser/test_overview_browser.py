"""In Chromium, under the real CSP: a viewer opens the data overview from the admin index, sees its
pictures load, filters the network by year and downloads a picture."""

import datetime

import pytest
from playwright.sync_api import expect

from acsa_db.models import AgreementEvent

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password-4"


@pytest.fixture
def viewer_page(live_server, browser, roles, make_user, agreement, exercise):
    AgreementEvent.objects.create(
        agreement=agreement,
        kind=AgreementEvent.Kind.ENTRY_INTO_FORCE,
        date=datetime.date(2024, 7, 1),
        date_precision="month",
    )
    make_user("overview-viewer", "viewer", password=PASSWORD)
    page = browser.new_context(accept_downloads=True).new_page()
    page.csp_problems = []
    page.on(
        "console",
        lambda message: (
            page.csp_problems.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "overview-viewer")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()
    return page


def loaded_images(page):
    """The pictures the browser decoded (an image that failed to load has no natural width)."""
    return page.eval_on_selector_all(
        ".acsa-overview-picture img", "images => images.map(i => [i.alt, i.complete && i.naturalWidth > 0])"
    )


def test_a_viewer_opens_the_overview_and_downloads_a_picture(live_server, viewer_page, steps, tmp_path):
    page = viewer_page
    page.get_by_role("link", name="Data overview").click()
    expect(page.locator("h1")).to_have_text("Data overview")
    page.wait_for_load_state("load")
    steps.shot(page, "overview")
    images = loaded_images(page)
    assert len(images) == 3
    assert all(ok for _alt, ok in images), images

    page.select_option("#overview-year", "2022")
    page.click("#overview-year-form input[type=submit]")
    page.wait_for_load_state("load")
    assert page.url.endswith("/admin/overview/?year=2022")
    expect(page.locator("#overview-network h2")).to_have_text("Partner network, 2022")
    assert all(ok for _alt, ok in loaded_images(page))
    steps.shot(page, "network-2022")

    with page.expect_download() as download_info:
        page.click("#download-network-png")
    download = download_info.value
    assert download.suggested_filename == "acsa-db-network-2022.png"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert page.csp_problems == []
