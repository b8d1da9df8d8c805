"""What the browser tests do on the admin's pages: sign in, pick a value in an autocomplete."""

from playwright.sync_api import expect

VIEWPORT = {"width": 1400, "height": 900}  # issue 18: the admin is judged at 1400x900


def sign_in(browser, live_server, username, password):
    """A new browser context at 1400x900 signed in as ``username``; ``page.problems`` collects CSP
    refusals and script errors."""
    page = browser.new_context(viewport=VIEWPORT, accept_downloads=True).new_page()
    page.problems = []
    page.on("console", lambda m: page.problems.append(m.text) if "Refused to" in m.text else None)
    page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(username.upper(), ignore_case=True)
    return page


def autocomplete(page, select_id, term, choice):
    """Pick ``choice`` in the admin's autocomplete (select2) widget of ``select_id``."""
    page.click(f"#{select_id} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", term)
    page.locator(".select2-results__option", has_text=choice).first.click()
    expect(page.locator(f"#select2-{select_id}-container")).to_contain_text(choice)
