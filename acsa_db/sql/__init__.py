"""The SQL views researchers query, their SQL per version and per database.

Each view's SQL lives in a file under a version directory (``v1/``):
``<name>.sql`` when SQLite and PostgreSQL run the same text, or
``<name>.sqlite.sql`` and ``<name>.postgresql.sql`` where they cannot. A
version is frozen once a migration uses it: migrations create the views of a
named version (``CreateViews("v1")``), so migrating an empty database from
zero replays each version's SQL against the tables as they were then. To
change a view, copy the directory to the next version, edit it, and add a
migration ``DropViews("v1"), CreateViews("v2")``; see README.md here.

What each view and column means is in ``catalog.py`` (the current version
only); the data dictionary, the export's codebook and PostgreSQL's
``COMMENT ON`` are written from it.
"""

from pathlib import Path

SQL_DIR = Path(__file__).resolve().parent

# The views of each version, in creation order: a view comes after the views it reads.
VERSIONS = {
    "v1": (
        "calendar_year",
        "agreement_status",
        "agreement_dyad",
        "dyad_year_agreement",
        "dyad_year",
        "dyad_year_directed",
        "exercise_dyad",
        "citation_coverage",
    ),
    # v2: the same views and columns, written so that filters on a record or a
    # pair reach the base tables' indexes (migration 0006, docs/performance.md).
    "v2": (
        "calendar_year",
        "agreement_status",
        "agreement_dyad",
        "dyad_year_agreement",
        "dyad_year",
        "dyad_year_directed",
        "exercise_dyad",
        "citation_coverage",
    ),
    # v3: coverage as data (coverage_year), lineages (agreement_lineage), the
    # balanced panel (dyad_year_panel) and COW membership (state_year); NULL
    # for what is not collected, "today" the coverage's end, latest date
    # bounds, inferred entry into force, review status (migration 0014).
    "v3": (
        "calendar_year",
        "calendar_month",
        "coverage_year",
        "agreement_status",
        "agreement_lineage",
        "agreement_dyad",
        "dyad_year_agreement",
        "dyad_year",
        "dyad_year_directed",
        "state_year",
        "dyad_year_panel",
        "exercise_dyad",
        "citation_coverage",
    ),
}
CURRENT_VERSION = "v3"

VENDORS = ("sqlite", "postgresql")


def view_names(version=CURRENT_VERSION):
    return VERSIONS[version]


def view_sql(name, vendor, version=CURRENT_VERSION):
    """The SELECT that defines a view on a database vendor ("sqlite" or "postgresql")."""
    if vendor not in VENDORS:
        raise ValueError(f"Views are written for SQLite and PostgreSQL, not {vendor}.")
    if name not in VERSIONS[version]:
        raise ValueError(f"Version {version} has no view {name}.")
    directory = SQL_DIR / version
    specific = directory / f"{name}.{vendor}.sql"
    path = specific if specific.exists() else directory / f"{name}.sql"
    return path.read_text(encoding="utf-8").strip()
