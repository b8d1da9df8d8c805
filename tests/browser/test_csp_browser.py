"""In Chromium, under the real Content-Security-Policy: the admin's pages run without a CSP violation,
and the export page's "Select all" box works (its inline handler used to be blocked)."""

import pytest
from playwright.sync_api import expect

from acsa_db.models import Agreement, Citation, Exercise, Source

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password-3"


@pytest.fixture
def signed_in_page(live_server, browser, roles, make_user, citation, exercise, nato):
    """A superuser's page, with every console message and CSP violation the browser reports kept."""
    Citation.objects.create(source=citation.source, exercise=exercise, claim=Citation.Claim.EXISTENCE)
    make_user("csp", superuser=True, password=PASSWORD)
    page = browser.new_context().new_page()
    page.csp_problems = []
    page.on(
        "console",
        lambda message: (
            page.csp_problems.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: page.csp_problems.append(f"page error: {error}"))
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "csp")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()
    return page


def main_pages():
    agreement, exercise, source = Agreement.objects.first(), Exercise.objects.first(), Source.objects.first()
    citation = Citation.objects.first()
    return [
        "/admin/",
        "/admin/acsa_db/agreement/",
        f"/admin/acsa_db/agreement/{agreement.pk}/change/",
        f"/admin/acsa_db/agreement/{agreement.pk}/history/",
        "/admin/acsa_db/agreement/add/",
        "/admin/acsa_db/exercise/",
        f"/admin/acsa_db/exercise/{exercise.pk}/change/",
        "/admin/acsa_db/source/",
        f"/admin/acsa_db/source/{source.pk}/change/",
        "/admin/acsa_db/citation/",
        f"/admin/acsa_db/citation/{citation.pk}/change/",
        "/admin/acsa_db/citation/coverage/",
        "/admin/acsa_db/agreement/export/",
        "/admin/acsa_db/exercise/import/",
        "/admin/acsa_db/country/",
    ]


def test_main_pages_show_no_csp_violation(live_server, signed_in_page, steps):
    page = signed_in_page
    for path in main_pages():
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        steps.shot(page, path.strip("/").replace("/", "-"))
    assert page.csp_problems == []


def test_export_select_all_works_under_the_csp(live_server, signed_in_page, steps):
    page = signed_in_page
    page.goto(f"{live_server.url}/admin/acsa_db/agreement/export/")
    toggle = page.locator("input.select-toggle").first
    fields = page.locator('.selectable-field-export-row:visible input[type="checkbox"]')
    expect(toggle).to_be_checked()
    assert fields.count() > 1
    assert all(fields.nth(i).is_checked() for i in range(fields.count()))
    toggle.click()
    steps.shot(page, "none-selected")
    assert not any(fields.nth(i).is_checked() for i in range(fields.count()))
    toggle.click()
    steps.shot(page, "all-selected")
    assert all(fields.nth(i).is_checked() for i in range(fields.count()))
    assert page.csp_problems == []
