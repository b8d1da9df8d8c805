"""Take the screenshots of docs/admin.md: the admin at 1400x900 in Debian's Chromium.

Run from the root of a clone (development install, Chromium at /usr/bin/chromium):

    .venv/bin/python docs/admin/screenshots.py            # every scene
    .venv/bin/python docs/admin/screenshots.py cite        # the scenes of scenes_cite.py only

It builds a throwaway SQLite database with the seeded data set, serves it with
runserver on a free port, signs in as a local superuser and runs the scenes:
each ``docs/admin/scenes_<topic>.py`` holds ``SCENES``, a list of
``(file_name, function(page, base_url))``; the function brings the page to the
state to show and the runner saves ``docs/admin/<file_name>``. Scenes may
change the throwaway database (they run in file order), never the user's own.
"""

import importlib.util
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PYTHON = sys.executable
CHROMIUM = os.environ.get("ACSA_CHROMIUM", "/usr/bin/chromium")
VIEWPORT = {"width": 1400, "height": 900}
USERNAME = "screenshots"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def prepare_database(env, password):
    manage(env, "migrate", "--no-input")
    manage(env, "load_fixtures")
    code = (
        "from django.contrib.auth import get_user_model;"
        f"u = get_user_model().objects.create_superuser({USERNAME!r}, password={password!r});"
    )
    manage(env, "shell", "-c", code)


def wait_until_serving(url, server, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"runserver stopped (exit code {server.returncode})")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"runserver did not answer at {url} within {seconds} s")


def scene_modules(topics):
    for path in sorted(HERE.glob("scenes_*.py")):
        topic = path.stem.removeprefix("scenes_")
        if topics and topic not in topics:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield topic, module


def sign_in(page, base_url, password):
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")


def main(topics):
    password = secrets.token_urlsafe(16)
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{Path(folder) / 'screenshots.sqlite3'}",
            "ACSA_ENV": "development",
            "DEBUG": "false",  # the pages as a curator sees them: no debug toolbar or tracebacks
        }
        prepare_database(env, password)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [PYTHON, "manage.py", "runserver", "--noreload", "--insecure", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_serving(f"{base_url}/admin/login/", server)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM,
                    headless=True,
                    args=[
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                    ],
                )
                page = browser.new_page(viewport=VIEWPORT)
                sign_in(page, base_url, password)
                for topic, module in scene_modules(topics):
                    for file_name, scene in module.SCENES:
                        scene(page, base_url)
                        page.screenshot(path=str(HERE / file_name))
                        print(f"{topic}: docs/admin/{file_name}")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main(set(sys.argv[1:]))
