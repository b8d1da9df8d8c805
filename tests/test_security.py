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


# --- the client's address, behind a proxy or not -----------------------------------------------

PROXY = "10.0.0.2"  # the reverse proxy's own address: every request arrives from it
HOME, AWAY, ATTACKER = "198.51.100.7", "203.0.113.20", "192.0.2.66"


def sign_in_from(client, username, password, address=None, forwarded=None):
    """A sign-in as the proxy passes it on: from ``address``, with the X-Forwarded-For it built."""
    extra = {"REMOTE_ADDR": address or PROXY}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(
        reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"}, **extra
    )


@pytest.fixture
def behind_proxy(settings):
    settings.ACSA_BEHIND_PROXY = True
    settings.ACSA_TRUSTED_PROXY_COUNT = 1
    return settings


@pytest.mark.django_db
def test_behind_a_proxy_failures_from_one_client_do_not_lock_the_user_out_elsewhere(
    client, curator, behind_proxy
):
    for _ in range(behind_proxy.AXES_FAILURE_LIMIT):
        sign_in_from(client, "curator", "wrong", forwarded=ATTACKER)
    # The attacker is locked out, even with the right password...
    assert sign_in_from(client, "curator", PASSWORD, forwarded=ATTACKER).status_code == 429
    # ...and the curator, at another address behind the same proxy, is not.
    assert sign_in_from(client, "curator", PASSWORD, forwarded=HOME).status_code == 302


@pytest.mark.django_db
def test_a_forged_leftmost_entry_does_not_choose_the_address(client, curator, behind_proxy):
    # The attacker sends "X-Forwarded-For: <the curator's address>"; the proxy appends the
    # attacker's real address, and that rightmost entry is the one counted.
    for _ in range(behind_proxy.AXES_FAILURE_LIMIT):
        sign_in_from(client, "curator", "wrong", forwarded=f"{HOME}, {ATTACKER}")
    assert sign_in_from(client, "curator", PASSWORD, forwarded=HOME).status_code == 302
    assert sign_in_from(client, "curator", PASSWORD, forwarded=f"{AWAY}, {ATTACKER}").status_code == 429


@pytest.mark.django_db
def test_without_a_proxy_the_header_is_not_believed(client, curator, settings):
    settings.ACSA_BEHIND_PROXY = False
    for n in range(settings.AXES_FAILURE_LIMIT):
        # A new forged address on each try does not escape the count of the connection's address.
        sign_in_from(client, "curator", "wrong", address=ATTACKER, forwarded=f"198.51.100.{n}")
    assert sign_in_from(client, "curator", PASSWORD, address=ATTACKER, forwarded=HOME).status_code == 429
    assert sign_in_from(client, "curator", PASSWORD, address=HOME).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("proxied", [False, True], ids=["direct", "behind-proxy"])
def test_many_usernames_from_one_address_lock_that_address(client, curator, settings, proxied):
    settings.ACSA_BEHIND_PROXY = proxied

    def attempt(username, password, address):
        if proxied:
            return sign_in_from(client, username, password, forwarded=address)
        return sign_in_from(client, username, password, address=address)

    # 40 failures over 10 usernames, four each: no username reaches its own limit of five.
    for n in range(10):
        for _ in range(4):
            attempt(f"guess{n}", "wrong", ATTACKER)
    assert attempt("curator", PASSWORD, ATTACKER).status_code == 429
    # The address is locked, not the accounts: the curator elsewhere signs in.
    assert attempt("curator", PASSWORD, HOME).status_code == 302


@pytest.mark.django_db
def test_an_office_behind_one_address_is_not_locked_by_a_few_typos(
    client, curator, django_user_model, settings
):
    django_user_model.objects.create_superuser("reviewer", "r@example.org", PASSWORD)
    # Below the address's limit: colleagues' mistakes from a shared address lock nobody else out.
    for n in range(settings.ACSA_ADDRESS_FAILURE_LIMIT - 1):
        sign_in_from(client, f"colleague{n % 4}", "wrong", address=HOME)
    assert sign_in_from(client, "reviewer", PASSWORD, address=HOME).status_code == 302


@pytest.mark.parametrize(
    "trusted,forwarded,expected",
    [
        (1, "203.0.113.20", "203.0.113.20"),
        (1, "198.51.100.7, 203.0.113.20", "203.0.113.20"),  # the leftmost entry is the client's own claim
        (1, "198.51.100.7,203.0.113.20 ", "203.0.113.20"),
        (2, "198.51.100.7, 203.0.113.20, 10.0.0.9", "203.0.113.20"),
        (1, "2001:db8::1", "2001:db8::1"),
        (1, "", PROXY),  # not through the proxy: the connection's address
        (2, "203.0.113.20", PROXY),  # fewer entries than proxies
        (1, "198.51.100.7, not-an-address", PROXY),
        (1, "198.51.100.7, 203.0.113.20\x00", PROXY),
    ],
)
def test_client_address_is_the_entry_the_outermost_trusted_proxy_wrote(
    settings, trusted, forwarded, expected
):
    from django.test import RequestFactory

    from acsa_db.throttling import client_address

    settings.ACSA_BEHIND_PROXY = True
    settings.ACSA_TRUSTED_PROXY_COUNT = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_client_address_ignores_the_header_when_not_behind_a_proxy(settings):
    from django.test import RequestFactory

    from acsa_db.throttling import client_address

    settings.ACSA_BEHIND_PROXY = False
    request = RequestFactory().get("/", REMOTE_ADDR=HOME, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert client_address(request) == HOME
