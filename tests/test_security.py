"""Sign-in throttling: failed sign-ins lock out, clearly, for real and unknown usernames alike."""

import pytest
from django.core.management import call_command
from django.urls import reverse

PASSWORD = "a-long-test-password"


@pytest.fixture
def curator(django_user_model):
    return django_user_model.objects.create_superuser("curator", "c@example.org", PASSWORD)


def sign_in(client, username, password):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"}
    )


def fail_until_locked(client, username, limit):
    for _ in range(limit):
        assert sign_in(client, username, "wrong").status_code in (200, 429)


@pytest.mark.django_db
def test_five_failures_lock_out_even_the_right_password(client, curator, settings):
    fail_until_locked(client, "curator", settings.AXES_FAILURE_LIMIT)
    response = sign_in(client, "curator", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Sign-in locked" in page
    assert "too many failed sign-in attempts" in page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_fewer_failures_do_not_lock_out(client, curator, settings):
    fail_until_locked(client, "curator", settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in(client, "curator", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_lock_out_looks_the_same_for_unknown_usernames(client, curator, settings):
    fail_until_locked(client, "curator", settings.AXES_FAILURE_LIMIT)
    fail_until_locked(client, "nobody-by-this-name", settings.AXES_FAILURE_LIMIT)
    known = sign_in(client, "curator", "wrong")
    unknown = sign_in(client, "nobody-by-this-name", "wrong")
    assert known.status_code == unknown.status_code == 429
    assert known.content == unknown.content


@pytest.mark.django_db
def test_unlock_command_lifts_the_lock(client, curator, settings):
    fail_until_locked(client, "curator", settings.AXES_FAILURE_LIMIT)
    assert sign_in(client, "curator", PASSWORD).status_code == 429
    call_command("axes_reset_username", "curator")
    assert sign_in(client, "curator", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_lock_out_is_per_username_and_address(client, curator, django_user_model, settings):
    django_user_model.objects.create_superuser("reviewer", "r@example.org", PASSWORD)
    fail_until_locked(client, "curator", settings.AXES_FAILURE_LIMIT)
    # Another curator at the same address can still sign in: no lock-out of a whole office.
    assert sign_in(client, "reviewer", PASSWORD).status_code == 302
