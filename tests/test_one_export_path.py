"""One export path: the admin's export page and ``manage.py export_data`` write the same file, in every format."""

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from acsa_db.imports import (
    EXPORT_FORMATS,
    REFERENCE_FORMATS,
    ExerciseResource,
    SourceResource,
    write_export,
)
from acsa_db.models import Exercise, Source


@pytest.fixture
def rows(db):
    Exercise.objects.create(slug="pitch-black-2024", name="Pitch Black", summary="=1+1", location="Darwin")
    Exercise.objects.create(slug="malabar-2024", name="Malabar", summary="Naval", location="Visakhapatnam")
    Source.objects.create(
        slug="mofa-2024",
        title="Signing & {braces}",
        publisher="Ministry of Foreign Affairs of Japan",
        kind=Source.Kind.OFFICIAL_STATEMENT,
        published="2024-01-29",
        published_precision="day",
    )


def admin_export(client, model, resource, format, fields=None):
    """The file the admin's export page gives for ``format`` (all of the resource's fields unless named)."""
    url = reverse(f"admin:acsa_db_{model}_export")
    choices = client.get(url).context["form"].fields["format"].choices
    index = next(value for value, title in choices if str(title).lower() == format)
    names = fields or [f.column_name for f in resource().get_export_fields()]
    prefix = resource.__name__.lower()
    response = client.post(url, {"format": index, "resource": 0, **{f"{prefix}_{n}": "on" for n in names}})
    assert response.status_code == 200, response.content[:500]
    return response.content


def command_export(model, format, tmp_path):
    path = tmp_path / f"{model}.{format}"
    call_command("export_data", model=model, format=format, out=str(path), stderr=io.StringIO())
    return path.read_bytes()


def sheet_cells(data):
    return [
        [cell.value for cell in row] for row in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows()
    ]


@pytest.mark.parametrize("format", EXPORT_FORMATS)
def test_the_admin_and_the_command_write_the_same_file(client, admin_user, rows, tmp_path, format):
    # One row per table: the admin lists rows in its changelist's order, the command in the table's.
    Exercise.objects.filter(slug="malabar-2024").delete()
    model, resource = (
        ("source", SourceResource) if format in REFERENCE_FORMATS else ("exercise", ExerciseResource)
    )
    client.force_login(admin_user)
    from_admin = admin_export(client, model, resource, format)
    from_command = command_export(model, format, tmp_path)
    if format == "xlsx":  # a zip whose entries carry the time they were written
        assert sheet_cells(from_admin) == sheet_cells(from_command)
    else:
        assert from_admin == from_command
    if format != "xlsx":
        assert (b"mofa-2024" if model == "source" else b"pitch-black-2024") in from_admin


def test_the_admin_export_keeps_only_the_fields_chosen(client, admin_user, rows):
    client.force_login(admin_user)
    data = admin_export(client, "exercise", ExerciseResource, "csv", fields=["slug", "name"])
    header, *cells = csv.reader(io.StringIO(data.decode("utf-8")))
    assert header == ["slug", "name"]
    assert sorted(cells) == [["malabar-2024", "Malabar"], ["pitch-black-2024", "Pitch Black"]]


def test_write_export_refuses_a_format_it_does_not_know(rows):
    with pytest.raises(ValueError, match="unknown export format 'ods'"):
        write_export(ExerciseResource(), io.BytesIO(), "ods")
