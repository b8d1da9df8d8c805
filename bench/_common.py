"""What the load test and the fault drill share.

- a PostgreSQL database of their own, created, seeded and dropped;
- gunicorn in the production profile (``ACSA_ENV=production``), as ``bin/serve``
  starts it, on 127.0.0.1 only;
- virtual users: each signs in once through the admin's login form (django-axes
  counts every attempt) and then reads pages, exports tables or saves change
  forms the way a browser does: the form's own fields, its CSRF token, its
  cookies;
- what each request took, and the figures (throughput, p50, p99) drawn from it;
- the edits curators saved, and the check that every one of them is still there;
- an import run in a subprocess and killed while it writes, with the probes that
  tell, from outside the process, that its transaction has started writing.

Only the standard library and what ``requirements.txt`` already pins are used.
The test suite runs none of this except ``is_clean_error_page`` and the import
helpers at the end (``bench/tests/test_error_pages.py``, on small files).
"""

import csv
import html
import http.client
import math
import os
import random
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))

# Words the error page says and the default Django page does not: a response
# carrying them was rendered by acsa_db/templates/500.html.
ERROR_PAGE_MARKER = "ACSA DB could not complete this request"
# What must never reach a visitor, even on an error page.
LEAK_MARKERS = ("Traceback", 'File "', "OperationalError", "InterfaceError", "psycopg", "sqlite3", "SELECT ")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def setup_django(database_url):
    """Use the ORM in this process (seeding, checking) on the benchmark's database.

    The development profile is enough here: this process serves nothing.
    """
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "acsa_db.settings"
    os.environ["ACSA_ENV"] = "development"
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()


# --- PostgreSQL ----------------------------------------------------------------------------------


def pg_connect(server_url, dbname="postgres"):
    import psycopg

    parts = urllib.parse.urlsplit(server_url)
    connection = psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname=dbname,
        connect_timeout=5,
    )
    connection.autocommit = True
    return connection


def database_url(server_url, name, **query):
    url = f"{server_url.rstrip('/')}/{name}"
    return f"{url}?{urllib.parse.urlencode(query)}" if query else url


def pg_execute(server_url, sql, dbname="postgres"):
    """One statement in autocommit (``with connection`` would open a transaction, even in autocommit)."""
    connection = pg_connect(server_url, dbname)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall() if cursor.description else None
    finally:
        connection.close()


def create_database(server_url, name):
    pg_execute(server_url, f'CREATE DATABASE "{name}"')


def analyze(server_url, name):
    """Table statistics now, as autovacuum would take them within a minute of the seeding.

    Without them the planner's row estimates (which the admin may show as
    counts) would change in the middle of a run, when autovacuum gets there.
    """
    pg_execute(server_url, "ANALYZE", dbname=name)


def drop_database(server_url, name):
    pg_execute(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the production profile ----------------------------------------------------------------------


def production_env(database_url, static_root):
    """The environment bin/serve runs gunicorn in, for plain HTTP on the loopback interface.

    ``SECURE_SSL_REDIRECT=false`` is the only departure: there is no TLS on
    127.0.0.1. A fresh secret key each run; connections persist 60 seconds
    with health checks (the production defaults, left as they are).
    """
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "CONN_MAX_AGE", "AXES_ENABLED"}}
    env.update(
        ACSA_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(static_root),
    )
    return env


def manage(*args, env):
    """Run a management command; on failure, raise with its output."""
    result = subprocess.run(
        [PYTHON, "manage.py", *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def generate_synthetic(*args, env):
    """Run bench/generate_synthetic.py; on failure, raise with its output."""
    result = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "generate_synthetic.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"generate_synthetic.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def prepare_site(env):
    """Migrate, load the fixtures and collect static files, as bin/run and bin/serve do."""
    timings = {}
    for label, args in (
        ("migrate", ("migrate", "--no-input", "-v0")),
        ("load_fixtures", ("load_fixtures", "-v0")),
        ("collectstatic", ("collectstatic", "--no-input", "-v0")),
    ):
        started = time.monotonic()
        manage(*args, env=env)
        timings[label] = time.monotonic() - started
    return timings


def default_workers():
    """bin/serve's default: WEB_CONCURRENCY, else 2 × cores + 1."""
    return int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)


class Gunicorn:
    """gunicorn serving acsa_db.wsgi on 127.0.0.1, with bin/serve's options; logs go to files."""

    def __init__(self, env, log_dir, *, workers=None, timeout=60):
        self.env = env
        self.port = free_port()
        self.workers = workers or default_workers()
        self.timeout = timeout
        self.access_log = Path(log_dir) / "access.log"
        self.error_log = Path(log_dir) / "error.log"
        self.process = None

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait=60):
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "acsa_db.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                str(self.timeout),
                "--access-logfile",
                str(self.access_log),
                "--error-logfile",
                str(self.error_log),
            ],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start; see {self.error_log}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/admin/login/")
                if connection.getresponse().status == 200:
                    connection.close()
                    return self
                connection.close()
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {wait} s; see {self.error_log}")

    def worker_pids(self):
        """The pids of the workers now running: a worker that was killed and replaced shows up here."""
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return set()
        return {int(pid) for pid in children.split()}

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def statuses_logged(self):
        """Status codes from the access log: what the server itself says it answered."""
        counts = {}
        if not self.access_log.exists():
            return counts
        for line in self.access_log.read_text(errors="replace").splitlines():
            # Default format: host - user [time] "request line" status bytes "referer" "agent"
            try:
                status = int(line.split('" ', 1)[1].split()[0])
            except (IndexError, ValueError):
                continue
            counts[status] = counts.get(status, 0) + 1
        return counts

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# --- forms, as a browser fills them in -----------------------------------------------------------


class Form:
    """A parsed HTML form: its action and the (name, value) pairs a browser would submit."""

    def __init__(self, attrs):
        self.attrs = attrs
        self.fields = []  # (name, value), in document order
        self.submits = []  # names of the submit buttons
        self.selects = {}  # name -> [(value, label)], for choosing an option by its label

    @property
    def action(self):
        return self.attrs.get("action") or ""

    def value(self, name, default=""):
        return next((value for field_name, value in self.fields if field_name == name), default)

    def set(self, name, value):
        """Give the field one value (added when the form does not have it)."""
        kept = [(n, v) for n, v in self.fields if n != name]
        position = next((i for i, (n, _) in enumerate(self.fields) if n == name), len(kept))
        kept.insert(position, (name, value))
        self.fields = kept

    def choose(self, name, label):
        """Select the option of ``name`` shown as ``label``."""
        for value, option_label in self.selects.get(name, []):
            if option_label.strip() == label:
                self.set(name, value)
                return
        raise LookupError(f"no option {label!r} in select {name!r}")

    def pairs(self, submit=None):
        pairs = list(self.fields)
        if submit:
            pairs.append((submit, "1"))
        return pairs


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.form = None
        self.select = None  # [name, multiple, options, selected]
        self.option = None  # [value, label parts, selected]
        self.textarea = None  # [name, parts]

    def handle_starttag(self, tag, attrs):
        attrs = {k: ("" if v is None else v) for k, v in attrs}
        if tag == "form":
            self.form = Form(attrs)
            self.forms.append(self.form)
            return
        if self.form is None or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "button", "image"}:
                self.form.submits.append(name)
            elif kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.form.fields.append((name, attrs.get("value", "on")))
            elif kind not in {"file", "reset"}:
                self.form.fields.append((name, attrs.get("value", "")))
        elif tag == "button" and name and attrs.get("type", "submit") == "submit":
            self.form.submits.append(name)
        elif tag == "select" and name:
            self.select = [name, "multiple" in attrs, [], []]
        elif tag == "option" and self.select is not None:
            self.option = [attrs.get("value"), [], "selected" in attrs]
        elif tag == "textarea" and name:
            self.textarea = [name, []]

    def handle_data(self, data):
        if self.option is not None:
            self.option[1].append(data)
        if self.textarea is not None:
            self.textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "option" and self.option is not None:
            value, label, selected = self.option
            label = "".join(label)
            self.select[2].append((label.strip() if value is None else value, label))
            if selected:
                self.select[3].append(self.select[2][-1][0])
            self.option = None
        elif tag == "select" and self.select is not None:
            name, multiple, options, selected = self.select
            if not selected and options and not multiple:
                selected = [options[0][0]]  # a browser submits the first option
            self.form.fields.extend((name, value) for value in selected)
            self.form.selects[name] = options
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, parts = self.textarea
            text = "".join(parts)
            # A browser drops the newline right after <textarea> (Django writes one).
            self.form.fields.append((name, text[1:] if text.startswith("\n") else text))
            self.textarea = None
        elif tag == "form":
            self.form = None


def find_form(html, *, id=None, containing=None):
    """The form with this id, or the first one holding a field named ``containing``."""
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        if id is not None and form.attrs.get("id") == id:
            return form
        if containing is not None and any(name == containing for name, _ in form.fields):
            return form
    raise LookupError(f"no form {id or containing!r} on the page")


# --- virtual users -------------------------------------------------------------------------------


@dataclass
class Sample:
    """One request: what it was, when it started (seconds since the run began) and what came back."""

    kind: str
    method: str
    path: str
    started: float
    seconds: float
    status: int | None  # None: no HTTP answer (refused, reset, timed out)
    error: str = ""
    clean_error_page: bool | None = None  # for 5xx: our error page, and nothing leaked
    unexpected: str = ""  # the caller's judgement: a 200 that is not what was asked for


@dataclass
class Response:
    status: int | None
    headers: dict
    body: bytes
    sample: Sample

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self):
        return urllib.parse.urlsplit(self.headers.get("location", "")).path


def is_clean_error_page(body):
    text = body.decode("utf-8", errors="replace")
    return ERROR_PAGE_MARKER in text and not any(marker in text for marker in LEAK_MARKERS)


class Recorder:
    """Every request of a run, from every thread."""

    def __init__(self):
        self.samples = []
        self.lock = threading.Lock()
        self.epoch = time.monotonic()

    def add(self, sample):
        with self.lock:
            self.samples.append(sample)

    def now(self):
        return time.monotonic() - self.epoch


class Browser:
    """One virtual user: its own cookies, one sign-in, forms submitted as a browser submits them.

    Cookies are kept whatever their ``Secure`` flag: the production profile
    marks them secure for HTTPS, and this client stands where a TLS proxy
    would, on the loopback interface.
    """

    def __init__(self, base_url, recorder, *, timeout=30):
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.origin = f"http://{self.host}:{self.port}"
        self.recorder = recorder
        self.timeout = timeout
        self.cookies = {}

    def request(self, kind, method, path, *, fields=None, referer=None):
        headers = {"User-Agent": "acsa-db-bench", "Accept": "text/html,*/*"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + (referer or path)
        started = self.recorder.now()
        status, response_headers, data, error = None, {}, b"", ""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            status = response.status
            response_headers = {k.lower(): v for k, v in response.getheaders()}
            self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()
        sample = Sample(kind, method, path, started, self.recorder.now() - started, status, error)
        if status is not None and status >= 500:
            sample.clean_error_page = is_clean_error_page(data)
        self.recorder.add(sample)
        return Response(status, response_headers, data, sample)

    def get(self, kind, path):
        return self.request(kind, "GET", path)

    def post(self, kind, path, fields, *, referer=None):
        return self.request(kind, "POST", path, fields=fields, referer=referer)

    def _keep_cookies(self, headers):
        for header in headers:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                expired = morsel["max-age"] == "0" or "1970" in morsel["expires"]
                if expired or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def sign_in(self, username, password):
        """Through the login form, once: django-axes sees one successful attempt."""
        page = self.get("sign-in", "/admin/login/?next=/admin/")
        if page.status != 200:
            return False
        form = find_form(page.text, id="login-form")
        form.set("username", username)
        form.set("password", password)
        action = form.action or "/admin/login/?next=/admin/"
        response = self.post("sign-in", action, form.pairs(), referer="/admin/login/?next=/admin/")
        signed_in = response.status == 302 and "sessionid" in self.cookies
        if not signed_in:
            response.sample.unexpected = "sign-in refused"
        return signed_in


def create_users(prefix, count, role, password):
    """Staff users ``prefix-01`` ... in the role's group; one password hash for all (hashing is slow)."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User

    hashed = make_password(password)
    users = User.objects.bulk_create(
        User(username=f"{prefix}-{i:02d}", password=hashed, is_staff=True) for i in range(1, count + 1)
    )
    Group.objects.get(name=role).user_set.add(*users)
    return [user.username for user in users]


def sign_in_all(browsers_and_names, password, *, threads=10):
    """Sign every virtual user in, a few at a time; returns the names that failed."""
    failed = []
    queue = list(browsers_and_names)
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                if not queue:
                    return
                browser, name = queue.pop()
            if not browser.sign_in(name, password):
                with lock:
                    failed.append(name)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return failed


# --- what readers read -----------------------------------------------------------------------------

READER_MIX = {"changelist": 35, "change page": 30, "search": 25, "export": 10}


@dataclass
class Catalog:
    """The pages readers ask for, all taken from the database being served."""

    changelists: list  # (model_name, number of pages)
    change_pages: list  # (model_name, pk)
    searches: list  # (model_name, term)
    exports: list  # model_name


def build_catalog(rng, *, change_pages_per_model=200):
    """Changelists of every curated table, change pages of its rows, search terms from its data.

    Search terms are real values of the served data (country names of
    agreement parties, exercise series, publishers, agreement type codes),
    so searches find something.
    """
    from django.contrib import admin as django_admin

    from acsa_db.models import Agreement, AgreementEvent, AgreementParty, Citation, Country, Exercise, Source

    def pages(model):
        # The pages the changelist offers: its own paginator decides (an admin may estimate counts).
        model_admin = django_admin.site._registry[model]
        queryset = model._default_manager.order_by("pk")
        return model_admin.get_paginator(None, queryset, model_admin.list_per_page).num_pages

    changelists = [
        (model._meta.model_name, pages(model))
        for model in (Agreement, AgreementEvent, Exercise, Source, Citation, Country)
    ]
    change_pages = []
    for model in (Agreement, Exercise, Source, Citation, AgreementEvent):
        pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
        for pk in rng.sample(pks, min(change_pages_per_model, len(pks))):
            change_pages.append((model._meta.model_name, pk))
    countries = AgreementParty.objects.exclude(country=None).values_list("country__name", flat=True)
    series = Exercise.objects.exclude(series="").values_list("series", flat=True)
    publishers = Source.objects.exclude(publisher="").values_list("publisher", flat=True)
    type_codes = Agreement.objects.values_list("type__code", flat=True)
    searches = (
        [("agreement", term) for term in sorted(set(countries))[:50]]
        + [("agreement", term) for term in sorted(set(type_codes))]
        + [("exercise", term) for term in sorted(set(series))[:50]]
        + [("source", term.split(" (")[0]) for term in sorted(set(publishers))[:50]]
    )
    return Catalog(changelists, change_pages, searches, ["agreement", "exercise", "source", "citation"])


def admin_url(model_name, suffix=""):
    return f"/admin/acsa_db/{model_name}/{suffix}"


class Reader:
    """A researcher in the admin: lists, record pages, searches and exports, picked at random."""

    def __init__(self, browser, catalog, rng):
        self.browser = browser
        self.catalog = catalog
        self.rng = rng
        self.export_forms = {}

    def read_once(self):
        kind = self.rng.choices(list(READER_MIX), weights=list(READER_MIX.values()))[0]
        if kind == "changelist":
            model, pages = self.rng.choice(self.catalog.changelists)
            page = self.rng.randrange(pages)
            self._expect_page(kind, admin_url(model) + (f"?p={page + 1}" if page else ""))
        elif kind == "change page":
            model, pk = self.rng.choice(self.catalog.change_pages)
            self._expect_page(kind, admin_url(model, f"{pk}/change/"))
        elif kind == "search":
            model, term = self.rng.choice(self.catalog.searches)
            self._expect_page(kind, admin_url(model) + "?" + urllib.parse.urlencode({"q": term}))
        else:
            self.export(self.rng.choice(self.catalog.exports))

    def _expect_page(self, kind, path):
        response = self.browser.get(kind, path)
        if response.status == 200 and b'id="content"' not in response.body:
            response.sample.unexpected = "not an admin page"
        elif response.status is not None and response.status < 500 and response.status != 200:
            response.sample.unexpected = f"status {response.status}"
        return response

    def export(self, model):
        """The export page's form, filled in once per table (all columns, CSV), then posted."""
        path = admin_url(model, "export/")
        form = self.export_forms.get(model)
        if form is None:
            page = self._expect_page("export form", path)
            if page.status != 200:
                return
            form = find_form(page.text, containing="format")
            form.choose("format", "csv")
            self.export_forms[model] = form
        response = self.browser.post("export", path, form.pairs(), referer=path)
        if response.status == 200:
            if "attachment" not in response.headers.get("content-disposition", ""):
                response.sample.unexpected = "no file in the answer"
        elif response.status is not None and response.status < 500:
            response.sample.unexpected = f"status {response.status}"


# --- what curators save ----------------------------------------------------------------------------

SAVED = "saved"
# A refused save either comes back as the form with the curator's input in it, or (before
# issue 16's point 9, when the database's version check caught it) as a redirect to the
# record's page, the input gone.
REFUSED_BY_FORM = "refused: changed meanwhile (page shown again with the curator's input)"
REFUSED_BY_DATABASE = "refused: changed meanwhile (input lost: redirected, or not in the page)"
FAILED = "failed (no answer or server error)"
INVALID = "form error (unexpected)"


@dataclass(frozen=True)
class Target:
    model_name: str
    pk: int

    @property
    def change_url(self):
        return admin_url(self.model_name, f"{self.pk}/change/")

    @property
    def changelist_url(self):
        return admin_url(self.model_name)

    def model(self):
        from django.apps import apps

        return apps.get_model("acsa_db", self.model_name)


@dataclass
class Edit:
    """One save a curator attempted: a line of its own added to the record's notes."""

    curator: str
    target: Target
    marker: str
    based_on_version: int | None
    outcome: str
    status: int | None
    started: float


def pick_edit_targets(rng, per_model=2):
    """A few agreements, exercises and sources that every curator edits: contention is the point."""
    from acsa_db.models import Agreement, Exercise, Source

    targets = []
    for model in (Agreement, Exercise, Source):
        pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
        targets += [Target(model._meta.model_name, pk) for pk in rng.sample(pks, min(per_model, len(pks)))]
    return targets


def current_versions(targets):
    return {t: t.model().objects.values_list("version", flat=True).get(pk=t.pk) for t in targets}


class Curator:
    """Opens a record's change page, adds a line to its notes, thinks, saves through the form.

    The optimistic lock refuses the save when someone else saved the record
    since the page was opened: an expected outcome, recorded as such.
    """

    def __init__(self, browser, name, targets, rng, ledger, *, think=(0.5, 2.0)):
        self.browser = browser
        self.name = name
        self.targets = targets
        self.rng = rng
        self.ledger = ledger
        self.think = think
        self.count = 0

    def edit_once(self, stop):
        target = self.rng.choice(self.targets)
        page = self.browser.get("edit page", target.change_url)
        if page.status != 200:
            if page.status is not None and page.status < 500:
                page.sample.unexpected = f"status {page.status}"
            stop.wait(self.rng.uniform(*self.think))  # a person looks at the error before trying again
            return
        form = find_form(page.text, id=f"{target.model_name}_form")
        self.count += 1
        marker = f"[bench {self.name} edit {self.count} {secrets.token_hex(4)}]"
        notes = form.value("notes")
        form.set("notes", f"{notes}\n{marker}" if notes else marker)
        version = form.value("based_on_version", None)
        stop.wait(self.rng.uniform(*self.think))  # the curator types
        response = self.browser.post(
            "save", target.change_url, form.pairs("_save"), referer=target.change_url
        )
        outcome = self._outcome(response, target, marker)
        self.ledger.append(
            Edit(
                self.name,
                target,
                marker,
                int(version) if version else None,
                outcome,
                response.status,
                response.sample.started,
            )
        )

    def _outcome(self, response, target, marker):
        if response.status is None or response.status >= 500:
            return FAILED
        if response.status == 302 and response.location == target.changelist_url:
            return SAVED
        if response.status == 200 and "Not saved: this" in response.text:
            return REFUSED_BY_FORM if marker in html.unescape(response.text) else REFUSED_BY_DATABASE
        if response.status == 302 and response.location == target.change_url:
            # The save raced past the form's check; the page it redirects to says why.
            page = self.browser.get("edit page", target.change_url)
            if page.status == 200 and "Not saved: this" in page.text:
                return REFUSED_BY_DATABASE
        response.sample.unexpected = INVALID
        return INVALID


@dataclass
class EditCheck:
    """What the database holds after the run, against what curators were told."""

    saved: int = 0
    refused: int = 0
    failed: int = 0
    invalid: int = 0
    lost: list = field(default_factory=list)  # saved, yet not in the record
    resurrected: list = field(default_factory=list)  # refused, yet in the record
    failed_present: int = 0  # a failed save whose change is there (committed, then the answer failed)
    version_mismatches: list = field(default_factory=list)

    @property
    def ok(self):
        return not (self.lost or self.resurrected or self.invalid or self.version_mismatches)


def check_edits(ledger, initial_versions):
    """Every saved line is in its record, no refused line is, and each saved edit moved the version once."""
    check = EditCheck()
    for target, initial in initial_versions.items():
        record = target.model().objects.get(pk=target.pk)
        edits = [e for e in ledger if e.target == target]
        saved = [e for e in edits if e.outcome == SAVED]
        failed = [e for e in edits if e.outcome == FAILED]
        check.saved += len(saved)
        check.refused += sum(e.outcome in (REFUSED_BY_FORM, REFUSED_BY_DATABASE) for e in edits)
        check.failed += len(failed)
        check.invalid += sum(e.outcome == INVALID for e in edits)
        check.lost += [e for e in saved if e.marker not in record.notes]
        check.resurrected += [
            e
            for e in edits
            if e.outcome in (REFUSED_BY_FORM, REFUSED_BY_DATABASE) and e.marker in record.notes
        ]
        present_failed = sum(e.marker in record.notes for e in failed)
        check.failed_present += present_failed
        expected = initial + len(saved) + present_failed
        if record.version != expected:
            check.version_mismatches.append((target, initial, record.version, expected))
    return check


# --- running virtual users for a while ---------------------------------------------------------------


def run_users(readers, curators, *, duration, max_requests, recorder, reader_think=0.0, grace=60, stop=None):
    """Run every reader and curator in its own thread until the time or the request budget runs out
    (or until another thread sets ``stop``).

    Returns (seconds the run took, number of threads still running after the grace period).
    """
    stop = stop or threading.Event()
    started_with = len(recorder.samples)

    def budget_spent():
        return len(recorder.samples) - started_with >= max_requests

    def loop(step):
        while not stop.is_set():
            if budget_spent():
                stop.set()
                return
            try:
                step()
            except Exception as exc:  # a bug of the client: note it, keep the load on
                recorder.add(Sample("client error", "", "", recorder.now(), 0.0, None, repr(exc)))
                stop.wait(0.5)

    def reader_step(reader):
        def step():
            reader.read_once()
            if reader_think:
                stop.wait(reader.rng.uniform(0, 2 * reader_think))

        return step

    threads = [threading.Thread(target=loop, args=(reader_step(r),), daemon=True) for r in readers]
    threads += [
        threading.Thread(target=loop, args=(lambda c=c: c.edit_once(stop),), daemon=True) for c in curators
    ]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    stop.wait(duration)
    stop.set()
    deadline = time.monotonic() + grace
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return time.monotonic() - began, sum(thread.is_alive() for thread in threads)


# --- figures -----------------------------------------------------------------------------------------


def percentile(values, q):
    """Nearest-rank percentile of a sorted list."""
    if not values:
        return float("nan")
    return values[max(0, math.ceil(q / 100 * len(values)) - 1)]


def figures(samples, seconds):
    """Per request kind: count, requests per second over ``seconds``, p50, p99 and max latency (ms)."""
    rows = {}
    for kind in sorted({s.kind for s in samples}):
        latencies = sorted(s.seconds for s in samples if s.kind == kind and s.status is not None)
        rows[kind] = {
            "requests": sum(s.kind == kind for s in samples),
            "per_second": sum(s.kind == kind for s in samples) / seconds if seconds else 0.0,
            "p50_ms": percentile(latencies, 50) * 1000,
            "p99_ms": percentile(latencies, 99) * 1000,
            "max_ms": (latencies[-1] * 1000) if latencies else float("nan"),
            "server_errors": sum(
                s.kind == kind and s.status is not None and s.status >= 500 for s in samples
            ),
            "no_answer": sum(s.kind == kind and s.status is None for s in samples),
        }
    return rows


def print_figures(rows, title):
    print(f"\n{title}")
    print(
        f"  {'request':<14}{'count':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'5xx':>6}{'none':>6}"
    )
    for kind, row in rows.items():
        print(
            f"  {kind:<14}{row['requests']:>8}{row['per_second']:>9.1f}{row['p50_ms']:>9.0f}"
            f"{row['p99_ms']:>9.0f}{row['max_ms']:>9.0f}{row['server_errors']:>6}{row['no_answer']:>6}"
        )


# --- an import killed while it writes ----------------------------------------------------------------

DRILL_SLUG_PREFIX = "drill-"


def write_source_csv(path, rows, *, offset=0):
    """A CSV of ``rows`` made-up sources that import_data accepts.

    Nothing in it pretends to be real: slugs start with ``drill-``, the
    publisher says it is synthetic, and there is no URL or date.
    """
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["slug", "title", "publisher", "kind", "language", "notes"])
        for i in range(offset, offset + rows):
            writer.writerow(
                [
                    f"{DRILL_SLUG_PREFIX}{i:07d}",
                    f"Fault drill row {i}",
                    "Fault drill (synthetic)",
                    "news",
                    "en",
                    "Written by bench/fault_drill.py to be killed halfway; never real data.",
                ]
            )
    return path


def import_command(csv_path, *, dry_run=False):
    command = [PYTHON, "manage.py", "import_data", str(csv_path), "--model", "source"]
    return command + ["--dry-run"] if dry_run else command


class PostgresWriteProbe:
    """Has the import's transaction written anything yet? On PostgreSQL: its backend has a transaction id.

    PostgreSQL gives a transaction an id at its first write (the import's
    first COPY), not before; the import connects with its own
    ``application_name`` so that its backend can be told apart.
    """

    def __init__(self, connect, application_name):
        self.connection = connect()
        self.application_name = application_name

    def _row(self):
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid, backend_xid IS NOT NULL FROM pg_stat_activity WHERE application_name = %s",
                [self.application_name],
            )
            return cursor.fetchone()

    def writing(self):
        row = self._row()
        return bool(row and row[1])

    def connected(self):
        return self._row() is not None

    def close(self):
        self.connection.close()


class SqliteWriteProbe:
    """On SQLite: the import holds the database's write lock (taken at its first write, kept to commit)."""

    def __init__(self, path):
        self.path = str(path)

    def writing(self):
        probe = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc):
                return True
            raise
        else:
            probe.execute("ROLLBACK")
            return False
        finally:
            probe.close()

    def connected(self):
        return False

    def close(self):
        pass


@dataclass
class KilledImport:
    started_writing_after: float | None  # seconds from start to the first write (None: never seen)
    killed_after: float | None  # seconds from start to kill -9 (None: it finished first)
    writing_when_killed: bool
    returncode: int | None
    output: str = ""


def kill_import_while_writing(command, env, probe, *, delay=0.0, timeout=900, poll=0.005):
    """Start the import, wait until it writes, wait ``delay`` more seconds, then kill -9 it.

    ``writing_when_killed`` says whether its transaction was still open and
    writing just before the kill, read from the probe.
    """
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    result = KilledImport(None, None, False, None)
    try:
        while process.poll() is None and time.monotonic() - started < timeout:
            if probe.writing():
                result.started_writing_after = time.monotonic() - started
                break
            time.sleep(poll)
        if result.started_writing_after is not None:
            end = time.monotonic() + delay
            while process.poll() is None and time.monotonic() < end:
                time.sleep(min(poll * 10, max(0.0, end - time.monotonic())))
            result.writing_when_killed = process.poll() is None and probe.writing()
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            result.killed_after = time.monotonic() - started
    finally:
        if process.poll() is None:
            process.kill()
        output, _ = process.communicate()
        result.returncode = process.returncode
        result.output = output.decode("utf-8", errors="replace")
    return result


def timed_import(command, env, probe, *, timeout=1800, poll=0.02):
    """Run the import to its end; returns (seconds to the first write, total seconds, output)."""
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    first_write = None
    try:
        while process.poll() is None and time.monotonic() - started < timeout:
            if first_write is None and probe.writing():
                first_write = time.monotonic() - started
            time.sleep(poll)
        if process.poll() is None:
            process.kill()
            raise RuntimeError(f"the import took more than {timeout} s")
    finally:
        output, _ = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"the import failed:\n{output.decode(errors='replace')}")
    return first_write, time.monotonic() - started, output.decode("utf-8", errors="replace")


def seeded_rng(seed):
    return random.Random(seed)
