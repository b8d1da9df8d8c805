"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright cannot download its own browser here, so the tests launch
/usr/bin/chromium (``apt-get install chromium``; ``.ci/run`` installs it, and
requires these tests to run: see ``__init__.py``).
Playwright's sync API runs an event loop in the test's thread, so Django's
async-safety check is switched off for these tests only; tests/conftest.py
runs them after every other test. The live server's tests are transactional:
each test table flush removes the groups the roles migration made, so
``roles`` makes them again.

Each step's screenshot is kept under test-results/<test>/ when the test fails.
"""

import importlib
import os
import re
import shutil
from pathlib import Path

import pytest

from . import CHROMIUM, INSTALL_HINT

RESULTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture(scope="session", autouse=True)
def _allow_django_beside_playwrights_event_loop():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: {INSTALL_HINT}")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def roles(transactional_db):
    """The groups viewer, curator and reviewer, made by the roles migration's own function."""
    from django.apps import apps

    migration = importlib.import_module("acsa_db.migrations.0003_roles")
    migration.create_roles(apps, None)


class Steps:
    """Screenshots of each step of a test, kept only when the test fails."""

    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    def shot(self, page, name):
        self.count += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(self.folder / f"{self.count:02d}-{name}.png"), full_page=True)


@pytest.fixture
def steps(request, tmp_path):
    recorder = Steps(tmp_path / "steps")
    yield recorder
    failed = any(
        getattr(getattr(request.node, f"report_{when}", None), "failed", False) for when in ("setup", "call")
    )
    if failed and recorder.folder.exists():
        target = RESULTS / re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(recorder.folder, target)
