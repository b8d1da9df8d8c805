"""Review fields are not data (issue 16, point 2): no file sets a record's review or its version.

A file naming ``review_status``, ``reviewed_by``, ``reviewed_at`` or
``version`` is refused with a problem on row 1 (the header) naming the
column; new records come in as drafts; an update keeps the record's review.
"""

import datetime

import pytest

from acsa_db.imports import (
    REVIEW_COLUMNS,
    TABLE_RESOURCES,
    AgreementResource,
    AgreementSheetResource,
    ExerciseResource,
    ExerciseSheetResource,
    ImportRefused,
    import_file,
)
from acsa_db.models import Agreement, Exercise, ReviewStatus

REVIEWED_AT = datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC)


def csv_bytes(*lines):
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.mark.parametrize("column", REVIEW_COLUMNS)
@pytest.mark.parametrize(
    "resource", [*TABLE_RESOURCES, AgreementSheetResource, ExerciseSheetResource], ids=lambda r: r.__name__
)
def test_a_file_naming_a_review_field_is_refused_on_its_header(reference_data, resource, column):
    header = [*resource().required_columns(), column]
    data = csv_bytes(",".join(header), ",".join(["x"] * (len(header) - 1) + ["verified"]))
    with pytest.raises(ImportRefused) as refused:
        import_file(data, resource)
    named = [p for p in refused.value.problems if p.column == column]
    assert [(p.row, p.column) for p in named] == [(1, column)]
    assert "review fields are not data" in named[0].reason


def test_a_curator_cannot_import_a_verified_record_dated_in_the_future(reference_data, curator):
    data = csv_bytes("slug,name,review_status,reviewed_at", "a-2024,A,verified,2099-01-01T00:00:00+00:00")
    for user in (curator, None):  # the admin's curator and the command line alike
        with pytest.raises(ImportRefused) as refused:
            import_file(data, ExerciseResource, user=user)
        assert {(p.row, p.column) for p in refused.value.problems} == {
            (1, "review_status"),
            (1, "reviewed_at"),
        }
    assert not Exercise.objects.exists()


def test_imported_records_are_drafts(reference_data, source):
    import_file(csv_bytes("slug,name", "a-2024,A"), ExerciseResource)
    import_file(
        csv_bytes(
            "slug,short_title,title,type,parties,source_url",
            f"acsa-x,X ACSA,The X ACSA,ACSA,JPN;DEU,{source.url}",
        ),
        AgreementSheetResource,
    )
    for record in (Exercise.objects.get(), Agreement.objects.get()):
        assert (record.review_status, record.reviewed_at, record.reviewed_by) == (
            ReviewStatus.DRAFT,
            None,
            None,
        )


def test_an_update_keeps_the_records_review(agreement, reviewer):
    Agreement.objects.filter(pk=agreement.pk).update(
        review_status=ReviewStatus.NEEDS_REVIEW, reviewed_at=REVIEWED_AT, reviewed_by=reviewer
    )
    data = csv_bytes("slug,title,short_title,type", f"{agreement.slug},A new title,Japan–Germany ACSA,ACSA")
    report = import_file(data, AgreementResource)
    assert report.updated == 1
    agreement.refresh_from_db()
    assert agreement.title == "A new title"
    assert (agreement.review_status, agreement.reviewed_at, agreement.reviewed_by) == (
        ReviewStatus.NEEDS_REVIEW,
        REVIEWED_AT,
        reviewer,
    )


def test_exports_leave_the_review_fields_out_so_that_they_import_again(agreement):
    for resource in (AgreementResource, ExerciseResource):
        exported = resource().export()
        assert not set(exported.headers) & set(REVIEW_COLUMNS)
    exported = AgreementResource().export(Agreement.objects.all())
    report = import_file(exported.csv.encode("utf-8"), AgreementResource)
    assert (report.created, report.updated, report.files[0].unchanged) == (0, 0, 1)
