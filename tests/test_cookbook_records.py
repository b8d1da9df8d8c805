"""Cookbook queries whose answer on the seed is thin, run on small records made here.

Query 17 (ISAs and DETAs per partner) answers from the seed's single ISA
until Japan's ISAs and DETAs are loaded; here it runs, as written, on records
the test creates, on SQLite and PostgreSQL alike. Query 19 (verified-only
counts) is checked to move when a record is verified.
"""

import pytest
from django.utils import timezone

from acsa_db.models import Agreement

from .test_cookbook import QUERIES_DIR, run, split_query_file
from .test_views import make_agreement


def cookbook(number):
    (path,) = QUERIES_DIR.glob(f"{number}-*.sql")
    return split_query_file(path)[0]


@pytest.mark.django_db
def test_isas_and_detas_per_partner_on_records_made_here(reference_data):
    # Australia: one ISA in force, one DETA lineage of two texts (the second in force).
    make_agreement(
        "isa-aus",
        ["JPN", "AUS"],
        [("signature", "2012-05-17"), ("entry_into_force", "2013-03-22")],
        type_code="ISA",
    )
    first = make_agreement(
        "deta-aus",
        ["JPN", "AUS"],
        [("signature", "2014-07-08"), ("entry_into_force", "2014-12-23")],
        type_code="DETA",
    )
    make_agreement(
        "deta-aus-2",
        ["JPN", "AUS"],
        [("signature", "2024-01-01"), ("entry_into_force", "2024-06-01")],
        type_code="DETA",
        supersedes=first,
    )
    # The Philippines: a DETA signed, not yet in force; Ukraine: an ISA ended before the last year.
    make_agreement("deta-phl", ["JPN", "PHL"], [("signature", "2016-02-29")], type_code="DETA")
    make_agreement(
        "isa-ukr",
        ["JPN", "UKR"],
        [("signature", "2024-11-16"), ("entry_into_force", "2024-11-16"), ("termination", "2025-06-01")],
        type_code="ISA",
    )
    columns, rows = run(cookbook(17))
    assert columns == [
        "partner_iso3",
        "partner",
        "isa_signed",
        "isa_in_force",
        "deta_signed",
        "deta_in_force",
        "review_status",
    ]
    assert rows == [
        ["AUS", "Australia", "1", "1", "1", "1", "draft"],
        ["PHL", "Philippines", "0", "0", "1", "0", "draft"],
    ]


@pytest.mark.django_db
def test_verified_only_counts_leave_out_records_not_yet_verified(reference_data):
    draft = make_agreement(
        "acsa-deu", ["JPN", "DEU"], [("signature", "2024-01-29"), ("entry_into_force", "2024-07-12")]
    )
    assert run(cookbook(19))[1] == [["DEU", "1", "0"]]
    Agreement.objects.filter(pk=draft.pk).update(review_status="verified", reviewed_at=timezone.now())
    assert run(cookbook(19))[1] == [["DEU", "1", "1"]]
