"""The example sheets in docs/examples/ import as documented."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from acsa_db.imports import AgreementSheetResource, ExerciseSheetResource, import_file
from acsa_db.models import Agreement, Citation, Exercise

EXAMPLES = Path(settings.BASE_DIR) / "docs" / "examples"


@pytest.fixture
def sources_only(reference_data):
    """Reference data and the seeded sources, but none of the seeded agreements or exercises."""
    call_command("loaddata", str(Path(settings.BASE_DIR) / "fixtures" / "seed" / "sources.yaml"), verbosity=0)


def test_agreement_sheet_example(sources_only):
    report = import_file(str(EXAMPLES / "agreement_sheet.csv"), AgreementSheetResource)
    assert report.created == 4
    agreement = Agreement.objects.get(slug="acsa-jpn-fra-2018")
    assert sorted(p.party_key for p in agreement.parties.all()) == ["FRA", "JPN"]
    assert {e.kind: str(e.partial_date) for e in agreement.events.all()} == {
        "signature": "2018-07-13",
        "entry_into_force": "2019-06-26",
    }
    # Existence, two parties, two dates: each backed by the row's source.
    assert Citation.objects.filter(source__url=agreement.citations.get().source.url).count() == 5


def test_exercise_sheet_example(sources_only):
    report = import_file(str(EXAMPLES / "exercise_sheet.csv"), ExerciseSheetResource)
    assert report.created == 3
    exercise = Exercise.objects.get(slug="pitch-black-2024")
    assert {p.party_key: p.role for p in exercise.participants.all()} == {"AUS": "host", "JPN": "participant"}
