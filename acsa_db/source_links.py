"""Sources' URLs: the normal form that finds the same document cited twice, and the link check.

``normalise_url`` ignores what does not change the document: http or https,
a leading "www.", the host's case, a default port, a trailing slash, the
fragment, tracking parameters (utm_*, fbclid, gclid) and the order of the
query parameters.

``duplicates_of_url`` finds the sources an address is likely to duplicate
(the same normal form, or the same DOI), for the source form to warn before
saving.

``check_url`` requests a URL with a bound on the whole request's time, not
only on each socket operation, and returns the HTTP status or why there was
none; it never raises for a bad link.
"""

import http.client
import re
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

TRACKING_PARAMETERS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid")
USER_AGENT = "ACSA-DB-link-check/1 (checks that cited sources are still online)"


def _split(url):
    """``urlsplit``, or ``None`` for text it refuses (an unclosed IPv6 bracket)."""
    try:
        return urlsplit(url.strip())
    except ValueError:
        return None


def _host(parts):
    """The host without "www.", lower case; an IPv6 address keeps its brackets (its colons are not a port)."""
    host = (parts.hostname or "").lower().removeprefix("www.")
    return f"[{host}]" if ":" in host else host


def _port(parts):
    """The port as a number, or as written when it is none (out of range, not digits)."""
    try:
        return parts.port
    except ValueError:
        # Django's URLValidator takes any five digits: ":99999" reaches here and must not raise.
        return parts.netloc.rpartition("]")[2].rpartition("@")[2].rpartition(":")[2]


def normalise_url(url):
    """The form of ``url`` that two addresses of the same document share."""
    parts = _split(url)
    if parts is None:
        return url.strip()
    host = _host(parts)
    port = _port(parts)
    if port and not (parts.scheme in ("http", "https") and port in (80, 443)):
        host = f"{host}:{port}"
    # Whitespace too: strip() takes it off the end of the whole URL, so a path that ends in it
    # (before a fragment) would otherwise normalise differently once the fragment is gone.
    path = re.sub(r"[/\s]+$", "", parts.path)
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith(TRACKING_PARAMETERS)
    )
    return f"{host}{path}" + (f"?{urlencode(query)}" if query else "")


def sources_with_same_url(source):
    """Other sources whose URL has the same normal form as ``source``'s."""
    from .models import Source

    if not source.url:
        return []
    wanted = normalise_url(source.url)
    parts = _split(source.url)
    host = _host(parts).strip("[]") if parts else source.url.strip()
    candidates = Source.objects.exclude(pk=source.pk).filter(url__icontains=host).order_by("pk")
    return [other for other in candidates if normalise_url(other.url) == wanted]


@dataclass(frozen=True)
class LinkCheck:
    """What one request found: an HTTP status, or why there was none."""

    status_code: int | None
    error: str = ""

    @property
    def ok(self):
        return self.status_code is not None and self.status_code < 400


def _request(url, timeout):
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT}, method="GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # follows redirects
            return LinkCheck(response.status)
    except urllib.error.HTTPError as error:
        return LinkCheck(error.code)
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            return LinkCheck(None, f"timed out after {timeout:g} s")
        return LinkCheck(None, str(reason)[:300])
    except TimeoutError:
        return LinkCheck(None, f"timed out after {timeout:g} s")
    except (OSError, ValueError, http.client.HTTPException) as error:  # a malformed answer too
        return LinkCheck(None, f"{type(error).__name__}: {error}"[:300])


def check_url(url, timeout=10.0):
    """Request ``url``; give up after ``timeout`` seconds in all (a server that drips counts too)."""
    if urlsplit(url).scheme not in ("http", "https"):
        return LinkCheck(None, "not an http or https URL")
    outcome = []
    # The socket timeout bounds each read; the thread's join bounds the whole request.
    worker = threading.Thread(target=lambda: outcome.append(_request(url, timeout)), daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        return LinkCheck(None, f"timed out after {timeout:g} s")
    return outcome[0]


# A DOI as it appears in an address (https://doi.org/10.1000/xyz, a publisher's /doi/10.1000/xyz):
# "10.", a registrant code, "/", a suffix. DOIs are case-insensitive.
DOI_PATTERN = re.compile(r"\b(10\.\d{4,9}/[^\s?#]+)")


def doi_in_url(url):
    """The DOI an address names, in lower case, or None."""
    match = DOI_PATTERN.search(unquote(urlsplit(url.strip()).path))
    return match.group(1).rstrip("/.").lower() if match else None


def duplicates_of_url(url, exclude_pk=None):
    """Sources other than ``exclude_pk`` that an address is likely to be the same document as.

    Returns ``(source, reason)`` pairs: the same URL once normalised
    (``normalise_url``), or the same DOI in another address (doi.org and the
    publisher's page). A source with exactly this URL is not listed: the URL's
    unique constraint refuses that one.
    """
    from .models import Source

    if not url:
        return []
    found = {}
    others = Source.objects.exclude(pk=exclude_pk).exclude(url=url).exclude(url__isnull=True)
    probe = Source(pk=exclude_pk, url=url)
    for other in sources_with_same_url(probe):
        if other.url != url:
            found.setdefault(other.pk, (other, "the same URL once normalised"))
    doi = doi_in_url(url)
    if doi:
        for other in others.filter(url__icontains=doi).order_by("pk"):
            if doi_in_url(other.url) == doi:
                found.setdefault(other.pk, (other, f"the same DOI ({doi})"))
    return list(found.values())
