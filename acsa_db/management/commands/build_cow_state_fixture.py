"""Write fixtures/cow_states.json from the COW state system membership list shipped in acsa_db/data/."""

import csv
import datetime
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

COW_STATES = Path(__file__).resolve().parents[2] / "data" / "cow_states.csv"
COLUMNS = [
    "stateabb",
    "ccode",
    "statenme",
    "styear",
    "stmonth",
    "stday",
    "endyear",
    "endmonth",
    "endday",
    "version",
]

# Where a COW state does not match the country table one to one: said beside
# the data, never fixed by guessing a code (acsa_db/data/README.md).
NOTES = {
    260: "German Federal Republic (West Germany), a COW state from 5 May 1955 to 2 October 1990. "
    "The country table (built from countrycode) has no row for it, so its country columns are empty; "
    "Germany (255, DEU) is the state before 1945 and from 3 October 1990.",
    345: "COW's Yugoslavia. COW continues 345 after 1992 for the Federal Republic of Yugoslavia, Serbia "
    "and Montenegro and, from 2006, Serbia. The country table gives 345 to Yugoslavia (no ISO code) and "
    "no COW code to Serbia (SRB): ACSA DB does not equate SRB with 345, so these rows join Yugoslavia.",
}


def cow_state_fixture(path=COW_STATES):
    """The fixture's records, one per spell of membership, keyed by natural key (no ids)."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != COLUMNS:
            raise CommandError(f"{path}: expected columns {COLUMNS}, found {reader.fieldnames}")
        records = []
        for row in reader:
            start = datetime.date(int(row["styear"]), int(row["stmonth"]), int(row["stday"]))
            end = datetime.date(int(row["endyear"]), int(row["endmonth"]), int(row["endday"]))
            cow_code = int(row["ccode"])
            records.append(
                {
                    "model": "acsa_db.cowstatemembership",
                    "fields": {
                        "cow_code": cow_code,
                        "cow_abbrev": row["stateabb"],
                        "state_name": row["statenme"],
                        "start_date": start.isoformat(),
                        "end_date": end.isoformat(),
                        "version": int(row["version"]),
                        "note": NOTES.get(cow_code, ""),
                    },
                }
            )
    return records


def render(records):
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"


class Command(BaseCommand):
    help = "Regenerate fixtures/cow_states.json from acsa_db/data/cow_states.csv."

    def add_arguments(self, parser):
        parser.add_argument(
            "--out",
            default=str(Path(settings.BASE_DIR) / "fixtures" / "cow_states.json"),
            help="Where to write the fixture (default: fixtures/cow_states.json).",
        )

    def handle(self, *args, out, **options):
        records = cow_state_fixture()
        Path(out).write_text(render(records), encoding="utf-8")
        self.stdout.write(f"Wrote {len(records)} spells of COW state system membership to {out}")
