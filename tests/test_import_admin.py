"""The admin's import: a dry-run preview that explains every bad row, then an all-or-nothing import."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from acsa_db.models import Citation, Exercise, ExerciseParticipant, Source

IMPORT_URL = reverse("admin:acsa_db_exercise_import")
CSV, XLSX, JSON = "0", "1", "2"
TABLE, SHEET = "0", "1"


@pytest.fixture
def curator_client(client, django_user_model, reference_data):
    user = django_user_model.objects.create_user("a-curator", is_staff=True)
    user.groups.set(Group.objects.filter(name="curator"))
    client.force_login(user)
    client.user = user
    return client


def upload(client, content, name="exercises.csv", format=CSV, resource=TABLE):
    return client.post(
        IMPORT_URL,
        {"resource": resource, "format": format, "import_file": SimpleUploadedFile(name, content)},
    )


def shows_confirm_form(response):
    """Whether the page offers "Confirm import": the form in the context and posting to process_import."""
    action = f'action="{reverse("admin:acsa_db_exercise_process_import")}"'
    in_context = response.context.get("confirm_form") is not None
    in_page = action in response.content.decode() and 'name="confirm"' in response.content.decode()
    assert in_context == in_page, "the context and the page disagree about the confirm form"
    return in_page


def test_preview_lists_every_bad_row_and_writes_nothing(curator_client):
    content = (
        b"slug,name,start_date,end_date,host\n"
        b"good-2023,Good,2023-05-01,2023-05-02,JPN\n"
        b"bad-2023,Bad,2023-13,,XYZ\n"
        b"late-2023,Late,2023-06-10,2023-06-01,AUS\n"
    )
    response = upload(curator_client, content)
    assert response.status_code == 200
    problems = response.context["problems"]
    assert [(p.row, p.column) for p in problems] == [(3, "host"), (3, "start_date"), (4, "end_date")]
    page = response.content.decode()
    assert "File refused: nothing was written" in page
    assert "unknown country &quot;XYZ&quot;" in page
    assert not shows_confirm_form(response)
    assert not Exercise.objects.exists()


def test_preview_then_confirm_imports_with_the_curator_in_history(curator_client):
    content = b"slug,name,start_date,host\npb-2024,Pitch Black 2024,2024-07,AUS\n"
    response = upload(curator_client, content)
    assert response.status_code == 200, response.content.decode()[:2000]
    assert response.context["report"].created == 1
    assert "Preview (dry run: nothing has been written yet)" in response.content.decode()
    assert not Exercise.objects.exists()  # the preview wrote nothing
    assert shows_confirm_form(response)

    confirm = response.context["confirm_form"].initial
    response = curator_client.post(reverse("admin:acsa_db_exercise_process_import"), confirm)
    assert response.status_code == 302
    exercise = Exercise.objects.get(slug="pb-2024")
    assert str(exercise.start) == "2024-07" and exercise.host.iso3 == "AUS"
    assert exercise.history.get().history_user == curator_client.user


def test_the_sheet_is_offered_and_imported(curator_client):
    source = Source.objects.create(slug="s", title="S", kind="news", url="https://example.org/pitch-black")
    content = (
        b"slug,name,start_date,host,participants,source_url\n"
        b"pb-2024,Pitch Black 2024,2024-07-12,AUS,AUS;JPN,https://example.org/pitch-black\n"
    )
    page = curator_client.get(IMPORT_URL).content.decode()
    assert "exercise sheet" in page
    response = upload(curator_client, content, resource=SHEET)
    confirm = response.context["confirm_form"].initial
    curator_client.post(reverse("admin:acsa_db_exercise_process_import"), confirm)
    assert ExerciseParticipant.objects.count() == 2
    assert Citation.objects.filter(source=source).count() == 3


def test_a_file_that_is_not_utf8_is_explained(curator_client):
    response = upload(curator_client, "slug,name\ncafe,Caf\xe9\n".encode("latin-1"))
    (problem,) = response.context["problems"]
    assert (problem.row, problem.column) == (2, "name")
    assert "not UTF-8" in problem.reason


def test_an_upload_over_the_limit_is_refused_before_it_is_read(curator_client, settings):
    settings.ACSA_IMPORT_MAX_UPLOAD_BYTES = 1024
    content = b"slug,name\n" + b"".join(f"e-{i},Exercise {i}\n".encode() for i in range(200))
    response = upload(curator_client, content)
    errors = response.context["form"].errors["import_file"]
    size = f"{len(content) / 1024:.1f}".removesuffix(".0")
    assert errors[0].startswith(f"The file is {size} KB; uploads are limited to 1 KB.")
    assert "problems" not in response.context and "report" not in response.context
    assert not Exercise.objects.exists()


def test_the_default_upload_limit_is_20_mb():
    from django.conf import settings

    assert settings.ACSA_IMPORT_MAX_UPLOAD_BYTES == 20 * 1024 * 1024


def test_reviewers_and_viewers_cannot_import(client, django_user_model):
    for role in ("viewer", "reviewer"):
        user = django_user_model.objects.create_user(f"a-{role}", is_staff=True)
        user.groups.set(Group.objects.filter(name=role))
        client.force_login(user)
        assert client.get(IMPORT_URL).status_code == 403, role


def test_curators_cannot_import_reference_tables(curator_client):
    assert curator_client.get(reverse("admin:acsa_db_country_import")).status_code == 403
    assert curator_client.get(reverse("admin:acsa_db_country_export")).status_code == 200
