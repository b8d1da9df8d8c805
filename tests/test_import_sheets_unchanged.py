"""A sheet's row that says only what the database holds is unchanged, not refused (issue 18, point 8).

A sheet imported twice adds nothing the second time; a row with other values
for an existing slug is still refused. The example sheets into the seeded
database: tests/test_import_examples_seeded.py.
"""

import pytest

from acsa_db.imports import AgreementSheetResource, ImportRefused, import_file
from acsa_db.models import Agreement, AgreementEvent, Citation, Exercise


def counts():
    return (
        Agreement.objects.count(),
        AgreementEvent.objects.count(),
        Exercise.objects.count(),
        Citation.objects.count(),
    )


SHEET_HEADER = "slug,short_title,title,type,parties,signed,entered_into_force,source_url\n"
ROW = "acsa-jpn-deu-2024,Japan–Germany ACSA,Agreement between Japan and Germany,ACSA,JPN;DEU,2024-01-29,2024-07-12,{url}\n"


@pytest.fixture
def imported_once(reference_data, source):
    report = import_file(
        (SHEET_HEADER + ROW.format(url=source.url)).encode(), AgreementSheetResource, name="a.csv"
    )
    assert report.created == 1
    return source


def test_a_sheet_imported_twice_adds_nothing_the_second_time(imported_once):
    before = counts()
    report = import_file(
        (SHEET_HEADER + ROW.format(url=imported_once.url)).encode(), AgreementSheetResource, name="a.csv"
    )
    assert (report.created, report.files[0].unchanged) == (0, 1)
    assert counts() == before


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            "Agreement between Japan and Germany",
            "Agreement between Japan and the Federal Republic of Germany",
        ),
        ("JPN;DEU", "JPN;FRA"),
        ("2024-01-29", "2024-01-30"),
        ("2024-07-12", "2024-07"),
    ],
)
def test_a_row_that_differs_from_its_record_is_still_refused(imported_once, old, new):
    row = ROW.format(url=imported_once.url).replace(old, new)
    with pytest.raises(ImportRefused) as refused:
        import_file((SHEET_HEADER + row).encode(), AgreementSheetResource, name="a.csv")
    (problem,) = refused.value.problems
    assert (problem.row, problem.column) == (2, "slug")
    assert "already in the database with other values" in problem.reason


def test_a_row_whose_source_backs_none_of_the_records_facts_is_refused(imported_once, reference_data):
    from acsa_db.models import Source

    other = Source.objects.create(
        slug="other", title="Other", kind=Source.Kind.NEWS, url="https://example.org/other"
    )
    with pytest.raises(ImportRefused):
        import_file((SHEET_HEADER + ROW.format(url=other.url)).encode(), AgreementSheetResource, name="a.csv")


def test_unchanged_rows_beside_new_ones(imported_once):
    new = ROW.format(url=imported_once.url).replace("acsa-jpn-deu-2024", "acsa-jpn-deu-2025")
    report = import_file(
        (SHEET_HEADER + ROW.format(url=imported_once.url) + new).encode(),
        AgreementSheetResource,
        name="a.csv",
    )
    assert (report.created, report.files[0].unchanged) == (1, 1)
    assert Agreement.objects.get(slug="acsa-jpn-deu-2025").parties.count() == 2
