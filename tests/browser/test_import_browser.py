"""In a real browser: a curator imports an exercise sheet, sees each bad row explained before anything is
written, fixes the file, previews it and confirms."""

import re

import pytest
from playwright.sync_api import expect

from acsa_db.models import Country, Exercise, Source

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password-2"
HEADER = "slug,name,start_date,end_date,host,participants,source_url\n"
URL = "https://example.org/exercise-report"


@pytest.fixture
def world(roles, make_user):
    for iso3, iso2, numeric, cow, name in (
        ("JPN", "JP", "392", 740, "Japan"),
        ("AUS", "AU", "036", 900, "Australia"),
    ):
        Country.objects.create(iso3=iso3, iso2=iso2, iso_numeric=numeric, cow_code=cow, name=name)
    Source.objects.create(slug="exercise-report", title="A report on the exercise", kind="news", url=URL)
    return make_user("ines", "curator", password=PASSWORD)


def upload(page, live_server, tmp_path, content, steps, name):
    path = tmp_path / "exercises.csv"
    path.write_text(content, encoding="utf-8")
    page.goto(f"{live_server.url}/admin/acsa_db/exercise/import/")
    page.select_option(
        "#id_resource", label="exercise sheet (one row per exercise, with its participants and source)"
    )
    page.set_input_files("#id_import_file", str(path))
    page.select_option("#id_format", label="csv")
    steps.shot(page, f"{name}-form")
    page.click("input[type=submit]")
    steps.shot(page, f"{name}-result")


def test_curator_sees_every_bad_row_then_imports_the_fixed_sheet(
    live_server, browser, world, steps, tmp_path
):
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "ines")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/acsa_db/exercise/")
    page.click("a.import_link")
    expect(page).to_have_url(f"{live_server.url}/admin/acsa_db/exercise/import/")

    bad = (
        HEADER
        + f"pb-2024,Pitch Black 2024,2024-07-12,2024-08-02,AUS,AUS;JPN,{URL}\n"
        + f"late,Ends first,2024-07-12,2024-07-01,AUS,AUS;XYZ,{URL}\n"
        + "nosource,No source,2023-13,,JPN,JPN,https://example.org/missing\n"
    )
    upload(page, live_server, tmp_path, bad, steps, "bad")
    expect(page.locator("#import-problems")).to_have_text("File refused: nothing was written")
    rows = page.locator("table.import-problems tbody tr")
    expect(rows).to_have_count(4)
    # Sorted by row, then column: each cell shows its row number, column and reason.
    expect(rows.nth(0).locator("td")).to_have_text(
        ["3", "end_date", "the end (2024-07-01) is before the start (2024-07-12)"]
    )
    expect(rows.nth(1).locator("td")).to_have_text(["3", "participants", re.compile('^unknown party "XYZ"')])
    expect(page.locator("table.import-problems")).to_contain_text('"2023-13" is not a date')
    expect(page.locator("table.import-problems")).to_contain_text("no source has the URL")
    expect(page.locator("input[name=confirm]")).to_have_count(0)
    assert not Exercise.objects.exists()

    good = HEADER + f"pb-2024,Pitch Black 2024,2024-07-12,2024-08-02,AUS,AUS;JPN,{URL}\n"
    upload(page, live_server, tmp_path, good, steps, "good")
    expect(page.locator("#import-preview")).to_contain_text("nothing has been written yet")
    expect(page.locator("table.import-preview")).to_contain_text("Pitch Black 2024")
    assert not Exercise.objects.exists()
    page.click("input[name=confirm]")
    steps.shot(page, "confirmed")
    expect(page.locator(".messagelist")).to_contain_text("Import finished")
    exercise = Exercise.objects.get(slug="pb-2024")
    assert exercise.participants.count() == 2
    assert exercise.history.get().history_user.username == "ines"
