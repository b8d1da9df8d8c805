"""check_sources against a local HTTP server: statuses, redirects, timeouts, dead hosts; one bad link never stops the run.

No test here reads a clock: the slow pages never answer (they wait until the
test is over), so a check that comes back at all was cut off by its timeout,
and the server counts the requests it received. ``signal.alarm`` turns a
check that would hang into a failure instead of a stuck run.
"""

import signal
import socket
import threading
from collections import Counter
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.urls import reverse

from acsa_db.models import Source
from acsa_db.source_links import check_url, normalise_url

from .factories import SourceFactory


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requests[self.path] += 1
        if self.path == "/slow":
            self.server.released.wait()  # answers only once the test is over
        if self.path == "/drip":
            # One byte at a time, without end: each read is quick, the whole request never is.
            self.wfile.write(b"H")
            while not self.server.released.wait(0.05):
                self.wfile.write(b"T")
            return
        status = {"/ok": 200, "/gone": 404, "/broken": 500, "/slow": 200}.get(self.path)
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
            self.end_headers()
            return
        self.send_response(status or 404)
        self.end_headers()
        self.wfile.write(b"page")

    def log_message(self, *args):
        pass


@pytest.fixture
def httpd():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.requests = Counter()
    httpd.released = threading.Event()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.released.set()
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def server(httpd):
    return f"http://127.0.0.1:{httpd.server_address[1]}"


@contextmanager
def fails_if_hung(seconds):
    """Fail (rather than hang the run) when the block has not returned after ``seconds``: a bound, not a timing."""

    def hung(signum, frame):
        raise AssertionError(f"still waiting after {seconds} s: the timeout did not cut the request off")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_source(slug, url):
    return SourceFactory(slug=slug, title=slug, url=url)


def test_check_sources_records_each_outcome_and_goes_on(db, httpd, server, closed_port, capsys):
    make_source("ok", f"{server}/ok")
    make_source("gone", f"{server}/gone")
    make_source("broken", f"{server}/broken")
    make_source("moved", f"{server}/moved")
    make_source("slow", f"{server}/slow")
    make_source("dead", f"http://127.0.0.1:{closed_port}/x")
    make_source("no-url", None)
    with fails_if_hung(30):  # the slow page never answers: only its timeout ends the run
        call_command("check_sources", "--timeout", "1", "--workers", "3")
    # Each URL requested once (the redirect's target once more), none retried.
    assert httpd.requests == {"/ok": 2, "/gone": 1, "/broken": 1, "/moved": 1, "/slow": 1}

    found = {s.slug: (s.url_status_code, s.url_check_error) for s in Source.objects.all()}
    assert found["ok"] == (200, "")
    assert found["gone"] == (404, "")
    assert found["broken"] == (500, "")
    assert found["moved"] == (200, "")  # redirects are followed
    assert found["slow"] == (None, "timed out after 1 s")
    assert found["dead"][0] is None and "refused" in found["dead"][1].lower()
    assert found["no-url"] == (None, "")
    checked = Source.objects.exclude(url_checked_at=None)
    assert checked.count() == 6
    out = capsys.readouterr().out
    assert "Checked 6 source URLs: 2 answered, 4 broken." in out
    assert "BROKEN  404 gone" in out


def test_a_server_that_drips_is_cut_off_at_the_timeout(server):
    # The drip never ends and each byte comes well within the socket timeout: a check that
    # returns was cut off by the bound on the whole request.
    with fails_if_hung(30):
        check = check_url(f"{server}/drip", timeout=1)
    assert (check.status_code, check.error) == (None, "timed out after 1 s")


def test_checking_writes_no_history_and_keeps_the_version(db, server):
    source = make_source("ok", f"{server}/ok")
    rows = source.history.count()
    call_command("check_sources", "ok", "--timeout", "2")
    source.refresh_from_db()
    assert (source.url_status_code, source.version, source.history.count()) == (200, 1, rows)


def test_only_http_urls_are_requested():
    assert check_url("ftp://example.org/file").error == "not an http or https URL"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "https://www.mofa.go.jp/press/release/2024/01/0129.html",
            "http://mofa.go.jp/press/release/2024/01/0129.html",
        ),
        ("https://example.org/a/?b=2&a=1", "https://EXAMPLE.org/a?a=1&b=2"),
        ("https://example.org/a?utm_source=x&id=3#part", "https://example.org/a?id=3"),
        ("https://example.org:443/a", "https://example.org/a"),
    ],
)
def test_the_same_document_has_the_same_normal_url(a, b):
    assert normalise_url(a) == normalise_url(b)


def test_different_documents_keep_different_normal_urls():
    assert normalise_url("https://example.org/a?id=3") != normalise_url("https://example.org/a?id=4")
    assert normalise_url("https://example.org/a") != normalise_url("https://example.org/b")


# Adding a source whose URL is another's once normalised: tests/test_source_duplicates_and_host.py.


def test_a_url_with_a_port_out_of_range_is_no_server_error(client, source, curator):
    """Django's URL validator takes any five-digit port; the same-URL warning raised on ":99999" (a 500)."""
    client.force_login(curator)
    data = {
        "title": "Odd port",
        "slug": "odd-port",
        "kind": "news",
        "language": "en",
        "url": "https://example.org:99999/release",
    }
    response = client.post(reverse("admin:acsa_db_source_add"), data)
    assert response.status_code == 302
    assert Source.objects.get(slug="odd-port").url == "https://example.org:99999/release"
    assert normalise_url("https://example.org:99999/release") == "example.org:99999/release"
