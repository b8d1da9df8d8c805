"""In a real browser (issue 18, point 2): after a curator's edit of a verified agreement, the reviewer
sees on its page only the facts changed since the verification, old and new, and its history page
lists the facts' versions in labels."""

import datetime

import pytest
from playwright.sync_api import expect

from acsa_db import review
from acsa_db.models import (
    Agreement,
    AgreementEvent,
    AgreementParty,
    AgreementType,
    Citation,
    Source,
)
from tests import factories

from .pages import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password-1"


@pytest.fixture
def verified_agreement(roles, make_user):
    japan = factories.japan()
    germany = factories.germany()
    acsa = AgreementType.objects.create(code="ACSA", name="Acquisition and Cross-Servicing Agreement")
    source = Source.objects.create(
        slug="test-release",
        title="Test release on the signature",
        kind="official_statement",
        url="https://example.org/test-release",
        published=datetime.date(2024, 7, 1),
        published_precision="month",
    )
    agreement = Agreement.objects.create(
        slug="acsa-jpn-deu-test", title="Japan–Germany ACSA", short_title="Japan–Germany ACSA", type=acsa
    )
    Citation.objects.create(source=source, agreement=agreement, claim="existence")
    for country in (japan, germany):
        party = AgreementParty.objects.create(agreement=agreement, country=country)
        Citation.objects.create(source=source, agreement_party=party, claim="parties")
    event = AgreementEvent.objects.create(
        agreement=agreement,
        kind="signature",
        date=datetime.date(2024, 7, 1),
        date_precision="month",
        place="Tokyo",
    )
    Citation.objects.create(source=source, agreement_event=event, claim="date")
    curator = make_user("carla", "curator", password=PASSWORD)
    make_user("rafael", "reviewer", password=PASSWORD)
    review.send_for_review(agreement, curator)
    return review.verify(agreement, make_user("first-reviewer", "reviewer"))


def test_reviewer_sees_only_the_facts_changed_since_verification(
    live_server, browser, verified_agreement, steps
):
    agreement = verified_agreement
    event = agreement.events.get()

    curator = sign_in(browser, live_server, "carla", PASSWORD)
    curator.goto(f"{live_server.url}/admin/acsa_db/agreementevent/{event.pk}/change/")
    curator.fill("#id_place", "Berlin")
    curator.fill("#id_date", "2024-07-15")
    steps.shot(curator, "curator-edits-the-event")
    curator.click("input[name=_save]")
    expect(curator.locator(".messagelist")).to_contain_text("it needs review again")

    reviewer = sign_in(browser, live_server, "rafael", PASSWORD)
    reviewer.goto(f"{live_server.url}/admin/acsa_db/agreement/{agreement.pk}/change/")
    section = reviewer.locator("#changes-since-verification")
    steps.shot(reviewer, "reviewer-sees-the-changes")
    expect(section).to_contain_text("Changes since the last verification")
    rows = section.locator("tr.acsa-review-change")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Event: signature, 2024-07-15")
    expect(rows.first).to_contain_text("Place: Tokyo → Berlin")
    expect(rows.first).to_contain_text("Date: 2024-07 → 2024-07-15")
    expect(rows.first).to_contain_text("carla")
    expect(section).not_to_contain_text("Party:")
    expect(section).not_to_contain_text("Review status")

    reviewer.goto(f"{live_server.url}/admin/acsa_db/agreement/{agreement.pk}/history/")
    steps.shot(reviewer, "history-page")
    history = reviewer.locator("#change-history")
    expect(history).to_contain_text("Event: signature, 2024-07-15")
    expect(history).to_contain_text("Review status: draft → needs review")
    expect(history).not_to_contain_text("None")
    expect(history).not_to_contain_text("needs_review")

    reviewer.goto(f"{live_server.url}/admin/acsa_db/agreement/{agreement.pk}/change/")
    reviewer.click("input[name=_review_verify]")
    expect(reviewer.locator(".messagelist")).to_contain_text("is verified")
    expect(reviewer.locator("#changes-since-verification")).to_have_count(0)
