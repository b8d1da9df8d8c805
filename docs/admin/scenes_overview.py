"""Screenshots of the data overview (docs/admin.md, The data overview): the page, and the network for one year."""


def _pictures_loaded(page):
    page.wait_for_load_state("load")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.acsa-overview-picture img')].every(i => i.complete && i.naturalWidth > 0)"
    )


def overview(page, base_url):
    page.goto(f"{base_url}/admin/")
    page.get_by_role("link", name="Data overview").click()
    _pictures_loaded(page)


def network_year(page, base_url):
    page.goto(f"{base_url}/admin/overview/?year=2024")
    _pictures_loaded(page)
    page.locator("#overview-network").scroll_into_view_if_needed()
    page.evaluate("document.querySelector('#overview-network').scrollIntoView()")


def exercises(page, base_url):
    page.goto(f"{base_url}/admin/overview/")
    _pictures_loaded(page)
    page.evaluate("document.querySelector('#overview-exercises').scrollIntoView()")


SCENES = [
    ("overview_page.png", overview),
    ("overview_network_2024.png", network_year),
    ("overview_exercises.png", exercises),
]
