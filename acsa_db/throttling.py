"""Sign-in throttling: which address a sign-in comes from, and when that address is locked out.

django-axes counts failed sign-ins; its settings (acsa_db/settings.py) point
here for two things it does not decide well by itself:

- ``client_address``: behind a reverse proxy every request arrives from the
  proxy, so without reading X-Forwarded-For five wrong passwords from anywhere
  would lock a user out for everyone. Each trusted proxy appends the address
  it was reached from to that header; the client is the entry the outermost
  trusted proxy wrote, ``ACSA_TRUSTED_PROXY_COUNT`` entries from the right.
  Entries to the left of it are whatever the client sent, so a client cannot
  choose its address by forging them.
- ``AddressLimitedHandler``: axes locks a (username, address) pair after
  ``AXES_FAILURE_LIMIT`` failures; this adds a limit per address across
  usernames (``ACSA_ADDRESS_FAILURE_LIMIT``), so that guessing over many
  usernames from one address is stopped too. A lock never depends on failures
  from another address: an attacker elsewhere cannot lock a user out.
"""

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def client_address(request):
    """The address the request comes from (django-axes' ``AXES_CLIENT_IP_CALLABLE``).

    Without ``ACSA_BEHIND_PROXY``, the connection's own address. Behind
    ``ACSA_TRUSTED_PROXY_COUNT`` proxies, the X-Forwarded-For entry that many
    places from the right; when the header has fewer entries, or that entry
    is not an address, the request did not come through every proxy and the
    connection's address (a proxy's) stands.
    """
    connection = request.META.get("REMOTE_ADDR")
    if not settings.ACSA_BEHIND_PROXY:
        return connection
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    trusted = settings.ACSA_TRUSTED_PROXY_COUNT
    if len(forwarded) < trusted:
        return connection
    try:
        return str(ipaddress.ip_address(forwarded[-trusted]))
    except ValueError:
        return connection


def address_failures(request):
    """Failed sign-ins from the request's address, over every username, within the cool-off time."""
    attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class AddressLimitedHandler(AxesDatabaseHandler):
    """Axes' database handler, with an address locked out after too many failures over any usernames.

    Axes compares ``get_failures`` with ``AXES_FAILURE_LIMIT``, both when it
    records a failure and before it lets a sign-in try: an address over its
    own limit counts as at the pair's limit, for every username.
    """

    def get_failures(self, request, credentials=None):
        failures = super().get_failures(request, credentials)  # for this username and address
        if address_failures(request) >= settings.ACSA_ADDRESS_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures
