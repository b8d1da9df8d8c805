"""Citable releases: a frozen, checksummed bundle of the data set per version, and what changed.

``make_release`` writes ``<releases dir>/<version>/``:

- the files of ``export_dataset`` (a CSV per table and view, CODEBOOK.md,
  datapackage.json), stamped with the release's version and date;
- ``facts.json``: every released fact keyed by stable identifiers (record slug
  and fact key), with its values and citations. Changelogs are computed from
  these files alone, so two releases can be compared on any machine;
- ``CITATION.cff``, ``CHANGELOG.md`` (against the previous release) and
  ``SHA256SUMS`` of all of these;
- ``acsa-db-<version>.zip`` holding all of the above, built so that the same
  data and the same date give the same bytes.

What a release holds (the policy): agreements and exercises whose review
status is verified or needs review (or verified only), their events, parties
and participants, the citations of those facts, and the sources those
citations cite (with the sources they relay). Reference tables (countries,
organizations, agreement types, domains) are released whole.

How the policy reaches the views: inside one transaction (REPEATABLE READ on
PostgreSQL, so every file reads one snapshot), the rows the policy leaves out
are deleted, the files are written from what remains (the views computing
from it as they always do), and the transaction is rolled back, whatever
happens. Nothing of the deletion is ever committed or seen by anyone else.
"""

import datetime
import getpass
import json
import re
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, OperationalError, connections, transaction

from .models import (
    CITATION_TARGETS,
    Agreement,
    AgreementEvent,
    AgreementParty,
    Citation,
    DataRelease,
    Exercise,
    ExerciseParticipant,
    ReviewStatus,
    Source,
)
from .sql import export

FACTS = "facts.json"
CHANGELOG = "CHANGELOG.md"
CITATION = "CITATION.cff"
FACTS_FORMAT = 1

# Semantic (1.2.0) or calendar (2026.01, 2026.01.15, 2026.01.2) versions: each also names a directory.
SEMANTIC_VERSION = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
CALENDAR_VERSION = re.compile(r"[0-9]{4}\.(0[1-9]|1[0-2])(\.[0-9]{1,2})?")

RELEASED_STATUSES = {
    DataRelease.Policy.REVIEWED: (ReviewStatus.VERIFIED, ReviewStatus.NEEDS_REVIEW),
    DataRelease.Policy.VERIFIED_ONLY: (ReviewStatus.VERIFIED,),
}

# Columns that are not facts about the world: row numbers, edit counters, who reviewed when
# (the review status itself is released), and what check_sources last saw at a source's URL.
NOT_FACTS = {
    "id",
    "version",
    "reviewed_by",
    "reviewed_at",
    "url_checked_at",
    "url_status_code",
    "url_check_error",
}

# PostgreSQL's SQLSTATE for a transaction that conflicts with one committed since its snapshot.
SERIALIZATION_FAILURE = "40001"
SNAPSHOT_ATTEMPTS = 3

# A fixed time for every entry of the zip: the same files give the same bytes on any day.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
ZIP_FILE_MODE = 0o644


class ReleaseError(Exception):
    """A release that cannot be made or read: the message says why."""


def check_version(version):
    """Refuse a version that is neither semantic (1.2.0) nor calendar (2026.01, 2026.01.15)."""
    if not (SEMANTIC_VERSION.fullmatch(version) or CALENDAR_VERSION.fullmatch(version)):
        raise ReleaseError(
            f"Version {version!r} is neither semantic (MAJOR.MINOR.PATCH, such as 1.2.0) nor calendar "
            "(YYYY.MM or YYYY.MM.N, such as 2026.01 or 2026.01.15)."
        )
    return version


def releases_dir():
    return Path(getattr(settings, "ACSA_RELEASES_DIR", Path(settings.BASE_DIR) / "releases"))


def zip_name(version):
    return f"{export.DATASET_NAME}-{version}.zip"


# --- The snapshot and the policy -------------------------------------------------------


@contextmanager
def release_snapshot(policy, using=DEFAULT_DB_ALIAS):
    """The database as the release holds it, for the duration of the block; always rolled back.

    On PostgreSQL a transaction started here is REPEATABLE READ: every file and the facts
    read the same snapshot, whatever curators save meanwhile. It cannot be READ ONLY, as
    the rows the policy leaves out are deleted within it; the rollback undoes that.
    """
    connection = connections[using]
    starts_transaction = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql" and starts_transaction:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        try:
            _leave_out_unreleased(connection, [str(status) for status in RELEASED_STATUSES[policy]])
            yield
        finally:
            transaction.set_rollback(True, using=using)


def _leave_out_unreleased(connection, statuses):
    """Delete (inside the release's transaction) every row the policy leaves out."""
    quote = connection.ops.quote_name

    def table(model):
        return quote(model._meta.db_table)

    placeholders = ", ".join(["%s"] * len(statuses))
    left_out = {
        model: f"SELECT id FROM {table(model)} WHERE review_status NOT IN ({placeholders})"
        for model in (Agreement, Exercise)
    }
    # Each fact model, the record model it belongs to, and its column naming that record.
    facts = (
        (AgreementEvent, Agreement, "agreement_id"),
        (AgreementParty, Agreement, "agreement_id"),
        (ExerciseParticipant, Exercise, "exercise_id"),
    )
    domain_links = Exercise._meta.get_field("domains").remote_field.through

    def run(sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))

    for model in (Agreement, Exercise):
        column = quote(Citation._meta.get_field(model._meta.model_name).column)
        run(f"DELETE FROM {table(Citation)} WHERE {column} IN ({left_out[model]})", statuses)
    for model, record, column in facts:
        target = quote(Citation._meta.get_field(model._meta.db_table).column)
        run(
            f"DELETE FROM {table(Citation)} WHERE {target} IN "
            f"(SELECT id FROM {table(model)} WHERE {quote(column)} IN ({left_out[record]}))",
            statuses,
        )
    # A released agreement that replaces one the release leaves out says nothing of it: the
    # bundle names no row it does not hold.
    run(
        f"UPDATE {table(Agreement)} SET {quote('supersedes_id')} = NULL "
        f"WHERE {quote('supersedes_id')} IN ({left_out[Agreement]})",
        statuses,
    )
    run(f"DELETE FROM {table(AgreementEvent)} WHERE agreement_id IN ({left_out[Agreement]})", statuses)
    run(f"DELETE FROM {table(AgreementParty)} WHERE agreement_id IN ({left_out[Agreement]})", statuses)
    run(f"DELETE FROM {table(ExerciseParticipant)} WHERE exercise_id IN ({left_out[Exercise]})", statuses)
    run(
        f"DELETE FROM {quote(domain_links._meta.db_table)} WHERE exercise_id IN ({left_out[Exercise]})",
        statuses,
    )
    for model in (Agreement, Exercise):
        run(f"DELETE FROM {table(model)} WHERE id IN ({left_out[model]})", statuses)

    # Sources: those the remaining citations cite, and the sources they relay, at any depth
    # (UNION, not UNION ALL: a loop of relays ends). One statement, whatever their number.
    run(
        f"WITH RECURSIVE kept(id) AS ("
        f"SELECT source_id FROM {table(Citation)} "
        f"UNION SELECT s.relays_id FROM {table(Source)} s JOIN kept ON s.id = kept.id "
        f"WHERE s.relays_id IS NOT NULL) "
        f"DELETE FROM {table(Source)} WHERE id NOT IN (SELECT id FROM kept)"
    )


# --- Facts, keyed by stable identifiers ------------------------------------------------


def _reference(obj):
    """A related row as its stable key: a party's country or organization code, else its natural key."""
    if obj is None:
        return None
    return getattr(obj, "party_key", None) or "/".join(str(part) for part in obj.natural_key())


def _values(obj, skip=()):
    """The row's facts: each column but row numbers and bookkeeping, related rows by their keys."""
    values = {}
    for field in obj._meta.local_concrete_fields:
        if field.name in NOT_FACTS or field.name in skip:
            continue
        if field.is_relation:
            values[field.name] = _reference(getattr(obj, field.name))
        else:
            values[field.name] = export.cell(getattr(obj, field.attname))
    return values


def event_key(event):
    return f"event {event.kind} {event.date.isoformat() if event.date else 'undated'}"


def party_key(party):
    return f"party {party.party_key}"


def participant_key(participant):
    return f"participant {participant.party_key}"


CITATION_ENTRY = ("source", "claim", "stance", "locator", "quote", "note")


def collect_facts(using=DEFAULT_DB_ALIAS):
    """Every fact in the database as it stands (inside ``release_snapshot``: as released).

    Returns ``{"records": [...], "sources": [...]}``: each agreement and exercise by its
    slug, with its facts (the record itself, each event, party or participant) keyed
    within it, each with its values and citations; each source by its slug.
    """
    # Citations by the row they cite: (target column, id). Read as plain tuples, not model
    # instances: a release reads every citation, ten for each record.
    citations = {}
    columns = ("source__slug", "claim", "stance", "locator", "quote", "note")
    targets = tuple(f"{name}_id" for name in CITATION_TARGETS)
    for row in (
        Citation.objects.using(using).order_by().values_list(*columns, *targets).iterator(chunk_size=5000)
    ):
        entry = dict(
            zip(
                CITATION_ENTRY,
                (row[0], row[1], row[2], row[3], export.cell(row[4]), export.cell(row[5])),
                strict=True,
            )
        )
        target = next(
            (name, pk)
            for name, pk in zip(CITATION_TARGETS, row[len(columns) :], strict=True)
            if pk is not None
        )
        citations.setdefault(target, []).append(entry)

    def fact(target, pk, key, values):
        cited = sorted(citations.get((target, pk), []), key=lambda c: (c["source"], c["claim"]))
        return {"key": key, "values": values, "citations": cited}

    records = []
    agreement_aliases = former_slugs(Agreement, using)
    exercise_aliases = former_slugs(Exercise, using)
    source_aliases = former_slugs(Source, using)
    agreements = Agreement.objects.using(using).select_related("type", "supersedes").order_by("slug")
    events, parties = {}, {}
    for event in AgreementEvent.objects.using(using).select_related("party__country", "party__organization"):
        events.setdefault(event.agreement_id, []).append(event)
    for party in AgreementParty.objects.using(using).select_related("country", "organization"):
        parties.setdefault(party.agreement_id, []).append(party)
    for agreement in agreements:
        facts = [fact("agreement", agreement.pk, "record", _values(agreement))]
        facts += [
            fact(
                "agreement_party",
                p.pk,
                party_key(p),
                _values(p, skip={"agreement", "country", "organization"}),
            )
            for p in parties.get(agreement.pk, [])
        ]
        facts += [
            fact("agreement_event", e.pk, event_key(e), _values(e, skip={"agreement", "kind", "date"}))
            for e in events.get(agreement.pk, [])
        ]
        records.append(_record("agreement", agreement, agreement.short_title, facts, agreement_aliases))

    participants, domains = {}, {}
    for participant in ExerciseParticipant.objects.using(using).select_related("country", "organization"):
        participants.setdefault(participant.exercise_id, []).append(participant)
    links = Exercise._meta.get_field("domains").remote_field.through
    for exercise_id, code in links.objects.using(using).values_list("exercise_id", "domain__code"):
        domains.setdefault(exercise_id, []).append(code)
    for exercise in Exercise.objects.using(using).select_related("host").order_by("slug"):
        values = _values(exercise)
        values["domains"] = ";".join(sorted(domains.get(exercise.pk, [])))
        facts = [fact("exercise", exercise.pk, "record", values)]
        facts += [
            fact(
                "exercise_participant",
                p.pk,
                participant_key(p),
                _values(p, skip={"exercise", "country", "organization"}),
            )
            for p in participants.get(exercise.pk, [])
        ]
        records.append(_record("exercise", exercise, exercise.name, facts, exercise_aliases))

    sources = [
        {
            "slug": source.slug,
            "label": source.title,
            "aliases": source_aliases.get(source.pk, []),
            "values": _values(source),
        }
        for source in Source.objects.using(using)
        .select_related("publisher_country", "relays")
        .order_by("slug")
    ]
    return {"records": records, "sources": sources}


def _record(kind, record, label, facts, aliases):
    # Undated events of one kind share a key: the second and later (in the order they were
    # recorded) are told apart by a number.
    seen = {}
    for fact in facts:
        seen[fact["key"]] = seen.get(fact["key"], 0) + 1
        if seen[fact["key"]] > 1:
            fact["key"] = f"{fact['key']} ({seen[fact['key']]})"
    return {
        "type": kind,
        "slug": record.slug,
        "label": label,
        "aliases": aliases.get(record.pk, []),
        "facts": sorted(facts, key=lambda f: (f["key"] != "record", f["key"])),
    }


def former_slugs(model, using=DEFAULT_DB_ALIAS):
    """Each record's earlier slugs, from its edit history: the aliases a renamed record keeps.

    A slug that another record holds now is not an alias of this one (slugs are never
    reused; should one be, the record holding it keeps it).
    """
    current = dict(model.objects.using(using).values_list("pk", "slug"))
    taken = set(current.values())
    aliases = {}
    for pk, slug in model.history.model.objects.using(using).values_list("id", "slug").distinct():
        if pk in current and slug != current[pk] and slug not in taken:
            aliases.setdefault(pk, set()).add(slug)
    return {pk: sorted(slugs) for pk, slugs in aliases.items()}


def fact_count(facts):
    return sum(len(record["facts"]) for record in facts["records"])


# --- What changed ----------------------------------------------------------------------


@dataclass
class FactChange:
    """One fact added, changed or removed, as the changelog lists it."""

    kind: str  # "added", "changed" or "removed"
    key: str
    old: dict | None
    new: dict | None
    citations: list  # the citations behind the new value (the old one, for a removed fact)
    citations_added: list
    citations_removed: list
    citations_changed: list = None  # (old, new) pairs: the same source and claim, another stance or locator
    new_key: str | None = None  # a dated event whose date changed: its key in the new release


@dataclass
class RecordChanges:
    type: str  # agreement, exercise or source
    slug: str
    label: str
    status: str  # "new", "removed" or "" (in both releases)
    changes: list


def _citation_id(citation):
    return (citation["source"], citation["claim"])


def _compare_fact(key, old, new):
    old_citations = {_citation_id(c): c for c in old["citations"]}
    new_citations = {_citation_id(c): c for c in new["citations"]}
    added = [c for k, c in sorted(new_citations.items()) if k not in old_citations]
    removed = [c for k, c in sorted(old_citations.items()) if k not in new_citations]
    changed = [
        (old_citations[k], c)
        for k, c in sorted(new_citations.items())
        if k in old_citations and old_citations[k] != c
    ]
    if old["values"] == new["values"] and not added and not removed and not changed:
        return None
    return FactChange("changed", key, old["values"], new["values"], new["citations"], added, removed, changed)


def _pair_redated_events(removed, added):
    """A removed and an added event of the same kind, alone of their kind in the record: one event redated."""

    def kind(key):
        return key.split(" ")[1] if key.startswith("event ") else None

    pairs = []
    for kind_name in {kind(k) for k in removed} & {kind(k) for k in added} - {None}:
        old_keys = [k for k in removed if kind(k) == kind_name]
        new_keys = [k for k in added if kind(k) == kind_name]
        if len(old_keys) == len(new_keys) == 1:
            pairs.append((old_keys[0], new_keys[0]))
    return pairs


def _as_records(facts):
    """Agreements, exercises and sources alike: each a record of facts, by (type, slug)."""
    records = {(r["type"], r["slug"]): r for r in facts["records"]}
    for source in facts["sources"]:
        fact = {"key": "record", "values": source["values"], "citations": []}
        records[("source", source["slug"])] = {**source, "type": "source", "facts": [fact]}
    return records


def _record_pairs(old_records, new_records):
    """(old id, new id) of each record in either release; a record whose slug changed is one pair.

    A record whose slug changed lists its former slugs as ``aliases`` in the newer
    release: the record of the older release under one of them is the same record.
    """
    renamed = {}
    for new_id, record in new_records.items():
        for alias in record.get("aliases", ()):
            old_id = (new_id[0], alias)
            if old_id in old_records and old_id not in new_records:
                renamed[old_id] = new_id
    pairs = [(old_id, new_id) for old_id, new_id in renamed.items()]
    renamed_to = set(renamed.values())
    for record_id in sorted(old_records.keys() | new_records.keys()):
        if record_id in renamed or record_id in renamed_to:
            continue
        pairs.append(
            (record_id if record_id in old_records else None, record_id if record_id in new_records else None)
        )
    return sorted(pairs, key=lambda pair: pair[1] or pair[0])


def compare(old_facts, new_facts):
    """The changes from ``old_facts`` to ``new_facts`` (two facts.json contents), record by record."""
    result = []
    old_records, new_records = _as_records(old_facts), _as_records(new_facts)
    for old_id, new_id in _record_pairs(old_records, new_records):
        old = old_records.get(old_id)
        new = new_records.get(new_id)
        old_by_key = {f["key"]: f for f in old["facts"]} if old else {}
        new_by_key = {f["key"]: f for f in new["facts"]} if new else {}
        removed = sorted(old_by_key.keys() - new_by_key.keys())
        added = sorted(new_by_key.keys() - old_by_key.keys())
        changes = []
        for old_key, new_key in _pair_redated_events(removed, added):
            removed.remove(old_key)
            added.remove(new_key)
            old_fact, new_fact = old_by_key[old_key], new_by_key[new_key]
            change = _compare_fact(old_key, old_fact, new_fact) or FactChange(
                "changed", old_key, old_fact["values"], new_fact["values"], new_fact["citations"], [], [], []
            )
            change.new_key = new_key
            changes.append(change)
        for key in sorted(old_by_key.keys() & new_by_key.keys()):
            change = _compare_fact(key, old_by_key[key], new_by_key[key])
            if change:
                changes.append(change)
        for key in added:
            fact = new_by_key[key]
            changes.append(FactChange("added", key, None, fact["values"], fact["citations"], [], []))
        for key in removed:
            fact = old_by_key[key]
            changes.append(FactChange("removed", key, fact["values"], None, fact["citations"], [], []))
        if changes:
            status = "new" if old is None else "removed" if new is None else ""
            if old_id and new_id and old_id != new_id:
                status = f"formerly `{old_id[1]}`, kept as an alias"
            kind, slug = new_id or old_id
            changes.sort(key=lambda c: (c.key != "record", c.key))
            result.append(RecordChanges(kind, slug, (new or old)["label"], status, changes))
    return result


def change_counts(changes, types=("agreement", "exercise")):
    """How many facts were added, changed and removed (of sources, with ``types=("source",)``)."""
    counts = {"added": 0, "changed": 0, "removed": 0}
    for record in changes:
        if record.type in types:
            for change in record.changes:
                counts[change.kind] += 1
    return counts


# --- The changelog ---------------------------------------------------------------------

GROUPS = (("agreement", "Agreements"), ("exercise", "Exercises"), ("source", "Sources"))


def _show(value):
    """A value in full (the changelog gives old and new values, not a hint of them), as Markdown code."""
    if value is None or value == "":
        return "(empty)"
    text = str(value)
    fence = "``" if "`" in text else "`"
    return f"{fence} {text} {fence}" if fence == "``" else f"`{text}`"


def _cite(citation):
    text = f"`{citation['source']}` ({citation['claim']}"
    if citation["stance"] != Citation.Stance.SUPPORTS:
        text += f", {citation['stance']}"
    if citation["locator"]:
        text += f", {citation['locator']}"
    return text + ")"


def _citations_line(citations, what="Citations"):
    if not citations:
        return f"  - {what}: none"
    return f"  - {what}: " + "; ".join(_cite(c) for c in citations)


def _fact_lines(change):
    name = change.key if change.key != "record" else "the record"
    lines = []
    if change.kind == "added":
        lines.append(f"- **Added** {name}: " + ", ".join(f"{k} {_show(v)}" for k, v in change.new.items()))
        if change.key != "record" or change.citations:
            lines.append(_citations_line(change.citations))
        return lines
    if change.kind == "removed":
        lines.append(
            f"- **Removed** {name} (was: " + ", ".join(f"{k} {_show(v)}" for k, v in change.old.items()) + ")"
        )
        return lines
    if change.new_key:
        lines.append(f"- **Changed** {name}, now {change.new_key}:")
        old_date, new_date = change.key.rsplit(" ", 1)[1], change.new_key.rsplit(" ", 1)[1]
        lines.append(f"  - date: {_show(old_date)} → {_show(new_date)}")
    else:
        lines.append(f"- **Changed** {name}:")
    for field in sorted(change.old.keys() | change.new.keys()):
        old, new = change.old.get(field), change.new.get(field)
        if old != new:
            lines.append(f"  - {field}: {_show(old)} → {_show(new)}")
    for citation in change.citations_added:
        lines.append(f"  - citation added: {_cite(citation)}")
    for citation in change.citations_removed:
        lines.append(f"  - citation removed: {_cite(citation)}")
    for old, new in change.citations_changed or ():
        fields = [f for f in ("stance", "locator", "quote", "note") if old[f] != new[f]]
        lines.append(
            f"  - citation changed: {_cite(new)}: "
            + ", ".join(f"{f} {_show(old[f])} → {_show(new[f])}" for f in fields)
        )
    if change.new is not None and change.citations is not None:
        lines.append(_citations_line(change.citations, "Citations behind the new value"))
    return lines


def changes_markdown(changes):
    """The changes, grouped by agreement, exercise and source, as Markdown."""
    if not changes:
        return "No fact was added, changed or removed.\n"
    counts = change_counts(changes)
    sources = change_counts(changes, types=("source",))
    lines = [
        f"{counts['added']} facts added, {counts['changed']} changed, {counts['removed']} removed; "
        f"{sources['added']} sources added, {sources['changed']} changed, {sources['removed']} removed. "
        "A fact is a record itself, one of an agreement's events or parties, or one of an "
        "exercise's participants; a citation added, changed or removed changes the fact it backs.",
        "",
    ]
    for kind, title in GROUPS:
        records = [r for r in changes if r.type == kind]
        if not records:
            continue
        lines += [f"## {title}", ""]
        for record in records:
            suffix = {"new": " (new in this release)", "removed": " (no longer in the release)", "": ""}.get(
                record.status, f" ({record.status})"
            )
            lines += [f"### `{record.slug}`: {record.label}{suffix}", ""]
            for change in record.changes:
                lines += _fact_lines(change)
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def changelog_markdown(version, released_on, previous, changes, facts):
    """CHANGELOG.md of a release: against ``previous`` (version, date), or saying it is the first."""
    lines = [f"# Changelog: {export.DATASET_NAME} {version} ({released_on})", ""]
    if previous is None:
        lines += [
            f"This is the first release: there is no earlier release to compare it with. It holds "
            f"{sum(1 for r in facts['records'] if r['type'] == 'agreement')} agreements, "
            f"{sum(1 for r in facts['records'] if r['type'] == 'exercise')} exercises, "
            f"{fact_count(facts)} facts and {len(facts['sources'])} sources.",
        ]
        return "\n".join(lines) + "\n"
    lines += [
        f"What changed since {export.DATASET_NAME} {previous[0]} ({previous[1]}), fact by fact. "
        f"Records are named by their slugs, facts within them by their keys (`event KIND DATE`, "
        f"`party CODE`, `participant CODE`); `{FACTS}` lists them all.",
        "",
    ]
    return "\n".join(lines) + changes_markdown(changes)


# --- CITATION.cff ----------------------------------------------------------------------


def _yaml_string(text):
    return json.dumps(str(text), ensure_ascii=False)  # a JSON string is a valid YAML string


def citation_cff(version, released_on):
    title = getattr(settings, "ACSA_RELEASE_TITLE", export.DATASET_TITLE)
    authors = getattr(settings, "ACSA_RELEASE_AUTHORS", ["ACSA DB contributors"])
    url = getattr(settings, "ACSA_RELEASE_URL", "")
    license_id = getattr(settings, "ACSA_RELEASE_LICENSE", "")
    lines = [
        "cff-version: 1.2.0",
        "message: >-",
        f"  If you use this data set, cite it as below, with its version ({version}), and name the",
        "  records you use by their slugs. For a single fact, cite also the sources its citations list.",
        "type: dataset",
        f"title: {_yaml_string(title)}",
        f"version: {_yaml_string(version)}",
        f"date-released: {_yaml_string(released_on.isoformat())}",
        "authors:",
    ]
    lines += [f"  - name: {_yaml_string(author)}" for author in authors]
    if url:
        lines.append(f"url: {_yaml_string(url)}")
    if license_id:
        lines.append(f"license: {_yaml_string(license_id)}")
    lines += [
        "keywords:",
        *[
            f"  - {_yaml_string(keyword)}"
            for keyword in ("defense cooperation", "ACSA", "Japan", "dyadic data")
        ],
    ]
    return "\n".join(lines) + "\n"


def how_to_cite(version, released_on):
    authors = "; ".join(getattr(settings, "ACSA_RELEASE_AUTHORS", ["ACSA DB contributors"]))
    title = getattr(settings, "ACSA_RELEASE_TITLE", export.DATASET_TITLE)
    return f"{authors}. {released_on.year}. {title}. Version {version}, released {released_on.isoformat()}."


# --- The bundle ------------------------------------------------------------------------


def write_facts(path, facts):
    """facts.json with one record or source per line: compact, and a line diff shows which changed.

    Written line by line, so that the file is never held in memory as one string.
    """

    def dump(value):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    header = {key: value for key, value in facts.items() if key not in ("records", "sources")}
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write("{\n")
        for key, value in sorted(header.items()):
            handle.write(f"{dump(key)}:{dump(value)},\n")
        for part in ("records", "sources"):
            handle.write(f'"{part}":[\n')
            items = facts[part]
            for number, item in enumerate(items):
                handle.write(dump(item) + (",\n" if number < len(items) - 1 else "\n"))
            handle.write("],\n" if part == "records" else "]\n")
        handle.write("}\n")


def write_zip(folder, names, path, prefix):
    """A zip of ``names`` in ``folder``: sorted entries, a fixed time and mode, so the same files give the same bytes."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(names):
            info = zipfile.ZipInfo(f"{prefix}/{name}", date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100000 | ZIP_FILE_MODE) << 16  # a regular file, rw-r--r--
            info.create_system = 3  # Unix, whatever machine writes it
            with open(folder / name, "rb") as handle:
                archive.writestr(info, handle.read(), compresslevel=9)


@dataclass(frozen=True)
class Bundle:
    folder: Path
    zip_path: Path
    zip_sha256: str
    facts: dict
    changes: list


def _release_notes(version, released_on, policy, previous):
    statuses = ", ".join(RELEASED_STATUSES[policy])
    against = f"{previous[0]} ({previous[1]})" if previous else "none: this is the first release"
    return "\n".join(
        [
            "",
            "## This release",
            "",
            f"Version **{version}**, released {released_on.isoformat()}. Cite it as: "
            f"{how_to_cite(version, released_on)}",
            "",
            f"It holds the agreements and exercises whose `review_status` is {statuses}, with their "
            "events, parties and participants, the citations of those facts and the sources they cite "
            "(and the sources those relay). Drafts and disputed records are left out, and so are "
            "their facts and the sources only they cite; a released agreement that replaces one left "
            "out has an empty `supersedes_id`. Reference tables (countries, organizations, agreement "
            "types, domains) are whole. The views are computed from the released rows only, on the "
            "day the release was made (statuses and calendar years depend on that day).",
            "",
            f"Name rows by their slugs (agreements, exercises, sources) or codes (countries, types): "
            f"they never change from one release to the next; `id` columns are row numbers of the "
            f"database the release was made from. `{FACTS}` lists every fact by its record's slug "
            f"and its key; `{CHANGELOG}` lists what changed since the previous release ({against}).",
            "",
        ]
    )


def build_bundle(
    folder, version, released_on, policy, previous_facts=None, previous=None, using=DEFAULT_DB_ALIAS
):
    """Write a release's files and zip into ``folder`` (new or empty). Records nothing in the database.

    ``previous`` is the previous release's (version, date) and ``previous_facts`` its facts.json;
    both None for a first release.
    """
    folder = Path(folder)
    now = datetime.datetime.combine(released_on, datetime.time(), tzinfo=datetime.UTC)
    with release_snapshot(policy, using=using):
        export.export_dataset(folder, using=using, now=now, version=version)
        facts = collect_facts(using=using)
    facts = {
        "format": FACTS_FORMAT,
        "dataset": export.DATASET_NAME,
        "version": version,
        "released_on": released_on.isoformat(),
        "policy": policy,
        **facts,
    }
    changes = compare(previous_facts, facts) if previous_facts is not None else []

    write_facts(folder / FACTS, facts)
    (folder / CHANGELOG).write_text(
        changelog_markdown(version, released_on.isoformat(), previous, changes, facts), encoding="utf-8"
    )
    (folder / CITATION).write_text(citation_cff(version, released_on), encoding="utf-8")
    with open(folder / export.CODEBOOK, "a", encoding="utf-8") as codebook:
        codebook.write(_release_notes(version, released_on, policy, previous))
    package = json.loads((folder / export.DATAPACKAGE).read_text(encoding="utf-8"))
    package["acsa_db"]["release"] = {
        "version": version,
        "released_on": released_on.isoformat(),
        "policy": policy,
        "previous_version": previous[0] if previous else None,
        "how_to_cite": how_to_cite(version, released_on),
    }
    (folder / export.DATAPACKAGE).write_text(
        json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )

    names = sorted(path.name for path in folder.iterdir() if path.name != export.CHECKSUMS)
    export.write_checksums(folder, names)
    archive = folder / zip_name(version)
    write_zip(folder, names + [export.CHECKSUMS], archive, prefix=f"{export.DATASET_NAME}-{version}")
    return Bundle(folder, archive, export.sha256_file(archive), facts, changes)


# --- Reading releases back -------------------------------------------------------------


def read_facts(location, root=None):
    """The facts.json of a release: its folder, its zip, or its version in the releases directory."""
    root = Path(root) if root else releases_dir()
    path = Path(location)
    if not path.exists() and (root / str(location)).exists():
        path = root / str(location)
    if path.is_dir():
        facts_path = path / FACTS
        if facts_path.exists():
            return _load_facts(facts_path.read_text(encoding="utf-8"), facts_path)
        zips = sorted(path.glob("*.zip"))
        if len(zips) != 1:
            raise ReleaseError(f"{path} holds no {FACTS} and no single release zip.")
        path = zips[0]
    if path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.rsplit("/", 1)[-1] == FACTS]
            if len(names) != 1:
                raise ReleaseError(f"{path} holds no {FACTS}: not a release zip.")
            return _load_facts(archive.read(names[0]).decode("utf-8"), path)
    raise ReleaseError(
        f"No release at {location}: give a release's version (in {root}), its folder or its zip."
    )


def _load_facts(text, where):
    try:
        facts = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise ReleaseError(f"{where}: not a readable {FACTS} ({error}).") from None
    if not isinstance(facts, dict) or facts.get("format") != FACTS_FORMAT or "records" not in facts:
        raise ReleaseError(f"{where}: not a {FACTS} of format {FACTS_FORMAT}.")
    return facts


def diff_markdown(old_facts, new_facts):
    """What diff_releases prints: the changes from one release to another, as the changelog lists them."""
    header = (
        f"# Changes from {old_facts['dataset']} {old_facts['version']} ({old_facts['released_on']}) "
        f"to {new_facts['version']} ({new_facts['released_on']})\n\n"
    )
    return header + changes_markdown(compare(old_facts, new_facts))


# --- Making a release ------------------------------------------------------------------


def make_release(
    version,
    *,
    released_on=None,
    policy=DataRelease.Policy.REVIEWED,
    root=None,
    made_by=None,
    made_by_name="",
    using=DEFAULT_DB_ALIAS,
):
    """Write ``<root>/<version>/`` and record the release in data_release. Returns the DataRelease.

    Refused (ReleaseError) when the version is malformed, already recorded or already on
    disk, or when the previous release's bundle cannot be found to compare with.
    """
    check_version(version)
    released_on = released_on or datetime.date.today()
    root = Path(root) if root else releases_dir()
    folder = root / version
    if DataRelease.objects.using(using).filter(version=version).exists():
        raise ReleaseError(f"Release {version} exists already: a version is never made twice.")
    if folder.exists():
        raise ReleaseError(f"{folder} exists already: a version is never made twice.")

    previous = DataRelease.objects.using(using).order_by("-made_at", "-id").first()
    previous_facts = None
    if previous is not None:
        location = root / previous.version
        if not location.exists():
            raise ReleaseError(
                f"The previous release, {previous.version}, is not in {root}: its {FACTS} is needed to "
                "write the changelog. Put its folder (or zip) there, or use the releases directory it "
                "was made in."
            )
        previous_facts = read_facts(location)

    # Written into a temporary folder beside the final one, then renamed: a failure leaves no
    # half-written release behind.
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{version}-", dir=root))
    try:
        for attempt in range(1, SNAPSHOT_ATTEMPTS + 1):
            try:
                bundle = build_bundle(
                    staging / "bundle",
                    version,
                    released_on,
                    policy,
                    previous_facts=previous_facts,
                    previous=(previous.version, previous.released_on.isoformat()) if previous else None,
                    using=using,
                )
                break
            except OperationalError as error:
                # PostgreSQL refuses, in REPEATABLE READ, to delete a row that a curator changed
                # after the snapshot was taken: read a new snapshot, a few times at most.
                if getattr(error.__cause__, "sqlstate", None) != SERIALIZATION_FAILURE:
                    raise
                shutil.rmtree(staging / "bundle", ignore_errors=True)
                if attempt == SNAPSHOT_ATTEMPTS:
                    raise ReleaseError(
                        f"The data kept changing while the release was read ({attempt} attempts): "
                        "make it again when curators pause."
                    ) from None
        try:
            with transaction.atomic(using=using):
                release = _record_release(
                    bundle, version, released_on, policy, previous, made_by, made_by_name, using
                )
                (staging / "bundle").rename(folder)
        except IntegrityError:
            # Made meanwhile by someone else: the unique version decides, and this one is dropped.
            raise ReleaseError(f"Release {version} exists already: a version is never made twice.") from None
        except OSError as error:
            raise ReleaseError(f"Could not move the release into {folder}: {error}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return release


def _record_release(bundle, version, released_on, policy, previous, made_by, made_by_name, using):
    """The release's row in data_release: what the bundle holds, and who made it."""
    counts = change_counts(bundle.changes)
    records = bundle.facts["records"]
    return DataRelease.objects.using(using).create(
        version=version,
        released_on=released_on,
        made_by=made_by,
        made_by_name=made_by_name or (made_by.get_username() if made_by else _system_user()),
        policy=policy,
        previous=previous,
        agreement_count=sum(1 for r in records if r["type"] == "agreement"),
        exercise_count=sum(1 for r in records if r["type"] == "exercise"),
        source_count=len(bundle.facts["sources"]),
        citation_count=sum(len(f["citations"]) for r in records for f in r["facts"]),
        fact_count=fact_count(bundle.facts),
        added_count=counts["added"],
        changed_count=counts["changed"],
        removed_count=counts["removed"],
        zip_name=bundle.zip_path.name,
        zip_sha256=bundle.zip_sha256,
        zip_bytes=bundle.zip_path.stat().st_size,
    )


def _system_user():
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def release_zip_path(release, root=None):
    return (Path(root) if root else releases_dir()) / release.version / release.zip_name


def verify_checksums(folder):
    """The names whose SHA-256 does not match SHA256SUMS (empty when every file matches)."""
    folder = Path(folder)
    wrong = []
    for line in (folder / export.CHECKSUMS).read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        if not (folder / name).is_file() or export.sha256_file(folder / name) != digest:
            wrong.append(name)
    return wrong


__all__ = [
    "ReleaseError",
    "build_bundle",
    "check_version",
    "compare",
    "diff_markdown",
    "make_release",
    "read_facts",
    "release_snapshot",
    "verify_checksums",
]
