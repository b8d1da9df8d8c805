"""Hostile query strings on every admin list and on the autocomplete endpoint: 400 or an answer, never 500.

The walk is built from the admin site itself: every registered admin's
changelist, each of its filters' own parameters (Django's choice, date and
related filters as well as ours), the changelist's own parameters (search,
ordering, page, "show all", ``_to_field``) and a field path no filter offers;
every autocomplete field of every admin for the autocomplete endpoint. A
filter added later is walked without touching this file. Each value is sent
to each parameter; the test client returns the server's answer instead of
raising, so every 500 is collected and listed at the end.
"""

from urllib.parse import quote, urlencode

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from acsa_db.models import Citation

HOSTILE_VALUES = [
    "99999",
    "-1",
    "9" * 30,
    "-" + "9" * 30,
    "1e400",
    "not-a-number",
    "\x00",
    "2024\x00",
    "x" * 5000,
    "agreement__parties__agreement__parties__agreement__parties__id",
    "agreement__reviewed_by__password",
]
# Sent as they are, already percent-encoded: bytes that are not UTF-8 at all.
RAW_HOSTILE_VALUES = ["%FF%FE", "%ED%A0%80", "%00%00"]


def hostile_queries(name, extra=None):
    """``name=value`` query strings, one per hostile value, with the ``extra`` parameters before it."""
    prefix = urlencode(extra or {})
    prefix = f"{prefix}&" if prefix else ""
    for value in HOSTILE_VALUES:
        yield value[:40], prefix + urlencode({name: value})
    for raw in RAW_HOSTILE_VALUES:
        yield raw, f"{prefix}{quote(name)}={raw}"


# The changelist's own parameters, beside its filters'.
CHANGELIST_PARAMETERS = ["q", "o", "p", "all", "_to_field", "e", "_popup", "agreement__reviewed_by__password"]

# Answers that are not a server error: the list (possibly empty), the admin's "invalid
# lookup" redirect (?e=1), a refusal of the request.
ACCEPTABLE = {200, 302, 400, 403, 404}


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("walker", "w@example.org", "a-long-test-password")
    client.force_login(user)
    client.raise_request_exception = False
    return client


@pytest.fixture
def one_of_each(citation, exercise, nato):
    return citation


def filter_parameters(model_admin, user):
    """The query parameters each of this admin's list filters reads, as Django's changelist builds them."""
    request = RequestFactory().get("/")
    request.user = user
    changelist = model_admin.get_changelist_instance(request)
    names = set()
    for spec in changelist.filter_specs:
        names.update(spec.expected_parameters())
    return sorted(names)


def registered_admins():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.model_name)


def admin_ids():
    return [model._meta.model_name for model, _ in registered_admins()]


@pytest.mark.django_db
@pytest.mark.parametrize("model_admin", [a for _, a in registered_admins()], ids=admin_ids())
def test_every_changelist_parameter_answers_hostile_values_without_a_server_error(
    superuser_client, django_user_model, one_of_each, model_admin
):
    user = django_user_model.objects.get(username="walker")
    opts = model_admin.model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    parameters = [*filter_parameters(model_admin, user), *CHANGELIST_PARAMETERS]
    server_errors = []
    for name in parameters:
        for shown, query in hostile_queries(name):
            response = superuser_client.get(f"{url}?{query}")
            if response.status_code not in ACCEPTABLE:
                server_errors.append((name, shown, response.status_code))
    assert server_errors == []


def autocomplete_fields():
    for model, model_admin in registered_admins():
        for field_name in model_admin.autocomplete_fields:
            yield model._meta.app_label, model._meta.model_name, field_name


@pytest.mark.django_db
def test_autocomplete_answers_hostile_terms_without_a_server_error(superuser_client, one_of_each):
    url = reverse("admin:autocomplete")
    server_errors = []
    for app_label, model_name, field_name in autocomplete_fields():
        target = {"app_label": app_label, "model_name": model_name, "field_name": field_name}
        for parameter in ("term", "page"):
            for shown, query in hostile_queries(parameter, target):
                response = superuser_client.get(f"{url}?{query}")
                if response.status_code not in ACCEPTABLE:
                    server_errors.append((model_name, field_name, parameter, shown, response.status_code))
    assert server_errors == []


# --- the citation list's "what it cites" filter -------------------------------------------


def citation_ids(client, **query):
    response = client.get(reverse("admin:acsa_db_citation_changelist"), query)
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 400:
        return None
    return sorted(c.pk for c in response.context["cl"].result_list)


@pytest.mark.django_db
def test_target_filter_takes_the_listed_targets(superuser_client, one_of_each):
    assert citation_ids(superuser_client, target="agreement") == [one_of_each.pk]
    assert citation_ids(superuser_client, target="exercise") == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target",
    [
        "agreement__reviewed_by__password",
        "agreement__parties__agreement__parties__agreement__parties__agreement",
        "source",
        "id",
        "agreement__isnull",
    ],
)
def test_target_filter_refuses_any_other_field_path(superuser_client, one_of_each, target):
    # Used as a field path, most of these values would list the citation (or join without end,
    # or filter on a password hash); as values the filter does not offer, they list nothing.
    assert Citation.objects.exists()
    assert citation_ids(superuser_client, target=target) in (None, [])


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["99999", "-1", "9" * 30, "0", "not-a-year", "\x00"])
@pytest.mark.parametrize("changelist,parameter", [("agreement", "signed"), ("exercise", "year")])
def test_year_filters_list_nothing_for_a_value_that_is_no_year(
    superuser_client, one_of_each, exercise, changelist, parameter, value
):
    response = superuser_client.get(reverse(f"admin:acsa_db_{changelist}_changelist"), {parameter: value})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert list(response.context["cl"].result_list) == []


# --- NUL characters -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_nul_character_in_the_query_string_is_a_400_naming_the_parameter(superuser_client, one_of_each):
    response = superuser_client.get(reverse("admin:acsa_db_citation_changelist") + "?q=japan%00")
    assert response.status_code == 400
    assert "'q'" in response.content.decode()


@pytest.mark.django_db
def test_a_nul_character_in_a_posted_form_is_a_400(client):
    response = client.post(
        reverse("admin:login"),
        urlencode({"username": "curator\x00", "password": "x"}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "'username'" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["\x00", "en\x00", "not-a-language"])
def test_value_filters_take_only_the_values_they_list_even_without_the_nul_check(
    superuser_client, one_of_each, settings, value
):
    # The filter checks its own value: without the middleware in front of it, a NUL
    # character still does not reach PostgreSQL (which would refuse it with an error).
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("RefuseNulCharactersMiddleware")]
    response = superuser_client.get(
        reverse("admin:acsa_db_source_changelist") + "?" + urlencode({"language": value})
    )
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


@pytest.mark.django_db
def test_value_filters_still_list_by_a_value_they_offer(superuser_client, one_of_each):
    response = superuser_client.get(reverse("admin:acsa_db_source_changelist"), {"language": "en"})
    assert [source.pk for source in response.context["cl"].result_list] == [one_of_each.source_id]
