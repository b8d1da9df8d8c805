"""The permission matrix: for each role, every admin URL of every model answers exactly as expected.

The expected rights are written out here, independently of the roles
migration: a change of either must be deliberate. Any admin URL this file does
not know fails the test, so a new page cannot slip past the matrix.
"""

import pytest
from django.contrib import admin
from django.urls import reverse

from acsa_db.models import Agreement, Citation, Domain, Exercise

ALL_MODELS = [m for m in admin.site._registry if m._meta.app_label == "acsa_db"]
CURATED = {
    "agreement",
    "agreementevent",
    "agreementparty",
    "exercise",
    "exerciseparticipant",
    "source",
    "citation",
}
REVIEWED = {"agreement", "exercise"}
ROLES = ["anonymous", "no_staff", "staff_without_group", "viewer", "curator", "reviewer", "superuser"]


def rights(role, model_name):
    """What a role may do on a model: a subset of {view, add, change, delete}."""
    if model_name == "datarelease":
        # Every role lists releases and downloads them; only superusers make one; no one
        # changes or deletes a release that researchers may have cited.
        if role == "superuser":
            return {"view", "add"}
        return {"view"} if role in ("viewer", "curator", "reviewer") else set()
    if role == "superuser":
        return {"view", "add", "change", "delete"}
    if role in ("viewer", "reviewer"):
        return {"view"}
    if role == "curator":
        return {"view", "add", "change", "delete"} if model_name in CURATED else {"view"}
    return set()


# The admin URLs of a model, by the suffix of their URL name: what it takes to open each (GET).
PAGES = {
    "changelist": "view",
    "add": "add",
    "change": "view",  # read-only for those who may only view
    "delete": "delete",
    "history": "view",
    "simple_history": "view",  # an old version; reverting it (POST) needs "change"
    "export": "view",
    "import": "import",  # "add" and "change" (an import both creates and updates)
    "process_import": "post only",  # the import's confirmation
    "coverage": "view",
    "review": "post only",  # review buttons: tested in test_review.py
    "download": "view",  # a release's zip
    "cite": "cite",  # a source cited for many facts of a record: "add" on citations
}


@pytest.fixture
def users(make_user, django_user_model):
    return {
        "anonymous": None,
        "no_staff": make_user("no_staff", staff=False),
        "staff_without_group": make_user("staff_without_group"),
        "viewer": make_user("viewer", "viewer"),
        "curator": make_user("curator", "curator"),
        "reviewer": make_user("reviewer", "reviewer"),
        "superuser": make_user("superuser", superuser=True),
    }


@pytest.fixture
def objects(citation, exercise, nato, data_release):
    Domain.objects.create(code="air", name="air")
    return {model: model.objects.first() for model in ALL_MODELS}


def model_urls(model, obj):
    """(kind, url) for every named admin URL of the model."""
    model_admin = admin.site._registry[model]
    prefix = f"acsa_db_{model._meta.model_name}_"
    urls = []
    for pattern in model_admin.get_urls():
        if pattern.name is None:  # <id>/ redirects to <id>/change/
            continue
        assert pattern.name.startswith(prefix), pattern.name
        kind = pattern.name[len(prefix) :]
        assert kind in PAGES, f"{pattern.name}: an admin URL the permission matrix does not know"
        name = f"admin:{pattern.name}"
        if kind in ("change", "delete", "history", "download", "cite"):
            url = reverse(name, args=[obj.pk])
        elif kind == "simple_history":
            url = reverse(name, args=[obj.pk, obj.history.earliest().history_id])
        elif kind == "review":
            url = reverse(name, args=[obj.pk, "verify"])
        else:
            url = reverse(name)
        urls.append((kind, url))
    return urls


def expected_status(role, model, kind):
    if role in ("anonymous", "no_staff"):
        return 302  # to the login page: nothing is shown
    if PAGES[kind] == "post only":
        return 405  # a GET shows nothing to anyone; the POST's permission is tested below
    may = rights(role, model._meta.model_name)
    needed = PAGES[kind]
    allowed = {"add", "change"} <= may if needed == "import" else needed in may
    if needed == "cite":
        allowed = "add" in rights(role, "citation")
    return 200 if allowed else 403


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, users, objects, role):
    if users[role] is not None:
        client.force_login(users[role])
    wrong = []
    for model in ALL_MODELS:
        for kind, url in model_urls(model, objects[model]):
            status = client.get(url).status_code
            expected = expected_status(role, model, kind)
            if status != expected:
                wrong.append(f"{url}: {status}, expected {expected}")
            if status == 302:
                assert role in ("anonymous", "no_staff")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", ["anonymous", "no_staff"])
def test_users_without_staff_rights_see_nothing(client, users, role):
    if users[role] is not None:
        client.force_login(users[role])
    for url in (reverse("admin:index"), reverse("admin:acsa_db_citation_coverage")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_staff_without_group_sees_an_empty_index(client, users):
    client.force_login(users["staff_without_group"])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert response.context["app_list"] == []


@pytest.mark.parametrize(
    ("role", "can_revert"), [("viewer", False), ("reviewer", False), ("curator", True), ("superuser", True)]
)
def test_reverting_needs_the_change_permission(client, users, objects, role, can_revert):
    client.force_login(users[role])
    source = objects[Citation].source
    first = source.history.earliest()
    page = client.get(reverse("admin:acsa_db_source_simple_history", args=[source.pk, first.history_id]))
    assert ('value="Revert"' in page.content.decode()) is can_revert


def test_reference_tables_are_changed_by_superusers_only(client, users, objects):
    country = objects[Agreement].parties.first().country
    url = reverse("admin:acsa_db_country_change", args=[country.pk])
    for role in ("viewer", "curator", "reviewer"):
        client.force_login(users[role])
        response = client.post(url, {"name": "Renamed"})
        assert response.status_code == 403, role
    country.refresh_from_db()
    assert country.name != "Renamed"


def test_roles_have_exactly_the_expected_permissions(db):
    from django.contrib.auth.models import Group

    from acsa_db.models import Exercise as _Exercise  # noqa: F401  (all models are loaded)

    for role in ("viewer", "curator", "reviewer"):
        granted = set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))
        expected = {
            f"{right}_{model._meta.model_name}"
            for model in ALL_MODELS
            for right in rights(role, model._meta.model_name)
        }
        if role == "curator":
            expected |= {"send_agreement_for_review", "send_exercise_for_review"}
        if role == "reviewer":
            expected |= {"review_agreement", "review_exercise"}
        assert granted == expected, role
    assert Agreement._meta.model_name in REVIEWED and Exercise._meta.model_name in REVIEWED


@pytest.mark.parametrize(("role", "allowed"), [("viewer", False), ("reviewer", False), ("curator", True)])
def test_confirming_an_import_needs_the_import_permission(client, users, role, allowed):
    client.force_login(users[role])
    response = client.post(reverse("admin:acsa_db_source_process_import"), {})
    assert (response.status_code != 403) is allowed
