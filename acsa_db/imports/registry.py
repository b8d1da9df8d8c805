"""Finding the resource for a name given on the command line or a file's name."""

from .resources import TABLE_RESOURCES
from .sheets import AgreementSheetResource, ExerciseSheetResource

SHEETS = {"agreement_sheet": AgreementSheetResource, "exercise_sheet": ExerciseSheetResource}


def resource_names():
    return [resource.table_name() for resource in TABLE_RESOURCES] + list(SHEETS)


def _normalize(name):
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def resource_for(name):
    """The resource for a table ("exercise_participant"), a model ("ExerciseParticipant") or a sheet."""
    wanted = _normalize(name)
    if wanted in SHEETS:
        return SHEETS[wanted]
    for resource in TABLE_RESOURCES:
        model = resource._meta.model
        if wanted in (
            model._meta.db_table,
            model._meta.model_name,
            _normalize(str(model._meta.verbose_name)),
        ):
            return resource
    raise LookupError(f"no table or sheet called {name!r}; choose one of: {', '.join(resource_names())}")


def resource_for_file(path):
    """The resource a file's name points to: exercise.csv, agreement_party.xlsx, agreement_sheet.csv."""
    stem = str(path).replace("\\", "/").rsplit("/", 1)[-1].split(".", 1)[0]
    return resource_for(stem)
