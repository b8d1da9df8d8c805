"""The import page (issue 18, point 8): required columns, the example files, and the sheet to choose."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from acsa_db.admin.import_export import EXAMPLE_FILES
from acsa_db.imports import (
    AgreementResource,
    AgreementSheetResource,
    ExerciseResource,
    ExerciseSheetResource,
    suggested_sheet,
)
from acsa_db.models import Agreement

EXAMPLES = Path(settings.BASE_DIR) / "docs" / "examples"
TABLE, SHEET = "0", "1"


@pytest.fixture
def curator_client(client, django_user_model, reference_data):
    user = django_user_model.objects.create_user("a-curator", is_staff=True)
    user.groups.set(Group.objects.filter(name="curator"))
    client.force_login(user)
    return client


def test_the_import_page_lists_each_files_required_columns_and_links_the_example(curator_client):
    page = curator_client.get(reverse("admin:acsa_db_agreement_import")).content.decode()
    assert "Required columns: <code>slug, short_title, title, type, parties, source_url</code>" in page
    assert "Optional: <code>signed, entered_into_force, text_url, summary</code>" in page
    assert '<a href="/static/acsa_db/examples/agreement_sheet.csv" download>agreement_sheet.csv</a>' in page
    required = ", ".join(AgreementResource().required_columns())
    assert f"Required columns: <code>{required}</code>" in page
    exercises = curator_client.get(reverse("admin:acsa_db_exercise_import")).content.decode()
    assert "examples/exercise_sheet.csv" in exercises


@pytest.mark.parametrize("name", ["agreement_sheet.csv", "exercise_sheet.csv"])
def test_the_served_examples_are_those_of_docs_examples(name):
    served = finders.find(EXAMPLE_FILES[name.removesuffix(".csv").replace("_", " ")])
    assert served, name
    assert Path(served).read_bytes() == (EXAMPLES / name).read_bytes()


def test_every_example_in_docs_is_offered():
    assert sorted(path.rsplit("/", 1)[-1] for path in EXAMPLE_FILES.values()) == sorted(
        path.name for path in EXAMPLES.glob("*.csv")
    )


def test_a_sheet_uploaded_as_the_per_table_file_suggests_the_sheet(curator_client):
    content = (EXAMPLES / "agreement_sheet.csv").read_bytes()
    response = curator_client.post(
        reverse("admin:acsa_db_agreement_import"),
        {"resource": TABLE, "format": "0", "import_file": SimpleUploadedFile("sheet.csv", content)},
    )
    page = response.content.decode()
    assert 'id="import-sheet-hint"' in page
    assert "those of the agreement sheet: choose" in page
    for column in ("parties", "signed", "entered_into_force", "source_url"):
        assert column in response.context["sheet_hint"]
    assert not Agreement.objects.exists()


def test_other_unknown_columns_get_no_suggestion(curator_client):
    content = b"slug,short_title,title,type,colour\nx,X,X,ACSA,red\n"
    response = curator_client.post(
        reverse("admin:acsa_db_agreement_import"),
        {"resource": TABLE, "format": "0", "import_file": SimpleUploadedFile("table.csv", content)},
    )
    assert response.context["problems"]
    assert response.context["sheet_hint"] is None
    assert 'id="import-sheet-hint"' not in response.content.decode()


def test_suggested_sheet_needs_every_unknown_column_in_the_sheet():
    classes = [ExerciseResource, ExerciseSheetResource, AgreementSheetResource]
    assert suggested_sheet(["participants", "source_url"], classes) is ExerciseSheetResource
    assert suggested_sheet(["parties", "signed"], classes) is AgreementSheetResource
    assert suggested_sheet(["participants", "colour"], classes) is None
    assert suggested_sheet([], classes) is None
