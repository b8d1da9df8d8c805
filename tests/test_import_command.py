"""import_data and export_data: the admin's validation on the command line, non-zero exit on refusal."""

import io
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from acsa_db.models import Exercise


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_then_dry_run_then_refusal(reference_data, tmp_path, django_user_model):
    user = django_user_model.objects.create_user("researcher")
    good = tmp_path / "exercise.csv"
    good.write_text("slug,name,host\na-2023,A,JPN\n")
    out, _ = run("import_data", str(good), "--user", "researcher")
    assert "1 created" in out
    assert Exercise.objects.get().history.get().history_user == user

    bad = tmp_path / "exercises-from-mme.csv"
    bad.write_text("slug,name,host\na-2023,A changed,XYZ\nb-2023,B,2023\n")
    with pytest.raises(CommandError) as refused:
        run("import_data", str(bad), "--model", "exercise")
    assert refused.value.returncode == 1
    assert Exercise.objects.get().name == "A"

    dry = tmp_path / "exercise.json"
    dry.write_text('[{"slug": "c-2023", "name": "C"}]')
    out, _ = run("import_data", str(dry), "--dry-run")
    assert "1 would be created" in out and "Dry run" in out
    assert Exercise.objects.count() == 1


def test_a_file_name_that_names_no_table_asks_for_model(reference_data, tmp_path):
    path = tmp_path / "mme.csv"
    path.write_text("slug,name\na,A\n")
    with pytest.raises(CommandError, match="name the table with --model"):
        run("import_data", str(path))


def test_export_to_standard_output(reference_data):
    Exercise.objects.create(slug="a", name="=1+1")
    out = io.BytesIO()

    class Stdout:
        buffer = out

    import acsa_db.management.commands.export_data as command

    real = command.sys.stdout
    command.sys.stdout = Stdout()
    try:
        call_command("export_data", model="exercise", format="csv", stderr=io.StringIO())
    finally:
        command.sys.stdout = real
    assert out.getvalue().decode().splitlines()[1].startswith("a,'=1+1,")


def test_reference_formats_are_for_sources(db):
    with pytest.raises(CommandError, match="format for sources"):
        run("export_data", "--model", "exercise", "--format", "bibtex")


def test_refusal_exits_with_status_1_and_lists_problems(tmp_path):
    """As a researcher runs it: a separate process, its exit status and its messages."""
    import os

    path = tmp_path / "exercise.csv"
    path.write_text("slug,start_date\nx,2023-13\n")
    # A missing column is found before any table is read: an empty database will do.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "manage.py", "import_data", str(path)], capture_output=True, text=True, env=env
    )
    assert result.returncode == 1
    assert f'{path}, row 1, column "name": required column is missing from the header row' in result.stderr
    assert "nothing was written" in result.stderr
