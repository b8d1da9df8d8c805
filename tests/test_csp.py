"""The Content-Security-Policy holds without 'unsafe-inline', and the admin's pages need none.

The policy allows scripts and styles from files only (one hash: the error
page's own <style>). These tests read the HTML the admin serves and list every
inline script, ``on*`` handler, ``style`` attribute or <style> element the
browser would block; tests/browser/test_csp_browser.py checks the same in
Chromium, with the browser's own CSP reports.
"""

import base64
import hashlib
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib import admin
from django.template.loader import render_to_string
from django.urls import reverse

from acsa_db.models import Agreement, Citation, Exercise, Source

# Data blocks a browser does not run (Django's json_script): the policy does not apply to them.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


def policy_directive(name):
    for directive in settings.CONTENT_SECURITY_POLICY.split(";"):
        parts = directive.split()
        if parts and parts[0] == name:
            return parts[1:]
    return None


def style_hash(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


class InlineCode(HTMLParser):
    """Collects what a strict CSP blocks in a page: inline scripts, handlers, style attributes and elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocked = []
        self._open = None  # ("script" | "style", attributes) while inside one
        self._text = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.blocked.append(f"<{tag} {name}=...> (inline handler)")
            if name == "style":
                self.blocked.append(f'<{tag} style="{value}"> (style attribute)')
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.blocked.append(f"<{tag} {name}={value}> (javascript: URL)")
        if tag in ("script", "style"):
            self._open = (tag, attributes)
            self._text = []

    def handle_data(self, data):
        if self._open:
            self._text.append(data)

    def handle_endtag(self, tag):
        if not self._open or tag != self._open[0]:
            return
        kind, attributes = self._open
        text = "".join(self._text)
        self._open = None
        if kind == "script" and "src" not in attributes and text.strip():
            if attributes.get("type") not in DATA_SCRIPT_TYPES:
                self.blocked.append(f"<script>{text.strip()[:60]}</script> (inline script)")
        if kind == "style" and style_hash(text) not in policy_directive("style-src"):
            self.blocked.append(f"<style>{text.strip()[:60]}</style> (inline style, hash not allowed)")


def blocked_in(html):
    parser = InlineCode()
    parser.feed(html)
    return parser.blocked


def test_the_policy_allows_no_inline_script_or_style():
    assert "'unsafe-inline'" not in settings.CONTENT_SECURITY_POLICY
    assert policy_directive("script-src") == ["'self'"]
    assert all(
        source == "'self'" or source.startswith("'sha256-") for source in policy_directive("style-src")
    )


def test_the_error_pages_own_style_is_the_one_the_policy_allows():
    # templates/500.html keeps its <style> (it must not need static files): its hash is in the policy.
    assert blocked_in(render_to_string("500.html")) == []


def test_the_checker_sees_what_the_browser_would_block():
    page = (
        '<p style="color:red" onclick="x()">a</p><script>alert(1)</script><style>p{}</style>'
        '<a href="javascript:void(0)">b</a><script src="/static/a.js"></script>'
        '<script type="application/json">{"a": 1}</script>'
    )
    assert len(blocked_in(page)) == 5


@pytest.fixture
def one_of_each(citation, exercise, nato):
    Citation.objects.create(source=citation.source, exercise=exercise, claim=Citation.Claim.EXISTENCE)
    return citation


def admin_pages(one_of_each):
    """The admin pages a curator sees: index, every list, add form and export page, each record's page."""
    pages = [
        reverse("admin:index"),
        reverse("admin:acsa_db_citation_coverage"),
        reverse("admin:password_change"),
    ]
    records = {
        Agreement: Agreement.objects.first(),
        Exercise: Exercise.objects.first(),
        Source: Source.objects.first(),
        Citation: one_of_each,
    }
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        pages.append(reverse(f"{prefix}_changelist"))
        if opts.app_label != "axes":  # axes' records are written by sign-ins, not added by hand
            pages.append(reverse(f"{prefix}_add"))
        if hasattr(model_admin, "export_action"):
            pages.append(reverse(f"{prefix}_export"))
        if hasattr(model_admin, "import_action"):
            pages.append(reverse(f"{prefix}_import"))
    # The pages a related-object popup opens (Django renders their constants as data attributes).
    pages.append(reverse("admin:acsa_db_country_changelist") + "?_to_field=id&_popup=1")
    pages.append(reverse("admin:acsa_db_source_add") + "?_to_field=id&_popup=1")
    for model, record in records.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages.append(reverse(f"{prefix}_change", args=[record.pk]))
        pages.append(reverse(f"{prefix}_history", args=[record.pk]))
        pages.append(reverse(f"{prefix}_delete", args=[record.pk]))
    return pages


@pytest.mark.django_db
def test_no_admin_page_renders_inline_code(client, admin_user, one_of_each):
    client.force_login(admin_user)
    found = {}
    for url in admin_pages(one_of_each):
        response = client.get(url)
        assert response.status_code == 200, url
        blocked = blocked_in(response.content.decode())
        if blocked:
            found[url] = blocked
    assert found == {}


@pytest.mark.django_db
def test_sign_in_and_lockout_pages_render_no_inline_code(client):
    assert blocked_in(client.get(reverse("admin:login")).content.decode()) == []
    assert blocked_in(render_to_string("acsa_db/lockout.html", {"cooloff_time": "30 minutes"})) == []


# --- the same headers on every response -------------------------------------------------------

SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/admin/", "/admin/acsa_db/agreement/"])
def test_redirects_carry_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 302
    for header in SECURITY_HEADERS:
        assert header in response.headers, header
    assert response.headers["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_csp_middleware_wraps_whatever_answers_before_the_views():
    # WhiteNoise (production) and SecurityMiddleware's HTTPS redirect answer without calling the
    # rest of the chain: the middleware that sets the CSP and X-Frame-Options must come before them.
    order = settings.MIDDLEWARE
    first_to_answer = order.index("django.middleware.security.SecurityMiddleware")
    assert order.index("acsa_db.middleware.ContentSecurityPolicyMiddleware") < first_to_answer
    assert order.index("django.middleware.clickjacking.XFrameOptionsMiddleware") < first_to_answer


@pytest.mark.django_db
def test_the_https_redirect_carries_the_security_headers(client, settings):
    # SecurityMiddleware answers this redirect itself, before the rest of the chain.
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/admin/login/")
    assert response.status_code == 301
    assert response.headers["Location"].startswith("https://")
    assert response.headers["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
