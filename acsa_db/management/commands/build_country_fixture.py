"""Write fixtures/countries.json from the ISO/COW crosswalk shipped in acsa_db/data/."""

import csv
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

CROSSWALK = Path(__file__).resolve().parents[2] / "data" / "country_crosswalk.csv"
COLUMNS = ["iso3", "iso2", "iso_numeric", "cow_code", "cow_abbrev", "name"]


def country_fixture(crosswalk_path=CROSSWALK):
    """The fixture's records, one per crosswalk row, keyed by natural key (no ids)."""
    with open(crosswalk_path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != COLUMNS:
            raise CommandError(f"{crosswalk_path}: expected columns {COLUMNS}, found {reader.fieldnames}")
        records = []
        for row in reader:
            # Empty cells are unknown codes (NULL), never empty strings: the
            # unique constraints on the code columns must ignore them.
            records.append(
                {
                    "model": "acsa_db.country",
                    "fields": {
                        "iso3": row["iso3"] or None,
                        "iso2": row["iso2"] or None,
                        "iso_numeric": row["iso_numeric"] or None,
                        "cow_code": int(row["cow_code"]) if row["cow_code"] else None,
                        "cow_abbrev": row["cow_abbrev"],
                        "name": row["name"],
                    },
                }
            )
    return records


def render(records):
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"


class Command(BaseCommand):
    help = "Regenerate fixtures/countries.json from acsa_db/data/country_crosswalk.csv."

    def add_arguments(self, parser):
        parser.add_argument(
            "--out",
            default=str(Path(settings.BASE_DIR) / "fixtures" / "countries.json"),
            help="Where to write the fixture (default: fixtures/countries.json).",
        )

    def handle(self, *args, out, **options):
        records = country_fixture()
        Path(out).write_text(render(records), encoding="utf-8")
        self.stdout.write(f"Wrote {len(records)} countries to {out}")
