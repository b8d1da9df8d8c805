"""Shared fixtures: a few named records built with tests/factories.py, and the reference data."""

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction

from acsa_db.models import AgreementEvent, Citation, Source
from tests import factories
from tests.browser import CHROMIUM, INSTALL_HINT, browser_tests_required


@pytest.fixture(scope="module")
def seeded_data_set(django_db_setup, django_db_blocker):
    """The seeded data set, loaded once per test module and rolled back after it.

    Loading takes a few seconds (every foreign key is a natural-key lookup): the modules that
    only read the seeded data share one load, and each test runs in a savepoint within it.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_fixtures", verbosity=0)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def reference_data(db):
    """Countries, COW membership, organizations, agreement types, coverage and domains, as load_fixtures loads them."""
    call_command(
        "loaddata",
        "countries.json",
        "cow_states.json",
        "organizations.json",
        "agreement_types.json",
        "coverage.json",
        "domains.json",
        verbosity=0,
    )


@pytest.fixture
def japan(db):
    return factories.japan()


@pytest.fixture
def germany(db):
    return factories.germany()


@pytest.fixture
def nato(db):
    return factories.OrganizationFactory(acronym="NATO", name="North Atlantic Treaty Organization")


@pytest.fixture
def acsa_type(db):
    return factories.AgreementTypeFactory(code="ACSA")


@pytest.fixture
def source(db):
    return factories.SourceFactory(
        slug="mofa-test-release",
        title="Test release",
        publisher="Ministry of Foreign Affairs of Japan",
        kind=Source.Kind.OFFICIAL_STATEMENT,
        url="https://example.org/release",
        published=datetime.date(2024, 1, 29),
        published_precision="day",
        language="en",
    )


@pytest.fixture
def agreement(db, acsa_type, japan, germany):
    agreement = factories.AgreementFactory(
        slug="acsa-jpn-deu-2024",
        title="Agreement between Japan and Germany on reciprocal supplies",
        short_title="Japan–Germany ACSA",
        type=acsa_type,
        parties=[japan, germany],
    )
    factories.AgreementEventFactory(
        agreement=agreement,
        kind=AgreementEvent.Kind.SIGNATURE,
        date=datetime.date(2024, 1, 29),
        date_precision="day",
        place="Tokyo",
    )
    return agreement


@pytest.fixture
def exercise(db, japan, germany):
    exercise = factories.ExerciseFactory(
        slug="test-exercise-2022",
        name="Test exercise",
        start_date=datetime.date(2022, 9, 28),
        start_date_precision="day",
        end_date=datetime.date(2022, 9, 30),
        end_date_precision="day",
        host=japan,
    )
    factories.ExerciseParticipantFactory(exercise=exercise, country=japan, role="host")
    factories.ExerciseParticipantFactory(exercise=exercise, country=germany, forces="3 Eurofighter")
    return exercise


@pytest.fixture
def citation(db, source, agreement):
    return factories.CitationFactory(source=source, agreement=agreement, claim=Citation.Claim.EXISTENCE)


@pytest.fixture
def data_release(db, settings, tmp_path):
    """A recorded release whose zip (a few bytes, not a real bundle) is in a temporary releases directory."""
    import hashlib

    from acsa_db.models import DataRelease

    settings.ACSA_RELEASES_DIR = tmp_path / "releases"
    (settings.ACSA_RELEASES_DIR / "1.0.0").mkdir(parents=True)
    (settings.ACSA_RELEASES_DIR / "1.0.0" / "acsa-db-1.0.0.zip").write_bytes(b"zip")
    return DataRelease.objects.create(
        version="1.0.0",
        released_on=datetime.date(2026, 1, 15),
        policy=DataRelease.Policy.REVIEWED,
        agreement_count=1,
        exercise_count=1,
        source_count=1,
        citation_count=1,
        fact_count=2,
        added_count=0,
        changed_count=0,
        removed_count=0,
        zip_name="acsa-db-1.0.0.zip",
        zip_sha256=hashlib.sha256(b"zip").hexdigest(),
        zip_bytes=3,
    )


# --- roles and review ------------------------------------------------------------------


@pytest.fixture
def make_user(db):
    """A staff user in the given groups (viewer, curator, reviewer), created by the roles migration."""

    def make(username, *roles, staff=True, superuser=False, password=None):
        # No password unless a test signs in through the login form: hashing one takes a while.
        user = factories.UserFactory(
            username=username, roles=roles, is_staff=staff, is_superuser=superuser, password=password
        )
        assert user.groups.count() == len(roles), "the roles migration did not create the groups"
        return user

    return make


@pytest.fixture
def curator(make_user):
    return make_user("curator", "curator")


@pytest.fixture
def reviewer(make_user):
    return make_user("reviewer", "reviewer")


@pytest.fixture
def viewer(make_user):
    return make_user("viewer", "viewer")


@pytest.fixture
def cited_agreement(citation):
    """The agreement fixture with every fact (itself, its event, its two parties) cited."""
    agreement = citation.agreement
    for event in agreement.events.all():
        factories.CitationFactory(source=citation.source, agreement_event=event, claim=Citation.Claim.DATE)
    for party in agreement.parties.all():
        factories.CitationFactory(source=citation.source, agreement_party=party, claim=Citation.Claim.PARTIES)
    return agreement


def _is_browser_test(item):
    return "/tests/browser/" in str(item.path)


def pytest_collection_modifyitems(config, items):
    """Browser tests last: Playwright's event loop stays up once started, and Django refuses
    database calls beside a running event loop unless told otherwise (tests/browser/conftest.py).

    Without Chromium they are skipped, with the way to install it, unless the run requires
    them (CI), which then stops before running anything.
    """
    items.sort(key=_is_browser_test)
    browser = [item for item in items if _is_browser_test(item)]
    if not browser or CHROMIUM.exists():
        return
    if browser_tests_required():
        raise pytest.UsageError(
            f"{len(browser)} browser tests must run (ACSA_REQUIRE_BROWSER_TESTS) but {CHROMIUM} "
            f"is missing: {INSTALL_HINT}"
        )
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: {INSTALL_HINT}")
    for item in browser:
        item.add_marker(skip)


_skipped_browser_tests = []


def pytest_runtest_logreport(report):
    if report.skipped and report.nodeid.startswith("tests/browser/"):
        _skipped_browser_tests.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    """Where browser tests are required, a skipped one fails the run (a skip would hide them)."""
    if browser_tests_required() and _skipped_browser_tests and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    if not _skipped_browser_tests:
        return
    if browser_tests_required():
        terminalreporter.write_line(
            f"FAILED: {len(_skipped_browser_tests)} browser tests were skipped, and this run requires them "
            "(ACSA_REQUIRE_BROWSER_TESTS)",
            red=True,
        )
    else:
        terminalreporter.write_line(
            f"{len(_skipped_browser_tests)} browser tests were skipped: {INSTALL_HINT}", yellow=True
        )
