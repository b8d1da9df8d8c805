"""Reference fixtures: the country crosswalk, COW membership, organizations, agreement types, coverage, domains."""

import datetime
import hashlib
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, transaction

from acsa_db.management.commands import build_cow_state_fixture
from acsa_db.management.commands.build_country_fixture import country_fixture, render
from acsa_db.management.commands.load_fixtures import FIXTURE_ORDER, fixture_paths
from acsa_db.models import (
    AgreementType,
    CollectionCoverage,
    Country,
    CowStateMembership,
    Domain,
    Organization,
)

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def test_country_fixture_is_what_the_crosswalk_generates():
    committed = (FIXTURES / "countries.json").read_text(encoding="utf-8")
    assert committed == render(country_fixture()), "run: python manage.py build_country_fixture"


def test_country_fixture_has_every_crosswalk_row():
    records = json.loads((FIXTURES / "countries.json").read_text(encoding="utf-8"))
    assert len(records) == 270
    assert all("pk" not in record for record in records)  # natural keys only


def test_every_fixture_in_the_directory_is_loaded_by_the_command():
    on_disk = {str(p.relative_to(FIXTURES)) for p in FIXTURES.rglob("*") if p.suffix in {".json", ".yaml"}}
    assert on_disk <= set(FIXTURE_ORDER)
    assert {p.name for p in fixture_paths()} >= {"countries.json", "organizations.json"}


@pytest.mark.django_db
def test_all_fixtures_load_into_an_empty_database():
    assert not Country.objects.exists()
    call_command("load_fixtures", verbosity=0)
    assert Country.objects.count() == 270
    assert set(Organization.objects.values_list("acronym", flat=True)) >= {"NATO", "EU"}
    assert set(AgreementType.objects.values_list("code", flat=True)) >= {
        "ACSA",
        "RAA",
        "SOFA",
        "ISA",
        "DETA",
        "DCA",
        "PARTNERSHIP",
    }
    assert set(Domain.objects.values_list("code", flat=True)) == {
        "air",
        "land",
        "sea",
        "amphibious",
        "missile_defense",
        "cyber",
        "space",
    }


@pytest.mark.django_db
def test_iso_and_cow_codes_stay_in_their_own_columns(reference_data):
    australia = Country.objects.get(iso3="AUS")
    assert (australia.name, australia.cow_code, australia.cow_abbrev) == ("Australia", 900, "AUL")
    austria = Country.objects.get(cow_abbrev="AUS")
    assert (austria.iso3, austria.cow_code) == ("AUT", 305)
    namibia = Country.objects.get(iso3="NAM")
    assert namibia.iso2 == "NA"  # a code, not a missing value


@pytest.mark.django_db
def test_historic_states_are_keyed_by_cow_code(reference_data):
    czechoslovakia = Country.objects.get_by_natural_key("cow:315")
    assert czechoslovakia.iso3 is None
    assert czechoslovakia.natural_key() == ("cow:315",)
    assert Country.objects.filter(iso3__isnull=True).count() == 21
    assert Country.objects.filter(cow_code__isnull=True).count() == 55


def test_cow_states_csv_is_the_documented_copy_of_cow_v2016():
    """acsa_db/data/README.md gives the file's provenance and checksum: the copy must match it."""
    data = (Path(settings.BASE_DIR) / "acsa_db" / "data" / "cow_states.csv").read_bytes()
    assert hashlib.md5(data).hexdigest() == "66885ad5b0281f620cabdd899a814434"  # noqa: S324 (a checksum, not security)
    assert len(data.decode("utf-8").splitlines()) == 244  # header and 243 spells


def test_cow_state_fixture_is_what_the_list_generates():
    committed = (FIXTURES / "cow_states.json").read_text(encoding="utf-8")
    expected = build_cow_state_fixture.render(build_cow_state_fixture.cow_state_fixture())
    assert committed == expected, "run: python manage.py build_cow_state_fixture"


@pytest.mark.django_db
def test_cow_membership_keeps_west_germany_and_notes_yugoslavia_for_serbia(reference_data):
    assert CowStateMembership.objects.count() == 243
    gfr = CowStateMembership.objects.get(cow_code=260)
    assert (gfr.cow_abbrev, gfr.start_date, gfr.end_date) == (
        "GFR",
        datetime.date(1955, 5, 5),
        datetime.date(1990, 10, 2),
    )
    assert not Country.objects.filter(cow_code=260).exists() and "no row" in gfr.note
    yugoslavia = CowStateMembership.objects.filter(cow_code=345)
    assert yugoslavia.count() == 2 and all("Serbia" in spell.note for spell in yugoslavia)
    assert Country.objects.get(iso3="SRB").cow_code is None  # not given 345 silently


@pytest.mark.django_db
def test_coverage_rows_say_what_is_collected_for_japan_from_when_to_when(reference_data):
    rows = {
        row.agreement_type.code: (row.focal_country.iso3, row.first_covered_date, row.last_covered_date)
        for row in CollectionCoverage.objects.select_related("agreement_type", "focal_country")
    }
    assert rows == {
        "ACSA": ("JPN", datetime.date(1996, 1, 1), datetime.date(2026, 1, 15)),
        "RAA": ("JPN", datetime.date(1996, 1, 1), datetime.date(2026, 1, 15)),
        "ISA": ("JPN", datetime.date(2007, 1, 1), datetime.date(2026, 1, 27)),
        "DETA": ("JPN", datetime.date(1983, 1, 1), datetime.date(2026, 1, 27)),
    }
    assert all(row.notes and row.scope for row in CollectionCoverage.objects.all())


@pytest.mark.django_db
def test_the_database_refuses_a_coverage_that_ends_before_it_starts_or_a_second_row_for_a_type(
    reference_data,
):
    acsa = CollectionCoverage.objects.get(agreement_type__code="ACSA")
    with pytest.raises(IntegrityError), transaction.atomic():
        CollectionCoverage.objects.filter(pk=acsa.pk).update(last_covered_date=datetime.date(1990, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        CollectionCoverage.objects.create(
            agreement_type=acsa.agreement_type,
            focal_country=acsa.focal_country,
            scope="again",
            first_covered_date=datetime.date(2000, 1, 1),
            last_covered_date=datetime.date(2001, 1, 1),
        )
