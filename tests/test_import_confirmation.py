"""The admin's import confirmation trusts nothing from the browser (issue 16, point 7).

The upload waits under a server-made name bound to the uploader's session;
the confirmation carries a one-time token. A posted file name is never read
nor deleted, a second confirmation or another session's gets a message, an
unconfirmed upload expires, and the preview page shows no server path.
"""

import tempfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from acsa_db.models import Exercise

IMPORT_URL = reverse("admin:acsa_db_exercise_import")
CONFIRM_URL = reverse("admin:acsa_db_exercise_process_import")
CSV_FORMAT, TABLE = "0", "0"
GOOD_FILE = b"slug,name,start_date,host\npb-2024,Pitch Black 2024,2024-07,AUS\n"


@pytest.fixture
def pending_dir(settings, tmp_path):
    settings.ACSA_IMPORT_PENDING_DIR = str(tmp_path / "pending")
    return tmp_path / "pending"


@pytest.fixture
def make_curator_client(django_user_model, reference_data, pending_dir):
    def make(username):
        user = django_user_model.objects.create_user(username, is_staff=True)
        user.groups.set(Group.objects.filter(name="curator"))
        client = Client()
        client.force_login(user)
        return client

    return make


def preview(client, content=GOOD_FILE, name="exercises.csv"):
    response = client.post(
        IMPORT_URL,
        {"resource": TABLE, "format": CSV_FORMAT, "import_file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert response.context["report"].created == 1
    return response


def confirm(client, data):
    response = client.post(CONFIRM_URL, data)
    assert response.status_code == 302
    return response, [str(m) for m in get_messages(response.wsgi_request)]


def test_a_posted_file_name_is_neither_read_nor_deleted(make_curator_client):
    curator = make_curator_client("curator-a")
    # A CSV file of the server's temporary folder that the curator knows the name of.
    with tempfile.NamedTemporaryFile("wb", suffix=".csv", delete=False) as victim:
        victim.write(b"slug,name\nsecret-line,Secret\n")
    victim = Path(victim.name)
    try:
        for name in (victim.name, str(victim), f"../{victim.parent.name}/{victim.name}"):
            response, messages = confirm(
                curator,
                {
                    "import_file_name": name,
                    "original_file_name": "x.csv",
                    "format": CSV_FORMAT,
                    "resource": TABLE,
                    "upload": name,
                },
            )
            assert victim.exists()
            assert "There is no import waiting for this confirmation" in messages[-1]
            assert not any("secret" in m for m in messages)
        assert not Exercise.objects.exists()
    finally:
        victim.unlink(missing_ok=True)


def test_the_preview_page_shows_no_server_path(make_curator_client, pending_dir):
    response = preview(make_curator_client("curator-a"))
    page = response.content.decode()
    assert tempfile.gettempdir() not in page
    assert str(pending_dir) not in page
    (waiting,) = pending_dir.iterdir()
    assert waiting.name not in page  # the form carries a token, not the file's name
    assert set(response.context["confirm_form"].fields) == {"upload"}


def test_a_second_confirmation_gets_a_message(make_curator_client, pending_dir):
    curator = make_curator_client("curator-a")
    token = preview(curator).context["confirm_form"].initial
    confirm(curator, token)
    assert Exercise.objects.count() == 1
    assert not list(pending_dir.iterdir())  # the file is gone once imported
    response, messages = confirm(curator, token)
    assert response.url == IMPORT_URL
    assert "There is no import waiting for this confirmation" in messages[-1]
    assert Exercise.objects.count() == 1


def test_a_missing_confirmation_gets_a_message(make_curator_client):
    response, messages = confirm(make_curator_client("curator-a"), {})
    assert response.url == IMPORT_URL
    assert "upload the file again" in messages[-1]


def test_another_users_or_sessions_confirmation_is_refused(make_curator_client, django_user_model):
    owner = make_curator_client("curator-a")
    token = preview(owner).context["confirm_form"].initial
    other_user = make_curator_client("curator-b")
    same_user_other_session = Client()
    same_user_other_session.force_login(django_user_model.objects.get(username="curator-a"))
    for client in (other_user, same_user_other_session):
        _response, messages = confirm(client, token)
        assert "There is no import waiting for this confirmation" in messages[-1]
    assert not Exercise.objects.exists()
    confirm(owner, token)  # the owner's upload is still there, and still the owner's to confirm
    assert Exercise.objects.count() == 1


def test_an_unconfirmed_upload_expires(make_curator_client, pending_dir, settings):
    curator = make_curator_client("curator-a")
    token = preview(curator).context["confirm_form"].initial
    settings.ACSA_IMPORT_PENDING_SECONDS = 0
    _response, messages = confirm(curator, token)
    assert "The preview has expired" in messages[-1]
    assert not Exercise.objects.exists()
    assert not list(pending_dir.iterdir())


def test_an_abandoned_upload_is_deleted_by_the_next_upload(make_curator_client, pending_dir, settings):
    preview(make_curator_client("curator-a"))
    (abandoned,) = pending_dir.iterdir()
    settings.ACSA_IMPORT_PENDING_SECONDS = 0
    preview(make_curator_client("curator-b"), GOOD_FILE.replace(b"pb-2024", b"pb-2025"))
    assert abandoned not in list(pending_dir.iterdir())
