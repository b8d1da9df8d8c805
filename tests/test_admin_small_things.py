"""Issue 18, point 9: the admin's small things (names, sizes, favicon, the user form, dates)."""

import datetime

import pytest
from django.contrib.staticfiles import finders

from acsa_db.admin.display import date_range
from acsa_db.admin.import_export import _megabytes
from acsa_db.admin.users import ROLES_HELP
from acsa_db.models import AgreementEvent, Exercise
from acsa_db.models.base import name_with_year


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", "boss@example.org", None))
    return client


@pytest.mark.parametrize(
    ("name", "year", "shown"),
    [
        ("Talisman Sabre 2025", 2025, "Talisman Sabre 2025"),
        ("Pitch Black 2024: Japan's deployment", 2024, "Pitch Black 2024: Japan's deployment"),
        ("Guardian North 16", 2016, "Guardian North 16 (2016)"),
        ("Exercise 12025", 2025, "Exercise 12025 (2025)"),  # a longer number is not the year
        ("Malabar", None, "Malabar"),
    ],
)
def test_a_name_gets_its_year_once(name, year, shown):
    assert name_with_year(name, year) == shown


def test_records_named_with_their_year_do_not_repeat_it(db, japan, agreement):
    exercise = Exercise.objects.create(
        slug="talisman-sabre-2025",
        name="Talisman Sabre 2025",
        start_date=datetime.date(2025, 7, 13),
        start_date_precision="day",
        host=japan,
    )
    assert str(exercise) == "Talisman Sabre 2025"
    agreement.short_title = "Japan–Germany ACSA 2024"
    assert str(agreement) == "Japan–Germany ACSA 2024"
    agreement.short_title = "Japan–Germany ACSA"
    assert str(agreement) == "Japan–Germany ACSA (2024)"
    assert AgreementEvent.objects.filter(agreement=agreement, kind="signature").exists()


@pytest.mark.parametrize(
    ("size", "shown"),
    [(20 * 1024 * 1024, "20 MB"), (int(19.6 * 1024 * 1024), "19.6 MB"), (1024, "1 KB"), (1536, "1.5 KB")],
)
def test_sizes_have_no_trailing_zero(size, shown):
    assert _megabytes(size) == shown


def test_the_import_page_states_the_limit_as_20_mb(db, superuser_client, settings):
    settings.ACSA_IMPORT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
    page = superuser_client.get("/admin/acsa_db/exercise/import/").content.decode()
    assert "limited to 20 MB" in page and "20.0 MB" not in page


def test_admin_pages_link_a_static_favicon(db, superuser_client):
    page = superuser_client.get("/admin/").content.decode()
    assert '<link rel="icon" type="image/svg+xml" href="/static/acsa_db/favicon.svg">' in page
    assert finders.find("acsa_db/favicon.svg")


def test_the_user_form_says_the_groups_grant_access(db, superuser_client, django_user_model):
    user = django_user_model.objects.create_user("new-curator", is_staff=True)
    page = superuser_client.get(f"/admin/auth/user/{user.pk}/change/").content.decode()
    assert ROLES_HELP.split(":")[0] in page
    for group in ("viewer", "curator", "reviewer"):
        assert f"{group} " in ROLES_HELP
    assert "what they see there comes from their groups" in page


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        ((datetime.date(2024, 7, 12), "day"), (datetime.date(2024, 8, 2), "day"), "2024-07-12 – 2024-08-02"),
        ((datetime.date(2023, 9, 1), "month"), (datetime.date(2023, 9, 1), "month"), "2023-09"),
        ((datetime.date(2023, 4, 17), "day"), (None, None), "2023-04-17 – ?"),
        ((None, None), (None, None), "–"),
    ],
)
def test_the_exercise_list_shows_start_and_end_in_one_column(start, end, shown):
    assert date_range(*start, *end) == shown


def test_the_exercise_list_sorts_its_dates_column_by_start(db, superuser_client, japan):
    for slug, year in (("older", 2020), ("newer", 2024)):
        Exercise.objects.create(
            slug=slug,
            name=slug,
            start_date=datetime.date(year, 1, 1),
            start_date_precision="year",
            host=japan,
        )
    # ?o=-4 (bench/admin_bench.py's "sorted: start desc") is the dates column, newest first.
    response = superuser_client.get("/admin/acsa_db/exercise/?o=-4")
    assert [exercise.slug for exercise in response.context["cl"].result_list] == ["newer", "older"]
    assert "column-dates" in response.content.decode()


@pytest.fixture
def two_exercises(reference_data, japan):
    from acsa_db.models import Domain

    older = Exercise.objects.create(
        slug="older",
        name="Older",
        start_date=datetime.date(2020, 5, 1),
        start_date_precision="month",
        host=japan,
    )
    Exercise.objects.create(
        slug="newer",
        name="Newer",
        start_date=datetime.date(2024, 7, 12),
        start_date_precision="day",
        host=japan,
    )
    older.domains.set([Domain.objects.get(code="air")])


def test_the_exercise_filters_list_only_values_that_occur(superuser_client, two_exercises):
    page = superuser_client.get("/admin/acsa_db/exercise/").content.decode()
    assert "?kind__exact=exercise" in page and "?kind__exact=deployment" not in page
    assert "?status__exact=held" in page and "?status__exact=cancelled" not in page
    assert "?review_status__exact=draft" in page and "?review_status__exact=verified" not in page
    # Years with an exercise, not every year between the first and the last.
    assert "?year=2024" in page and "?year=2020" in page
    assert "?year=2022" not in page
    from acsa_db.models import Domain

    air, sea = Domain.objects.get(code="air"), Domain.objects.get(code="sea")
    assert f"?domains__id__exact={air.pk}" in page
    assert f"?domains__id__exact={sea.pk}" not in page


def test_a_filtered_value_still_filters(superuser_client, two_exercises):
    response = superuser_client.get("/admin/acsa_db/exercise/?year=2020")
    assert [exercise.slug for exercise in response.context["cl"].result_list] == ["older"]
    response = superuser_client.get("/admin/acsa_db/exercise/?kind__exact=exercise")
    assert response.context["cl"].result_count == 2


def test_the_agreement_filters_list_only_types_and_years_that_occur(
    superuser_client, reference_data, agreement
):
    from acsa_db.models import AgreementType

    AgreementEvent.objects.create(
        agreement=agreement, kind="signature", date=datetime.date(2019, 3, 1), date_precision="month"
    )
    from acsa_db.models import Agreement

    raa = AgreementType.objects.get(code="RAA")
    Agreement.objects.create(slug="raa-x", title="An RAA", short_title="RAA", type=raa)
    page = superuser_client.get("/admin/acsa_db/agreement/").content.decode()
    assert "?signed=2024" in page and "?signed=2019" in page
    assert "?signed=2021" not in page
    for used in (agreement.type, raa):
        assert f"?type__id__exact={used.pk}" in page
    unused = AgreementType.objects.exclude(pk__in=[agreement.type.pk, raa.pk])
    assert unused.exists()
    assert not any(f"?type__id__exact={other.pk}" in page for other in unused)
