"""Reference fixtures: the country crosswalk, organizations, agreement types, domains."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from acsa_db.management.commands.build_country_fixture import country_fixture, render
from acsa_db.management.commands.load_fixtures import FIXTURE_ORDER, fixture_paths
from acsa_db.models import AgreementType, Country, Domain, Organization

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
