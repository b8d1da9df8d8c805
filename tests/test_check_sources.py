"""check_sources against a local HTTP server: statuses, redirects, timeouts, dead hosts; one bad link never stops the run."""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.urls import reverse

from acsa_db.models import Source
from acsa_db.source_links import check_url, normalise_url


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/slow":
            time.sleep(3)
        if self.path == "/drip":
            # Headers one byte at a time: each read is quick, the whole request is not.
            self.wfile.write(b"H")
            for _ in range(40):
                time.sleep(0.1)
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
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_source(slug, url):
    return Source.objects.create(slug=slug, title=slug, kind="news", url=url)


def test_check_sources_records_each_outcome_and_goes_on(db, server, closed_port, capsys):
    make_source("ok", f"{server}/ok")
    make_source("gone", f"{server}/gone")
    make_source("broken", f"{server}/broken")
    make_source("moved", f"{server}/moved")
    make_source("slow", f"{server}/slow")
    make_source("dead", f"http://127.0.0.1:{closed_port}/x")
    make_source("no-url", None)
    started = time.monotonic()
    call_command("check_sources", "--timeout", "1", "--workers", "3")
    assert time.monotonic() - started < 6  # the slow page cost one timeout, not three seconds per worker

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
    started = time.monotonic()
    check = check_url(f"{server}/drip", timeout=1)
    assert time.monotonic() - started < 2
    assert check.status_code is None and "timed out" in check.error


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


def test_adding_a_source_with_a_known_url_warns(client, source, curator):
    client.force_login(curator)
    data = {
        "title": "Same release, other address",
        "slug": "same-release",
        "publisher": "",
        "authors": "",
        "kind": "news",
        "language": "en",
        "url": "http://www.example.org/release/?utm_campaign=x",
        "archive_url": "",
        "published": "",
        "accessed_on": "",
        "relays_description": "",
        "notes": "",
    }
    # The warning comes before the save (tests/test_source_duplicates_and_host.py); "Save anyway" saves.
    response = client.post(reverse("admin:acsa_db_source_add"), data)
    page = response.content.decode()
    assert "the same URL once normalised" in page and source.title in page
    assert not Source.objects.filter(slug="same-release").exists()
    client.post(reverse("admin:acsa_db_source_add"), {**data, "save_anyway": "on"})
    assert Source.objects.filter(slug="same-release").exists()  # a warning, not a refusal
