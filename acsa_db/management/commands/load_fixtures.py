"""Load every fixture under fixtures/, reference data first, in dependency order."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from ...history import LOADED_FROM_SEED, record_initial_versions
from ...sql.export import DATASET_VERSION

# Reference data, then the seeded data set. Each later file refers to rows of
# earlier ones by natural key, so the order matters; loading is idempotent.
FIXTURE_ORDER = [
    "countries.json",
    "cow_states.json",
    "organizations.json",
    "agreement_types.json",
    "coverage.json",
    "domains.json",
    "seed/sources.yaml",
    "seed/agreements.yaml",
    "seed/exercises.yaml",
    "seed/citations.yaml",
]


def fixture_paths(base_dir=None):
    """The fixture files that exist, in loading order."""
    fixtures_dir = Path(base_dir or settings.BASE_DIR) / "fixtures"
    return [fixtures_dir / name for name in FIXTURE_ORDER if (fixtures_dir / name).exists()]


class Command(BaseCommand):
    help = "Load the reference data and the seeded data set from fixtures/ (safe to run again)."

    def handle(self, *args, **options):
        paths = fixture_paths()
        with transaction.atomic():
            # One loaddata call: one transaction, so a broken file leaves nothing half-loaded.
            call_command("loaddata", *[str(p) for p in paths], verbosity=options["verbosity"])
            # loaddata writes no history: each loaded row gets its first version here, so that
            # its history page starts with the values it was loaded with.
            written = record_initial_versions(
                history_models(), LOADED_FROM_SEED.format(version=DATASET_VERSION), timezone.now()
            )
        if options["verbosity"] > 0 and any(written.values()):
            self.stdout.write(f"Wrote a first history row for {sum(written.values())} loaded rows.")


def history_models():
    """The project's models that keep a history (django-simple-history), in a stable order."""
    return [
        model
        for model in apps.get_app_config("acsa_db").get_models()
        if getattr(model._meta, "simple_history_manager_attribute", None)
    ]
