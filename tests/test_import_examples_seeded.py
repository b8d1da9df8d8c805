"""The example sheets in docs/examples/ import cleanly into a database that holds the seeded data (issue 18).

They describe records of the seeded data set: every row was refused as
existing; each is now unchanged. In a module of its own: the seeded data set
is loaded once per module and stays for the module's other tests.
"""

from pathlib import Path

import pytest
from django.conf import settings

from acsa_db.imports import AgreementSheetResource, ExerciseSheetResource, import_file
from acsa_db.models import Agreement, AgreementEvent, Citation, Exercise

EXAMPLES = Path(settings.BASE_DIR) / "docs" / "examples"


def counts():
    return (
        Agreement.objects.count(),
        AgreementEvent.objects.count(),
        Exercise.objects.count(),
        Citation.objects.count(),
    )


@pytest.fixture
def seeded(seeded_data_set, db):
    """The seeded data set (loaded once for the module; each test rolls back its own changes)."""


@pytest.mark.parametrize(
    ("example", "resource", "rows"),
    [("agreement_sheet.csv", AgreementSheetResource, 4), ("exercise_sheet.csv", ExerciseSheetResource, 3)],
)
def test_the_example_sheets_import_cleanly_into_the_seeded_database(seeded, example, resource, rows):
    before = counts()
    report = import_file(str(EXAMPLES / example), resource)
    (file,) = report.files
    assert (file.rows, file.created, file.updated, file.unchanged) == (rows, 0, 0, rows)
    assert counts() == before
