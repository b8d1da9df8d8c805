"""The production profile: deploy checks, gunicorn with WhiteNoise, security headers, sessions."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings
from django.urls import reverse

PRODUCTION_ENV = {
    "ACSA_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1,acsa.example.org",
}


def manage(*args, env=None):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env={**os.environ, **PRODUCTION_ENV, **(env or {})},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


def test_deploy_check_reports_nothing_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_would_catch_a_weakened_setting():
    # The check above can fail: without HSTS it warns, and the warning fails the run.
    result = manage("check", "--deploy", "--fail-level", "WARNING", env={"SECURE_HSTS_SECONDS": "0"})
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_serves_the_admin_and_static_files(tmp_path):
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback for this test only
    }
    assert manage("migrate", "--no-input", "-v0", env=env).returncode == 0
    assert manage("collectstatic", "--no-input", "-v0", env=env).returncode == 0
    port = free_port()
    server = subprocess.Popen(
        [
            os.path.join(os.path.dirname(sys.executable), "gunicorn"),
            "acsa_db.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        env={**os.environ, **PRODUCTION_ENV, **env},
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("gunicorn did not start")
                time.sleep(0.2)
        with urllib.request.urlopen(f"{base}/admin/login/", timeout=30) as login:
            login.read()
        assert login.status == 200
        assert "Content-Security-Policy" in login.headers
        assert "Strict-Transport-Security" not in login.headers  # only sent over HTTPS
        with urllib.request.urlopen(f"{base}/static/admin/css/base.css", timeout=30) as css:
            assert b"body" in css.read()
        assert css.status == 200
        assert "max-age" in css.headers.get("Cache-Control", "")
        # WhiteNoise answers before the views: the security headers are there all the same.
        assert css.headers["Content-Security-Policy"] == login.headers["Content-Security-Policy"]
        assert css.headers["X-Content-Type-Options"] == "nosniff"
        assert css.headers["Referrer-Policy"] == "same-origin"
        assert css.headers["X-Frame-Options"] == "DENY"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/login/", "/admin/"])
def test_security_headers_on_every_page(client, path):
    response = client.get(path, follow=False)
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_sessions_expire(client, django_user_model):
    django_user_model.objects.create_superuser("curator", "c@example.org", "a-long-test-password")
    response = client.post(
        reverse("admin:login"), {"username": "curator", "password": "a-long-test-password", "next": "/admin/"}
    )
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"]  # ends when the browser closes
    assert client.session.get_expiry_age() <= 8 * 60 * 60
    assert cookie["httponly"]


@pytest.mark.django_db
def test_login_does_not_tell_whether_a_username_exists(client, django_user_model):
    django_user_model.objects.create_superuser("curator", "c@example.org", "a-long-test-password")

    def failed_login(username):
        response = client.post(
            reverse("admin:login"), {"username": username, "password": "wrong", "next": "/admin/"}
        )
        return response.status_code, response.context["form"].errors.as_text()

    assert failed_login("curator") == failed_login("nobody-by-this-name")
