"""Screenshots of docs/admin.md: a record's history, and what changed since its verification.

The Japan–Germany ACSA is verified in the seeded data set. A curator rewords
the note of its "negotiations launched" event (same fact, other words), which
sends it back to needs review; the reviewer's page then lists that one change.
"""

SLUG = "acsa-jpn-deu-2024"


def _open_agreement(page, base_url):
    page.goto(f"{base_url}/admin/acsa_db/agreement/?q={SLUG}")
    page.locator("#result_list tbody tr th a").first.click()
    page.wait_for_selector("#agreement_form")


def review_changes(page, base_url):
    page.goto(f"{base_url}/admin/acsa_db/agreementevent/?q={SLUG}&kind__exact=negotiation_launch")
    page.locator("#result_list tbody tr th a").first.click()
    page.fill("#id_note", "MOFA announced the start of negotiations that day.")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")
    _open_agreement(page, base_url)
    page.locator("#changes-since-verification").scroll_into_view_if_needed()


def history(page, base_url):
    _open_agreement(page, base_url)
    page.click("a.historylink")
    page.wait_for_selector("#change-history")


SCENES = [("history_review_changes.png", review_changes), ("history_page.png", history)]
