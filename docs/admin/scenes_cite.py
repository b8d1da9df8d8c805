"""Screenshots of docs/admin.md: a duplicate source caught before saving, an exercise whose host
is added as a participant, and one source cited for every fact of the exercise in one save.

The scenes write an example source and an example exercise, named as examples, into the runner's
throwaway database (never a real record cited for what its source does not say).
"""

SOURCE_TITLE = "Example source (documentation of the cite page)"
EXERCISE_NAME = "Example exercise (documentation)"


def autocomplete(page, select_id, term, choice):
    page.click(f"#{select_id} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", term)
    page.locator(".select2-results__option", has_text=choice).first.click()


def duplicate_source(page, base_url):
    """The seeded Asahi article's address, written another way: the form warns before saving."""
    page.goto(f"{base_url}/admin/acsa_db/source/add/")
    page.fill("#id_title", "The same article at another address")
    page.select_option("#id_kind", "news")
    page.fill("#id_url", "http://asahi.com/ajw/articles/15042152/?utm_source=newsletter")
    page.click("input[name=_save]")
    page.locator(".field-url .errorlist").scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 180)")


def exercise_with_host(page, base_url):
    """A new exercise: "Add the host as a participant" is ticked."""
    page.goto(f"{base_url}/admin/acsa_db/source/add/")
    page.fill("#id_title", SOURCE_TITLE)
    page.select_option("#id_kind", "reference")
    page.fill("#id_url", "https://example.org/acsa-db/documentation-example")
    page.click("input[name=_save]")
    page.goto(f"{base_url}/admin/acsa_db/exercise/add/")
    page.fill("#id_name", EXERCISE_NAME)
    page.fill("#id_start_date", "2024-07")
    autocomplete(page, "id_host", "Japan", "Japan")
    page.click("text=Add another Exercise participant")
    autocomplete(page, "id_participants-0-country", "Germany", "Germany")
    page.locator(".field-add_host_as_participant").scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 250)")


def exercise_saved(page, base_url):
    """Saved: the host is a participant, and the page offers "Cite a source for…"."""
    page.click("input[name=_continue]")
    page.evaluate("window.scrollTo(0, 0)")


def cite_form(page, base_url):
    """One source, every fact of the exercise ticked, a claim for each."""
    page.click("text=Cite a source for…")
    autocomplete(page, "id_source", "documentation", SOURCE_TITLE)
    for box in page.locator("#cite-facts input[type=checkbox]").all():
        box.check()
    page.fill("#id_locator", "section 2")
    page.locator("#cite-facts").scroll_into_view_if_needed()


def cite_saved(page, base_url):
    """Back on the exercise: every fact has a supporting citation."""
    page.click("input[value='Save citations']")
    page.wait_for_selector(".messagelist")
    page.evaluate("document.querySelector('.field-citation_check').scrollIntoView({block: 'start'})")
    page.evaluate("window.scrollBy(0, -60)")


SCENES = [
    ("cite_duplicate_source.png", duplicate_source),
    ("cite_host_participant.png", exercise_with_host),
    ("cite_button.png", exercise_saved),
    ("cite_form.png", cite_form),
    ("cite_saved.png", cite_saved),
]
