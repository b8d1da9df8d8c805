"""Where the browser tests find Chromium, and whether they may be skipped without it.

A developer's machine may lack Debian's ``chromium``: the browser tests are then
skipped and the run says how to install it. CI sets ``ACSA_REQUIRE_BROWSER_TESTS``
so that a missing browser, or any browser test skipped, fails the run instead.
"""

import os
from pathlib import Path

CHROMIUM = Path(os.environ.get("ACSA_CHROMIUM", "/usr/bin/chromium"))
INSTALL_HINT = "install Debian's chromium to run them: sudo apt-get install chromium"


def browser_tests_required():
    return os.environ.get("ACSA_REQUIRE_BROWSER_TESTS", "").lower() not in ("", "0", "false", "no")
