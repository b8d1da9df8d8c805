"""Screenshots of the admin's start: the index a curator sees after signing in."""


def index(page, base_url):
    page.goto(f"{base_url}/admin/")


SCENES = [("index.png", index)]
