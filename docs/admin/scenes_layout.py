"""Screenshots of docs/admin.md: pages that fit a 1400 px window, and the import page."""

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def open_record(page, base_url, model, slug):
    page.goto(f"{base_url}/admin/acsa_db/{model}/?q={slug}")
    page.locator("#result_list tbody tr th a").first.click()
    page.wait_for_load_state("load")


def exercise_list(page, base_url):
    page.goto(f"{base_url}/admin/acsa_db/exercise/")


def agreement_events(page, base_url):
    # The seeded agreement with the most events (a dozen), each with its citations.
    open_record(page, base_url, "agreement", "gsomia-jpn-kor-2016")
    page.locator("#events-group").scroll_into_view_if_needed()
    page.evaluate("document.querySelector('#events-group').scrollIntoView()")


def import_page(page, base_url):
    page.goto(f"{base_url}/admin/acsa_db/agreement/import/")


def import_sheet_hint(page, base_url):
    page.goto(f"{base_url}/admin/acsa_db/agreement/import/")
    page.select_option("#id_resource", "0")  # the per-table file, not the sheet
    page.set_input_files("#id_import_file", str(EXAMPLES / "agreement_sheet.csv"))
    page.select_option("#id_format", "0")
    page.click("input[type=submit]")
    page.wait_for_load_state("load")
    page.evaluate("document.querySelector('#import-problems').scrollIntoView()")


SCENES = [
    ("layout_exercise_list.png", exercise_list),
    ("layout_agreement_events.png", agreement_events),
    ("layout_import.png", import_page),
    ("layout_import_sheet_hint.png", import_sheet_hint),
]
