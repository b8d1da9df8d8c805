"""Project-level promises: table names, the database in use, production settings."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

DESIGN_TABLES = {
    "country",
    "organization",
    "agreement_type",
    "agreement",
    "agreement_party",
    "agreement_event",
    "exercise",
    "exercise_participant",
    "exercise_domain",
    "domain",
    "source",
    "citation",
}


@pytest.mark.django_db
def test_tables_have_the_documented_names():
    assert DESIGN_TABLES <= set(connection.introspection.table_names())


@pytest.mark.django_db
def test_tests_run_on_the_database_that_database_url_names():
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected


def run_settings(env):
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "acsa_db.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_settings({"ACSA_ENV": "production", "ALLOWED_HOSTS": "acsa.example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_settings({"ACSA_ENV": "production", "SECRET_KEY": "x" * 50})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_is_not_in_debug_mode_by_default():
    result = run_settings(
        {"ACSA_ENV": "production", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "a.example.org"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_local_admin_command_refuses_in_production():
    result = subprocess.run(
        [sys.executable, "manage.py", "create_local_admin"],
        env={
            **os.environ,
            "ACSA_ENV": "production",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "a.example.org",
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "local development only" in result.stderr


@pytest.mark.django_db
def test_local_admin_gets_a_random_password_each_time(django_user_model):
    from io import StringIO

    from django.core.management import call_command

    first, second = StringIO(), StringIO()
    call_command("create_local_admin", stdout=first)
    call_command("create_local_admin", stdout=second)

    def password(out):
        return next(line.split(": ", 1)[1] for line in out.getvalue().splitlines() if "password:" in line)

    assert password(first) != password(second)
    user = django_user_model.objects.get(username="admin")
    assert user.is_superuser and user.check_password(password(second))


def run_browser_tests(env):
    """Run one browser test module in a child pytest, with the given environment additions."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/browser/test_import_browser.py",
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_without_chromium_the_browser_tests_are_skipped_with_the_way_to_install_it():
    result = run_browser_tests({"ACSA_CHROMIUM": "/nonexistent/chromium", "ACSA_REQUIRE_BROWSER_TESTS": ""})
    assert result.returncode == 0, result.stdout + result.stderr
    assert " skipped" in result.stdout and " passed" not in result.stdout
    assert "sudo apt-get install chromium" in result.stdout


def test_where_browser_tests_are_required_a_missing_chromium_fails_the_run():
    result = run_browser_tests({"ACSA_CHROMIUM": "/nonexistent/chromium", "ACSA_REQUIRE_BROWSER_TESTS": "1"})
    assert result.returncode != 0
    assert "must run (ACSA_REQUIRE_BROWSER_TESTS)" in result.stdout + result.stderr


def test_bin_test_installs_no_system_package():
    script = (settings.BASE_DIR / "bin" / "test").read_text()
    commands = [line for line in script.splitlines() if not line.lstrip().startswith(("#", "echo"))]
    assert not any("apt-get" in line or "apt " in line for line in commands)
