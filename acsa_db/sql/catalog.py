"""What each view of the current version means, column by column.

This is the documentation that the data dictionary (``write_data_dictionary``),
the export's codebook and datapackage.json, and PostgreSQL's ``COMMENT ON``
show. A test checks that every view's columns are exactly the ones listed
here, in this order. Column types are Frictionless Data table-schema types.
"""

from dataclasses import dataclass

from ..partial_dates import Precision
from . import CURRENT_VERSION, view_names


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # integer, string or date
    description: str
    # A string column whose values come from a fixed list or a pattern (a status, an ISO code):
    # not free text. Any other string column is listed as free text that a spreadsheet may run
    # as a formula (the codebook, datapackage.json's freeText).
    code: bool = False
    values: tuple = ()  # the allowed values of a coded column, as (value, label)
    pattern: str = ""  # a regular expression every value matches (datapackage.json)


ISO3_PATTERN = "^[A-Z]{3}$"
ID_LIST_PATTERN = "^[0-9]+(,[0-9]+)*$"


def _listed(*values):
    """A coded column's values, each its own label (as the models' choices give them)."""
    return tuple((value, value.replace("_", " ")) for value in values)


@dataclass(frozen=True)
class View:
    name: str
    summary: str  # one sentence: what one row is
    details: str  # how it is derived, and what to watch for
    columns: tuple
    # The columns that identify a row: unique together, never empty (datapackage.json's
    # primaryKey, the export's row order). Every view declares one; a test checks it holds.
    primary_key: tuple = ()


def _pair(n):
    """The columns that name one state of a pair, ISO and COW codes side by side."""
    which = "first" if n == 1 else "second"
    order = " The pair is ordered so that ccode1 < ccode2." if n == 1 else ""
    return [
        Column(f"country{n}_id", "integer", f"The {which} state of the pair: country.id."),
        Column(
            f"ccode{n}",
            "integer",
            f"Correlates of War state number of the {which} state.{order} Empty for a state that COW "
            "does not list (such states come last in a pair, ordered by ISO code).",
        ),
        Column(
            f"cow_abbrev{n}",
            "string",
            f"Correlates of War abbreviation of the {which} state (GMY for Germany). Not an ISO code.",
            code=True,
        ),
        Column(
            f"iso3_{n}",
            "string",
            f"ISO 3166-1 alpha-3 code of the {which} state (DEU).",
            code=True,
            pattern=ISO3_PATTERN,
        ),
        Column(f"name{n}", "string", f"English short name of the {which} state."),
    ]


PRECISION = (
    "How precisely the date is known: day, month or year (the date holds the first day of the period)."
)

AGREEMENT_TYPES = ("ACSA", "RAA", "SOFA", "ISA", "DETA", "DCA", "PARTNERSHIP", "DATA_SHARING", "MOC")

IN_FORCE_DEFINITION = (
    "An agreement is in force in a year when it entered into force (or took effect) by the last day "
    "of the year and had not ended before its first day. A month- or year-precision date counts as "
    "its first day: an entry into force known only as 2017 counts as in force in 2017, and an end "
    "known only as 2019 leaves the agreement in force in 2019. A suspension does not interrupt it. "
    "An agreement counts as signed in a year when it was signed (or, with no signature recorded, "
    "in force) by the last day of the year and had not ended before its first day, whether in force "
    "or not: signed counts include those in force, and an agreement whose entry into force is not "
    "recorded counts as signed only."
)


LATEST = (
    "The latest day the date can stand for: the date itself at day precision, the last day of its month "
    "or year otherwise. Between the date and this bound, whether it had happened is uncertain."
)


def _date(name, what):
    return [
        Column(name, "date", what),
        Column(f"{name}_precision", "string", PRECISION, code=True, values=tuple(Precision.choices)),
        Column(f"{name}_latest", "date", LATEST),
    ]


REVIEW_STATUS = (
    "The least reviewed status among the agreements counted in the row (draft, then needs_review, "
    "disputed, verified): verified only when every one is verified; empty when none is counted. To "
    "count verified facts only, count the rows of dyad_year_agreement whose review_status is verified."
)

NOW = (
    "Today is the end of the coverage (the latest last_covered_date of collection_coverage), not the "
    "day the query runs: an event dated later does not count and no row runs past it, so the answers "
    "do not change with the calendar."
)

IN_FORCE_ON_A_DAY = (
    "In force on a day D is yes when entry_into_force_date_latest <= D and neither end_date nor "
    "superseded_date is on or before D; no when entry_into_force_date is empty or after D, or "
    "end_date_latest or superseded_date_latest is on or before D; uncertain otherwise (a date known "
    "only to the month or year straddles D). The cookbook's in-force-on-a-date query spells it out."
)


CALENDAR_MONTH = View(
    name="calendar_month",
    summary="One row per month from January 1800 to December of the current year, with its first and last day.",
    details="A helper, like calendar_year: the views look up the last day of a month-precision date "
    "here (the <date>_latest columns).",
    columns=(
        Column("year", "integer", "The year."),
        Column("month", "integer", "The month, 1 to 12."),
        Column("starts_on", "date", "The first day of the month."),
        Column("ends_on", "date", "The last day of the month."),
    ),
    primary_key=("year", "month"),
)

COVERAGE_YEAR = View(
    name="coverage_year",
    summary="One row per agreement type, focal state and year that collection_coverage covers.",
    details="The one definition of a covered year that the other views use: the type's coverage began "
    "by the year's first day (first_covered_date <= 1 January) and had not ended before it "
    "(last_covered_date >= 1 January). In a covered year an agreement of the type that is not "
    "recorded did not exist (a count is 0); in any other year it is unknown (NULL). The last year "
    "may be covered only up to last_covered_date (complete = 0).",
    columns=(
        Column("year", "integer", "The year."),
        Column("type_code", "string", "The agreement type collected: agreement_type.code.", code=True),
        Column("focal_country_id", "integer", "The state whose agreements are collected: country.id."),
        Column("focal_ccode", "integer", "Its COW state number (740 for Japan)."),
        Column("focal_iso3", "string", "Its ISO alpha-3 code (JPN)."),
        Column("first_covered_date", "date", "The first day the coverage covers."),
        Column("last_covered_date", "date", "The last day it covers: the latest document used."),
        Column(
            "complete",
            "integer",
            "1 when the coverage runs to the year's last day, 0 for a year covered in part.",
        ),
    ),
    primary_key=("year", "type_code", "focal_country_id"),
)

CALENDAR_YEAR = View(
    name="calendar_year",
    summary="One row per year from 1800 to the current year, with its first and last day.",
    details="A helper for queries that group by year or ask what held in a year: join a date to "
    "the year it falls in with `date BETWEEN starts_on AND ends_on`, which runs unchanged on SQLite "
    "and PostgreSQL (the two spell year extraction differently).",
    columns=(
        Column("year", "integer", "The year."),
        Column("starts_on", "date", "1 January of the year."),
        Column("ends_on", "date", "31 December of the year."),
    ),
    primary_key=("year",),
)

AGREEMENT_STATUS = View(
    name="agreement_status",
    summary="One row per agreement with its current status and the dated events behind it.",
    details="Derived from the agreement's events that have happened by today (an undated event "
    "counts as having happened). " + NOW + " The status is the first that applies of: superseded (an "
    "agreement that replaces it has taken effect), terminated (a termination or expiry), "
    "suspended (its latest suspension or reinstatement is a suspension), in_force (an entry into "
    "force or activation, or else an adoption, is recorded), signed (a signature or adoption is "
    "recorded), negotiating (none of these: talks announced, launched or agreed in principle, or "
    "no event recorded yet). A party's own termination or suspension counts for the whole "
    "agreement only when it has at most two parties. Where several events of a kind are "
    "recorded, the earliest gives the date (the latest, for suspensions). An exchange of notes "
    "signs an instrument and puts it into force at once. With no entry into force, activation, "
    "exchange of notes or adoption recorded, the earliest dated amendment shows the agreement in "
    "force (an agreement is amended only while in force): entry_into_force_basis is amendment and "
    "in_force_inferred is 1. Notices (of termination, suspension or withdrawal) and initialling do "
    "not change the status; event kinds this version does not name are ignored. " + IN_FORCE_ON_A_DAY,
    columns=(
        Column("agreement_id", "integer", "The agreement: agreement.id."),
        Column("agreement_slug", "string", "The agreement's stable identifier: agreement.slug."),
        Column("short_title", "string", "The agreement's short title."),
        Column(
            "type_code", "string", "The agreement's type: agreement_type.code (ACSA, RAA, ...).", code=True
        ),
        Column(
            "review_status",
            "string",
            "The agreement's review status: draft, needs_review, verified or disputed.",
            code=True,
        ),
        Column(
            "lineage_id",
            "integer",
            "The first text of the chain of replacement texts it belongs to (agreement.supersedes, walked "
            "back): agreement.id. Its own id when it replaces nothing.",
        ),
        Column("lineage_slug", "string", "The slug of that first text."),
        Column(
            "status",
            "string",
            "negotiating, signed, in_force, suspended, terminated or superseded (see the view's notes).",
            code=True,
            values=_listed("negotiating", "signed", "in_force", "suspended", "terminated", "superseded"),
        ),
        *_date("status_date", "When the current status began: the date of the event that set it."),
        *_date(
            "negotiation_date",
            "The earliest negotiation step: talks announced, negotiations launched, agreement in principle.",
        ),
        *_date("signature_date", "The earliest signature (or adoption, for a non-treaty instrument)."),
        *_date(
            "entry_into_force_date",
            "When it took effect: the earliest entry into force, activation or exchange of notes, else its "
            "adoption, else (inferred) its earliest dated amendment.",
        ),
        Column(
            "entry_into_force_basis",
            "string",
            "The event kind that entry_into_force_date comes from: entry_into_force, activation, "
            "exchange_of_notes, adoption, or amendment when inferred.",
            code=True,
            values=_listed("entry_into_force", "activation", "exchange_of_notes", "adoption", "amendment"),
        ),
        Column(
            "in_force_inferred",
            "integer",
            "1 when no entry into force is recorded and entry_into_force_date is that of the earliest "
            "amendment (the earliest evidence that it was in force), else 0.",
        ),
        *_date(
            "suspension_date", "When the suspension in effect began; empty unless the status is suspended."
        ),
        *_date("end_date", "The earliest termination or expiry."),
        Column(
            "end_kind",
            "string",
            "termination or expiry: the kind of event end_date comes from.",
            code=True,
            values=_listed("termination", "expiry"),
        ),
        Column(
            "superseded_by_id",
            "integer",
            "The agreement that replaced this one, once that one has taken effect: agreement.id.",
        ),
        Column("superseded_by_slug", "string", "The replacing agreement's slug."),
        *_date("superseded_date", "When the replacing agreement took effect."),
    ),
    primary_key=("agreement_id",),
)

AGREEMENT_LINEAGE = View(
    name="agreement_lineage",
    summary="One row per agreement with its lineage: the chain of texts that replace one another.",
    details="A replacement text is a new agreement row that supersedes the old one (agreement.supersedes); "
    "the texts of one chain form a lineage, named by its first text (the 2010 and 2017 Japan-Australia "
    "ACSAs are one lineage, acsa-jpn-aus-2010). Computed from supersedes each time, not stored. The "
    "dyad-year counts count lineages, so that a pair is not counted twice in the year one text "
    "replaces another; short_title is shared by the texts of a lineage, and slug and signature_date "
    "tell them apart.",
    columns=(
        Column("agreement_id", "integer", "The agreement (one text): agreement.id."),
        Column("agreement_slug", "string", "The text's slug."),
        Column("short_title", "string", "The agreement's short title."),
        Column("type_code", "string", "The agreement's type: agreement_type.code.", code=True),
        Column("lineage_id", "integer", "The first text of its lineage: agreement.id."),
        Column("lineage_slug", "string", "The first text's slug."),
        Column("generation", "integer", "1 for the first text, 2 for the text that replaced it, and so on."),
        Column("texts_in_lineage", "integer", "How many texts the lineage has."),
        Column("status", "string", "The text's current status, as in agreement_status.", code=True),
        *_date("signature_date", "The text's signature, as in agreement_status."),
    ),
    primary_key=("agreement_id",),
)

AGREEMENT_DYAD = View(
    name="agreement_dyad",
    summary="One row per agreement and unordered pair of its state parties, ISO and COW codes side by side.",
    details="Every pair of states that are parties to (or have signed) the same agreement, once, with "
    "ccode1 < ccode2; a multilateral agreement gives every pair of its state parties. Organizations "
    "(NATO, EU) are not states and form no pairs. A state that acted alone (its own signature, "
    "entry into force or withdrawal, recorded as an event with a party) has its own dates; the pair's "
    "signature and entry into force are the later of the two states' (the coarser precision when "
    "they fall on the same date), and the pair's end is the earliest of the agreement's end, its "
    "replacement taking effect, and either state's withdrawal. A state recorded only as a signatory "
    "has no entry into force.",
    columns=(
        Column("agreement_id", "integer", "The agreement: agreement.id."),
        Column("agreement_slug", "string", "The agreement's stable identifier: agreement.slug."),
        Column("type_code", "string", "The agreement's type: agreement_type.code.", code=True),
        Column("status", "string", "The agreement's current status, as in agreement_status.", code=True),
        Column(
            "review_status", "string", "The agreement's review status, as in agreement_status.", code=True
        ),
        Column("lineage_id", "integer", "The first text of its lineage, as in agreement_status."),
        Column("lineage_slug", "string", "That text's slug."),
        *_pair(1),
        Column("role1", "string", "The first state's role: party or signatory (not yet a party).", code=True),
        *_pair(2),
        Column("role2", "string", "The second state's role: party or signatory.", code=True),
        *_date("signature_date", "When both states had signed: the later of their signatures."),
        *_date(
            "entry_into_force_date",
            "When it was in force between both: the later of their entries into force. Empty until then.",
        ),
        Column(
            "in_force_inferred",
            "integer",
            "1 when the pair's entry into force is the agreement's and was inferred from an amendment.",
        ),
        *_date(
            "end_date",
            "When it stopped binding the pair (termination, expiry, replacement or withdrawal). "
            "Empty while it binds them, or when the end is recorded without a date.",
        ),
    ),
    primary_key=("agreement_id", "country1_id", "country2_id"),
)

DYAD_YEAR_AGREEMENT = View(
    name="dyad_year_agreement",
    summary="One row per pair of states, year, and agreement between them that was signed and not ended in that year.",
    details="The long form of dyad_year: the agreements behind each count (each text; dyad_year counts "
    "their lineages). No year after the end of the coverage. " + IN_FORCE_DEFINITION,
    columns=(
        Column("year", "integer", "The year."),
        Column("ccode1", "integer", "COW state number of the first state (ccode1 < ccode2)."),
        Column("ccode2", "integer", "COW state number of the second state."),
        Column("iso3_1", "string", "ISO alpha-3 code of the first state.", code=True, pattern=ISO3_PATTERN),
        Column("iso3_2", "string", "ISO alpha-3 code of the second state.", code=True, pattern=ISO3_PATTERN),
        Column("country1_id", "integer", "The first state: country.id."),
        Column("country2_id", "integer", "The second state: country.id."),
        Column("agreement_id", "integer", "The agreement: agreement.id."),
        Column("agreement_slug", "string", "The agreement's stable identifier."),
        Column("type_code", "string", "The agreement's type: agreement_type.code.", code=True),
        Column("lineage_id", "integer", "The first text of its lineage: what dyad_year counts."),
        Column("lineage_slug", "string", "That text's slug."),
        Column(
            "review_status",
            "string",
            "The agreement's review status (draft, needs_review, verified, disputed): keep verified rows "
            "to count verified facts only.",
            code=True,
        ),
        Column(
            "in_force", "integer", "1 when the agreement was in force between the pair in the year, else 0."
        ),
        Column(
            "signed",
            "integer",
            "Always 1: the agreement was signed (in force or not) and not ended in the year.",
        ),
        Column("in_force_inferred", "integer", "1 when its entry into force is inferred from an amendment."),
        Column(
            "covered",
            "integer",
            "1 when its type is collected for the pair in the year (coverage_year), else 0.",
        ),
    ),
    primary_key=("country1_id", "country2_id", "year", "agreement_id"),
)


def _type_counts():
    columns = []
    for code in AGREEMENT_TYPES:
        name = code.lower()
        columns += [
            Column(
                f"{name}_in_force",
                "integer",
                f"Lineages of type {code} in force in the year; empty (unknown) when {code} is not collected "
                "for the pair in the year.",
            ),
            Column(
                f"{name}_signed",
                "integer",
                f"Lineages of type {code} signed and not ended in the year; empty when not collected.",
            ),
        ]
    return columns


_DYAD_YEAR_COLUMNS = (
    Column("year", "integer", "The year."),
    Column("ccode1", "integer", "COW state number of the first state (ccode1 < ccode2 in dyad_year)."),
    Column("ccode2", "integer", "COW state number of the second state."),
    Column("iso3_1", "string", "ISO alpha-3 code of the first state.", code=True, pattern=ISO3_PATTERN),
    Column("iso3_2", "string", "ISO alpha-3 code of the second state.", code=True, pattern=ISO3_PATTERN),
    Column("cow_abbrev1", "string", "COW abbreviation of the first state. Not an ISO code.", code=True),
    Column("cow_abbrev2", "string", "COW abbreviation of the second state.", code=True),
    Column("name1", "string", "English short name of the first state."),
    Column("name2", "string", "English short name of the second state."),
    Column("country1_id", "integer", "The first state: country.id."),
    Column("country2_id", "integer", "The second state: country.id."),
    Column(
        "in_force",
        "integer",
        "Lineages in force between the pair in the year, of every type recorded, collected or not "
        "(in_force_covered counts the collected types only).",
    ),
    Column(
        "signed",
        "integer",
        "Lineages signed (in force or not) and not ended in the year, of every type recorded; includes in_force.",
    ),
    *_type_counts(),
    Column(
        "in_force_ids",
        "string",
        "The ids of the agreements in force, comma-separated in ascending order; empty when none.",
        code=True,
        pattern=ID_LIST_PATTERN,
    ),
    Column("in_force_slugs", "string", "Their slugs, in the same order as in_force_ids."),
    Column(
        "signed_ids",
        "string",
        "The ids of the agreements counted in signed, comma-separated, ascending.",
        code=True,
        pattern=ID_LIST_PATTERN,
    ),
    Column("signed_slugs", "string", "Their slugs, in the same order as signed_ids."),
    Column(
        "in_force_covered",
        "integer",
        "Lineages in force of the types listed in covered_types only; empty when no type is collected.",
    ),
    Column("signed_covered", "integer", "Lineages signed of the types listed in covered_types only."),
    Column(
        "covered_types",
        "string",
        "The types collected for the pair in the year, comma-separated by code (ACSA,DETA,ISA,RAA); "
        "empty when none is.",
    ),
    Column("review_status", "string", REVIEW_STATUS, code=True),
)

DYAD_YEAR = View(
    name="dyad_year",
    summary="One row per unordered pair of states (ccode1 < ccode2) and year, with counts of agreements "
    "in force and signed, by type, and their ids.",
    details="Rows run from the first year in which an agreement of the pair was signed or took effect "
    "to the end of the coverage; pairs that share no dated agreement have no rows (dyad_year_panel has "
    "every pair of the coverage). Counts are of lineages: a text and the texts that replace it count "
    "once (v2 counted texts). A type's count is empty (unknown), not 0, in a year the type is not "
    "collected for the pair (coverage_year); in_force and signed count every type recorded, "
    "in_force_covered and signed_covered only those covered_types lists. "
    + NOW
    + " "
    + IN_FORCE_DEFINITION
    + " The per-type columns follow the agreement types of this version; a new type needs a new "
    "version of the view.",
    columns=_DYAD_YEAR_COLUMNS,
    primary_key=("country1_id", "country2_id", "year"),
)

DYAD_YEAR_DIRECTED = View(
    name="dyad_year_directed",
    summary="dyad_year with each pair in both directions: one row for (A, B) and one for (B, A), same counts.",
    details="For analyses that need directed dyads. Twice as many rows as dyad_year; ccode1 is no "
    "longer smaller than ccode2 in half of them.",
    columns=_DYAD_YEAR_COLUMNS,
    primary_key=("country1_id", "country2_id", "year"),
)

STATE_YEAR = View(
    name="state_year",
    summary="One row per state of the Correlates of War state system and year it was a member, over the "
    "years of the coverage.",
    details="From cow_state_membership (the COW State System Membership List v2016), joined to country "
    "by cow_code. The list ends on 31 December 2016: a state still a member then is carried on to the "
    "end of the coverage (cow_data = 0 for those years). COW states the country table lacks keep their "
    "row with empty country columns (the German Federal Republic, 260, 1955 to 1990); COW's 345 is "
    "Yugoslavia throughout, which COW continues for Serbia and the country table does not: note says so.",
    columns=(
        Column("year", "integer", "The year."),
        Column("ccode", "integer", "Correlates of War state number."),
        Column("cow_abbrev", "string", "COW abbreviation."),
        Column("state_name", "string", "COW's name for the state."),
        Column("country_id", "integer", "The state's country row (country.id); empty when there is none."),
        Column("iso3", "string", "ISO alpha-3 code of that country row; empty for historic states."),
        Column("name", "string", "English short name of that country row."),
        Column(
            "cow_data",
            "integer",
            "1 for a year the COW list covers, 0 for a year after its end to which a member is carried on.",
        ),
        Column(
            "note", "string", "How the COW state relates to the country table, where it is not one to one."
        ),
    ),
    primary_key=("year", "ccode"),
)


def _panel_type_counts():
    columns = []
    for code in AGREEMENT_TYPES:
        name = code.lower()
        columns += [
            Column(
                f"{name}_in_force",
                "integer",
                f"Lineages of type {code} in force in the year: 0 when none is recorded and {code} is "
                "collected in the year, empty when it is not.",
            ),
            Column(
                f"{name}_signed",
                "integer",
                f"Lineages of type {code} signed and not ended; 0 or empty likewise.",
            ),
        ]
    return columns


DYAD_YEAR_PANEL = View(
    name="dyad_year_panel",
    summary="The balanced panel: one row per pair of the focal state (Japan) and another member of the "
    "state system (state_year), for every year the coverage covers, like peacesciencer's dyad-years.",
    details="Every pair, every covered year: a type's count is 0 where none is recorded in a year the "
    "type is collected (coverage_year), empty (unknown) where it is not; the counts are dyad_year's "
    "(lineages). Pairs are ordered ccode1 < ccode2, as in dyad_year, and join it on year, ccode1 and "
    "ccode2. The partners are COW state-system members in the year (state_year): a state the country "
    "table lacks (260) has empty country columns, and name falls back on COW's state name. " + NOW,
    columns=(
        Column("year", "integer", "The year."),
        Column("ccode1", "integer", "COW state number of the first state (ccode1 < ccode2)."),
        Column("ccode2", "integer", "COW state number of the second state."),
        Column("iso3_1", "string", "ISO alpha-3 code of the first state."),
        Column("iso3_2", "string", "ISO alpha-3 code of the second state."),
        Column("cow_abbrev1", "string", "COW abbreviation of the first state."),
        Column("cow_abbrev2", "string", "COW abbreviation of the second state."),
        Column(
            "name1",
            "string",
            "English short name of the first state (COW's name when it has no country row).",
        ),
        Column("name2", "string", "English short name of the second state."),
        Column("country1_id", "integer", "The first state: country.id (empty when it has no country row)."),
        Column("country2_id", "integer", "The second state: country.id."),
        *_panel_type_counts(),
        Column("in_force_covered", "integer", "Lineages in force of the types covered_types lists."),
        Column("signed_covered", "integer", "Lineages signed of the types covered_types lists."),
        Column("covered_types", "string", "The types collected in the year, comma-separated by code."),
        Column(
            "in_force_slugs", "string", "The slugs of the texts in force (of every type), as in dyad_year."
        ),
        Column("signed_slugs", "string", "The slugs of the texts signed, as in dyad_year."),
        Column("review_status", "string", REVIEW_STATUS, code=True),
    ),
    primary_key=("year", "ccode1", "ccode2"),
)

EXERCISE_DYAD = View(
    name="exercise_dyad",
    summary="One row per exercise and unordered pair of its state participants, ISO and COW codes side by side.",
    details="Pairs are ordered as in agreement_dyad (ccode1 < ccode2). Organizations form no pairs. "
    "Every role is included (host, lead, participant, observer): filter on role1 and role2 to "
    "leave observers out. Exercises with fewer than two state participants have no rows. A national "
    "deployment to an exercise (exercise.part_of set) has no rows of its own: it is the exercise it "
    "went to, counted once.",
    columns=(
        Column("exercise_id", "integer", "The exercise: exercise.id."),
        Column("exercise_slug", "string", "The exercise's stable identifier: exercise.slug."),
        Column("exercise_name", "string", "The exercise's name."),
        Column("series", "string", "The recurring series it belongs to (Pitch Black); empty if none."),
        Column("kind", "string", "exercise, drill, training_deployment or deployment.", code=True),
        Column("status", "string", "held, announced, reported_plan or cancelled.", code=True),
        Column(
            "review_status",
            "string",
            "The exercise's review status: draft, needs_review, verified or disputed.",
            code=True,
        ),
        *_date("start_date", "First day it ran (first day of the period at month or year precision)."),
        Column("start_year", "integer", "The year of start_date."),
        *_date("end_date", "Last day it ran (first day of the period at month or year precision)."),
        *_pair(1),
        Column("role1", "string", "The first state's role: host, lead, participant or observer.", code=True),
        *_pair(2),
        Column("role2", "string", "The second state's role.", code=True),
    ),
    primary_key=("exercise_id", "country1_id", "country2_id"),
)

CITATION_COVERAGE = View(
    name="citation_coverage",
    summary="One row per agreement and per exercise, with how many of its facts are cited and uncited.",
    details="A fact is a row a citation can back: the record itself, and each of its parties and "
    "events (agreements) or participants (exercises). A fact is cited when at least one citation "
    "supports it; a contradicting citation does not cite it, and marks it contradicted.",
    columns=(
        Column("record_type", "string", "agreement or exercise.", code=True),
        Column("record_id", "integer", "The record: agreement.id or exercise.id."),
        Column("record_slug", "string", "The record's slug."),
        Column("record_name", "string", "The agreement's short title or the exercise's name."),
        Column("review_status", "string", "draft, needs_review, verified or disputed.", code=True),
        Column(
            "facts", "integer", "Facts of the record: itself plus its parties and events, or participants."
        ),
        Column("cited_facts", "integer", "Facts with at least one supporting citation."),
        Column("uncited_facts", "integer", "Facts with no supporting citation."),
        Column("contradicted_facts", "integer", "Facts with at least one contradicting citation."),
        Column("supporting_citations", "integer", "Citations that support one of its facts."),
        Column("contradicting_citations", "integer", "Citations that contradict one of its facts."),
    ),
    primary_key=("record_type", "record_id"),
)

VIEWS = (
    CALENDAR_YEAR,
    CALENDAR_MONTH,
    COVERAGE_YEAR,
    AGREEMENT_STATUS,
    AGREEMENT_LINEAGE,
    AGREEMENT_DYAD,
    DYAD_YEAR_AGREEMENT,
    DYAD_YEAR,
    DYAD_YEAR_DIRECTED,
    STATE_YEAR,
    DYAD_YEAR_PANEL,
    EXERCISE_DYAD,
    CITATION_COVERAGE,
)
# That VIEWS documents every view of the current version, in order, is a system check
# (check_view_catalog, below), run by manage.py and the test run.


def get_view(name):
    return next(view for view in VIEWS if view.name == name)


def data_models():
    """The models whose tables are the published data set, in the order the dictionary lists them.

    Only these tables are exported and readable by the read-only role: never
    users, sessions, the admin log or edit histories. A new model stays private
    until it is added here.
    """
    from ..models import (
        Agreement,
        AgreementEvent,
        AgreementParty,
        AgreementType,
        Citation,
        CollectionCoverage,
        Country,
        CowStateMembership,
        Domain,
        Exercise,
        ExerciseParticipant,
        Organization,
        Source,
    )

    return (
        Country,
        CowStateMembership,
        Organization,
        AgreementType,
        CollectionCoverage,
        Agreement,
        AgreementParty,
        AgreementEvent,
        Domain,
        Exercise,
        ExerciseParticipant,
        Source,
        Citation,
    )


def data_tables():
    """The published tables' names, many-to-many link tables (exercise_domain) included."""
    tables = []
    for model in data_models():
        tables.append(model._meta.db_table)
        tables += [field.remote_field.through._meta.db_table for field in model._meta.local_many_to_many]
    return tables


def check_view_catalog(app_configs=None, **kwargs):
    """System check ``acsa_db.E001``: ``VIEWS`` documents every view of the current version, in order.

    The data dictionary, the exports and the read-only role read the views from
    this catalog; a view added to a version but not documented here would be
    left out of all three. Registered in ``AcsaDbConfig.ready``.
    """
    from django.core.checks import Error

    documented = tuple(view.name for view in VIEWS)
    defined = tuple(view_names(CURRENT_VERSION))
    if documented == defined:
        return []
    missing = [name for name in defined if name not in documented]
    extra = [name for name in documented if name not in defined]
    detail = "; ".join(
        part
        for part in (
            f"not documented: {', '.join(missing)}" if missing else "",
            f"not a view of {CURRENT_VERSION}: {', '.join(extra)}" if extra else "",
            "the order differs" if not missing and not extra else "",
        )
        if part
    )
    return [
        Error(
            f"acsa_db/sql/catalog.py: VIEWS does not document the views of {CURRENT_VERSION} in order ({detail}).",
            hint=f"List one View per view of acsa_db.sql.VERSIONS[{CURRENT_VERSION!r}], in its order.",
            obj="acsa_db.sql.catalog.VIEWS",
            id="acsa_db.E001",
        )
    ]
