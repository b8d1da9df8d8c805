"""Sign-in lockout behind a reverse proxy: who gets locked out, after how many failures.

Replays sign-ins through the admin's login form, as one proxy in front of
ACSA DB would pass them on (every request from the proxy's address, the
client's in X-Forwarded-For), under two configurations:

- ``before``: axes on the connection's address, per (username, address) only
  (what the settings did before issue 16: django-ipware was not installed);
- ``after``: the settings as they are (acsa_db/throttling.py).

It prints, per scenario, what happened; docs/reliability.md quotes the table.
It needs nothing but the project: a throwaway SQLite database in a temporary
folder and a fast password hasher (the lockout counts attempts, not hashing time).

    .venv/bin/python bench/lockout_bench.py
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FOLDER = tempfile.mkdtemp(prefix="acsa-lockout-")
os.environ["DATABASE_URL"] = f"sqlite:///{FOLDER}/lockout.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "acsa_db.settings")

import django  # noqa: E402

django.setup()

from axes.handlers.proxy import AxesProxyHandler  # noqa: E402
from axes.models import AccessAttempt  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

PROXY = "10.0.0.2"
CURATOR_HOME, ATTACKER, OFFICE = "198.51.100.7", "192.0.2.66", "203.0.113.20"
PASSWORD = "a-long-bench-password"

BEFORE = {
    "AXES_HANDLER": "axes.handlers.database.AxesDatabaseHandler",
    "AXES_CLIENT_IP_CALLABLE": None,  # axes' fallback without django-ipware: REMOTE_ADDR
    "ACSA_BEHIND_PROXY": True,
}
AFTER = {"ACSA_BEHIND_PROXY": True, "ACSA_TRUSTED_PROXY_COUNT": 1}


def sign_in(username, password, client_address, forwarded_prefix=""):
    forwarded = f"{forwarded_prefix}, {client_address}" if forwarded_prefix else client_address
    response = Client().post(
        "/admin/login/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    return response.status_code


def outcome(status):
    return {302: "signed in", 429: "LOCKED OUT", 200: "refused (wrong password)"}.get(status, str(status))


def fresh():
    AccessAttempt.objects.all().delete()
    AxesProxyHandler.implementation = None  # the handler is read from the settings again


def failures_until_locked(attempt, limit=200):
    """How many failures ``attempt(n)`` makes before the next try is locked out (None: never, up to limit)."""
    for n in range(limit):
        if attempt(n) == 429:
            return n
    return None


def scenarios():
    rows = []
    fresh()
    # 1. An attacker elsewhere guesses the curator's password five times; then the curator signs in.
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("curator", "wrong", ATTACKER)
    rows.append(
        (
            "5 wrong passwords for `curator` from another client; `curator` signs in",
            sign_in("curator", PASSWORD, CURATOR_HOME),
        )
    )

    fresh()
    # 2. The same, with the attacker forging X-Forwarded-For to name the curator's address.
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("curator", "wrong", ATTACKER, forwarded_prefix=CURATOR_HOME)
    rows.append(
        (
            "the same with a forged `X-Forwarded-For: <curator's address>`",
            sign_in("curator", PASSWORD, CURATOR_HOME),
        )
    )

    fresh()
    # 3. 40 failures over 10 usernames (four each) from one address, then one more username.
    for n in range(40):
        sign_in(f"guess{n % 10}", "wrong", ATTACKER)
    rows.append(
        (
            "40 failures over 10 usernames from one client; `curator` tries from it",
            sign_in("curator", PASSWORD, ATTACKER),
        )
    )
    rows.append(("... and `curator` from their own address", sign_in("curator", PASSWORD, CURATOR_HOME)))

    fresh()
    # 4. When does guessing over many usernames stop, from one address?
    stopped = failures_until_locked(lambda n: sign_in(f"spray{n}", "wrong", ATTACKER))
    rows.append(("one failure per username from one client: failures before it is locked", stopped))

    fresh()
    # 5. An office behind one address: colleagues mistype (19 failures over 4 usernames).
    for n in range(19):
        sign_in(f"colleague{n % 4}", "wrong", OFFICE)
    rows.append(
        (
            "19 typos over 4 colleagues at one office address; `curator` signs in from it",
            sign_in("curator", PASSWORD, OFFICE),
        )
    )
    return rows


def main():
    call_command("migrate", verbosity=0)
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], ALLOWED_HOSTS=["testserver"]
    ):
        get_user_model().objects.create_superuser("curator", "c@example.org", PASSWORD)
        results = {}
        for name, overrides in (("before", BEFORE), ("after", AFTER)):
            with override_settings(**overrides):
                results[name] = scenarios()
    fresh()
    print("| scenario (one proxy in front; every request arrives from it) | before | after |")
    print("|---|---|---|")
    for (label, before), (_, after) in zip(results["before"], results["after"], strict=True):
        shown = [
            outcome(v) if isinstance(v, int) and v >= 200 else ("never (200 tried)" if v is None else v)
            for v in (before, after)
        ]
        print(f"| {label} | {shown[0]} | {shown[1]} |")


if __name__ == "__main__":
    main()
