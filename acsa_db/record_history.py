"""A record's history as curators and reviewers read it: what changed, fact by fact.

simple-history keeps one table per curated table (``agreement_history``,
``agreement_event_history``, ...), each row a version of one row. A reviewer
asks what changed in the *record*: its own row, and its events, parties,
participants, citations and an exercise's domains. This module merges those
tables into entries:

- ``record_changes(record)``: every version of the record and of its facts,
  newest first, each as when, who, which fact, and field by field old -> new,
  with labels rather than codes ("needs review", not ``needs_review``), empty
  values shown empty and partial dates at their precision ("2024-07"). A save
  that changed nothing is not an entry.
- ``changes_since_verification(record)``: the net change of each fact since
  the record was last verified, leaving out the workflow's own fields, so that
  a reviewer checks only those facts.

The number of queries does not grow with the number of versions: one per
history table, one for an exercise's domain links, and one per kind of
related row named (countries, sources, users, ...).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.timezone import localtime
from simple_history.models import HistoricalRecords

from .history import LOADED_FROM_SEED
from .models import (
    Agreement,
    AgreementEvent,
    AgreementParty,
    Citation,
    Domain,
    Exercise,
    ExerciseParticipant,
    ReviewStatus,
)
from .partial_dates import format_partial_date
from .review import REVIEW_FIELDS, last_verified_at

ADDED, CHANGED, REMOVED = "added", "changed", "removed"
KINDS = {"+": ADDED, "~": CHANGED, "-": REMOVED}
# Bookkeeping, not facts: the primary key never changes and the version counts saves.
NOT_SHOWN = {"id", "version"}
DOMAINS_LABEL = "Domains"


@dataclass(frozen=True)
class Change:
    """One field of one fact: its value before and after, as text ("" when empty)."""

    label: str
    old: str
    new: str


@dataclass
class Entry:
    """One saved version of the record or of one of its facts."""

    when: object  # an aware datetime
    who: str  # "" when no user is known (scripts, imports, the seeded data set)
    user_id: object  # None then
    fact: str
    kind: str  # ADDED, CHANGED or REMOVED
    changes: list
    reason: str
    model: type
    object_id: int
    history_id: int
    is_record: bool  # a version of the record's own row (the history page links to it)


@dataclass
class FactChanges:
    """The net change of one fact over a period: its values at the start against those now."""

    fact: str
    kind: str
    changes: list
    who: list = field(default_factory=list)
    last_changed: object = None
    is_record: bool = False


# --- reading the history tables ---------------------------------------------------------


def _history_querysets(record):
    """``[(model, history queryset)]``: the record's own versions, then its facts'."""
    pk = record.pk
    if isinstance(record, Agreement):
        event_ids = AgreementEvent.history.filter(agreement_id=pk).values("id")
        party_ids = AgreementParty.history.filter(agreement_id=pk).values("id")
        return [
            (Agreement, Agreement.history.filter(id=pk)),
            (AgreementEvent, AgreementEvent.history.filter(agreement_id=pk)),
            (AgreementParty, AgreementParty.history.filter(agreement_id=pk)),
            (
                Citation,
                Citation.history.filter(
                    Q(agreement_id=pk)
                    | Q(agreement_event_id__in=event_ids)
                    | Q(agreement_party_id__in=party_ids)
                ),
            ),
        ]
    if isinstance(record, Exercise):
        participant_ids = ExerciseParticipant.history.filter(exercise_id=pk).values("id")
        return [
            (Exercise, Exercise.history.filter(id=pk)),
            (ExerciseParticipant, ExerciseParticipant.history.filter(exercise_id=pk)),
            (
                Citation,
                Citation.history.filter(Q(exercise_id=pk) | Q(exercise_participant_id__in=participant_ids)),
            ),
        ]
    model = type(record)
    return [(model, model.history.filter(**{model._meta.pk.attname: pk}))]


def _shown_fields(model):
    """The model's fields a history entry compares, each date paired with its precision column."""
    names = {f.name for f in model._meta.concrete_fields}
    history_model = getattr(model, model._meta.simple_history_manager_attribute).model
    kept = {f.attname for f in history_model._meta.concrete_fields}  # without excluded_fields
    shown = []
    for model_field in model._meta.concrete_fields:
        if model_field.name in NOT_SHOWN or model_field.primary_key or model_field.attname not in kept:
            continue
        if model_field.name.endswith("_precision") and model_field.name.removesuffix("_precision") in names:
            continue  # shown with its date: "2024-07" is one value, not a date and a precision
        shown.append(model_field)
    return shown


def _precision_partner(model_field):
    if isinstance(model_field, models.DateField) and not isinstance(model_field, models.DateTimeField):
        partner = f"{model_field.name}_precision"
        if any(f.name == partner for f in model_field.model._meta.concrete_fields):
            return partner
    return None


def _related_labels(needed):
    """``{(model, pk): label}`` for the related rows the entries name: one query per model."""
    labels = {}
    user_model = get_user_model()
    for related_model, pks in needed.items():
        pks = {pk for pk in pks if pk is not None}
        if not pks:
            continue
        queryset = related_model._base_manager.filter(pk__in=pks)
        if related_model is Agreement:
            rows = queryset.values_list("pk", "short_title")
        elif related_model is user_model:
            rows = ((user.pk, user.get_username()) for user in queryset)
        elif related_model in (AgreementParty, ExerciseParticipant):
            rows = ((row.pk, str(row.party)) for row in queryset.select_related("country", "organization"))
        elif related_model is AgreementEvent:
            rows = ((row.pk, _event_label(row)) for row in queryset)
        else:
            rows = ((row.pk, str(row)) for row in queryset)
        for pk, label in rows:
            labels[(related_model, pk)] = label
    return labels


def _event_label(event):
    when = format_partial_date(event.date, event.date_precision, empty="date unknown")
    return f"{event.get_kind_display()}, {when}"


def _domain_lists(exercise_pk):
    """``{history_id: "air, sea"}``: the domains each version of an exercise listed."""
    lists = defaultdict(list)
    names = dict(Domain.objects.values_list("pk", "name"))
    for m2m_field in Exercise.history.model._history_m2m_fields:
        links = HistoricalRecords.m2m_models[m2m_field]
        for history_id, domain_id in links.objects.filter(history__id=exercise_pk).values_list(
            "history_id", "domain_id"
        ):
            lists[history_id].append(names.get(domain_id, f"domain {domain_id}"))
    return {history_id: ", ".join(sorted(domains)) for history_id, domains in lists.items()}


class _Reader:
    """Turns history rows into text values and fact names, with the related rows' labels at hand."""

    def __init__(self, rows_by_model, record):
        self.record = record
        needed = defaultdict(set)
        # Events' and parties' names come from their own versions when these are at hand
        # (they may be deleted since); other related rows from the database.
        self.latest = {}
        for model, rows in rows_by_model.items():
            for row in rows:
                self.latest[(model, row.id)] = row
        for model, rows in rows_by_model.items():
            for model_field in _shown_fields(model):
                if model_field.is_relation:
                    for row in rows:
                        pk = getattr(row, model_field.attname)
                        if pk is not None and (model_field.related_model, pk) not in self.latest:
                            needed[model_field.related_model].add(pk)
        for party_model in (AgreementParty, ExerciseParticipant):
            for (model, _), row in list(self.latest.items()):
                if model is party_model:
                    needed[_country_model()].add(row.country_id)
                    needed[_organization_model()].add(row.organization_id)
        self.labels = _related_labels(needed)
        exercise_rows = rows_by_model.get(Exercise, [])
        self.domains = _domain_lists(record.pk) if exercise_rows else {}

    def related_label(self, related_model, pk):
        if pk is None:
            return ""
        row = self.latest.get((related_model, pk))
        if row is not None:
            return self.fact_name(related_model, row, bare=True)
        label = self.labels.get((related_model, pk))
        if label is None:
            return f"{related_model._meta.verbose_name} {pk} (deleted)"
        return label

    def value(self, model_field, row):
        """A field's value in one version, as text: labels for codes, dates at their precision."""
        raw = getattr(row, model_field.attname)
        if raw is None or raw == "":
            return ""
        if model_field.is_relation:
            return self.related_label(model_field.related_model, raw)
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(raw, raw))
        partner = _precision_partner(model_field)
        if partner:
            return format_partial_date(raw, getattr(row, partner))
        if isinstance(model_field, models.DateTimeField):
            return localtime(raw).strftime("%Y-%m-%d %H:%M")
        if isinstance(model_field, models.DateField):
            return raw.isoformat()
        if isinstance(model_field, models.BooleanField):
            return "yes" if raw else "no"
        return str(raw)

    def values(self, model, row):
        """``{label: text}`` of one version, an exercise's domains included."""
        shown = {
            capfirst(f.verbose_name): self.value(f, row)
            for f in _shown_fields(model)
            # A fact's link to this record goes without saying on the record's history.
            if not (
                f.is_relation
                and f.related_model is type(self.record)
                and getattr(row, f.attname) == self.record.pk
            )
        }
        if model is Exercise:
            shown[DOMAINS_LABEL] = self.domains.get(row.history_id, "")
        return shown

    def party_name(self, row):
        if row.country_id is not None:
            return self.labels.get((_country_model(), row.country_id), f"country {row.country_id}")
        if row.organization_id is not None:
            return self.labels.get(
                (_organization_model(), row.organization_id), f"organization {row.organization_id}"
            )
        return ""

    def fact_name(self, model, row, bare=False):
        """Which fact a version is of: "Event: signature, 2024-01-29", "Party: Japan", ..."""
        if model is AgreementEvent:
            name = _event_label(row)
            return name if bare else f"Event: {name}"
        if model in (AgreementParty, ExerciseParticipant):
            name = self.party_name(row)
            return name if bare else f"{'Party' if model is AgreementParty else 'Participant'}: {name}"
        if model is Citation:
            source = self.labels.get(
                (Citation.source.field.related_model, row.source_id), f"source {row.source_id}"
            )
            target = self.citation_target(row)
            return f"Citation: {source} ({row.get_claim_display()}){f' for {target}' if target else ''}"
        if bare:
            return getattr(row, "short_title", None) or getattr(row, "name", None) or str(row.id)
        return capfirst(model._meta.verbose_name)

    def citation_target(self, row):
        if row.agreement_event_id is not None:
            return f"event {self.related_label(AgreementEvent, row.agreement_event_id)}"
        if row.agreement_party_id is not None:
            return f"party {self.related_label(AgreementParty, row.agreement_party_id)}"
        if row.exercise_participant_id is not None:
            return f"participant {self.related_label(ExerciseParticipant, row.exercise_participant_id)}"
        own = row.agreement_id if isinstance(self.record, Agreement) else row.exercise_id
        if own == self.record.pk:
            return ""  # the record itself
        target_model, pk = (Agreement, row.agreement_id) if row.agreement_id else (Exercise, row.exercise_id)
        return self.related_label(target_model, pk)


def _country_model():
    return AgreementParty.country.field.related_model


def _organization_model():
    return AgreementParty.organization.field.related_model


def record_changes(record):
    """Every version of the record and of its facts, newest first, as ``Entry`` (see the module)."""
    rows_by_model = {}
    for model, queryset in _history_querysets(record):
        rows_by_model[model] = list(queryset.select_related("history_user").order_by("id", "history_id"))
    reader = _Reader(rows_by_model, record)
    entries = []
    for model, rows in rows_by_model.items():
        for _, versions in groupby(rows, key=lambda row: row.id):
            before = None
            for row in versions:
                kind = KINDS.get(row.history_type, CHANGED)
                now = reader.values(model, row)
                if kind == REMOVED:
                    changes = [Change(label, old, "") for label, old in (before or now).items() if old]
                elif before is None:
                    changes = [Change(label, "", new) for label, new in now.items() if new]
                else:
                    changes = [
                        Change(label, before[label], new)
                        for label, new in now.items()
                        if new != before[label]
                    ]
                before = now
                if not changes and kind == CHANGED:
                    continue  # a save that changed nothing (simple-history writes a row on every save)
                entries.append(
                    Entry(
                        when=row.history_date,
                        who=row.history_user.get_username() if row.history_user_id else "",
                        user_id=row.history_user_id,
                        fact=reader.fact_name(model, row),
                        kind=kind,
                        changes=changes,
                        reason=row.history_change_reason or "",
                        model=model,
                        object_id=row.id,
                        history_id=row.history_id,
                        is_record=model is type(record),
                    )
                )
    entries.sort(
        key=lambda entry: (entry.when, entry.model is not type(record), entry.history_id), reverse=True
    )
    return entries


def _verified_at(record):
    """When the record was last verified, or loaded as verified from the seeded data set."""
    verified_at = last_verified_at(record)
    if verified_at is None:
        verified_at = (
            type(record)
            .history.filter(
                id=record.pk,
                history_type="+",
                review_status=ReviewStatus.VERIFIED,
                history_change_reason__startswith=LOADED_FROM_SEED.partition("{")[0],
            )
            .values_list("history_date", flat=True)
            .first()
        )
    return verified_at


def changes_since_verification(record):
    """``(verified_at, [FactChanges])``: each fact's net change since the last verification.

    ``verified_at`` is None when the record was never verified (then every
    fact is new to the reviewer, and the list is empty). The review fields
    (status, reviewer, date) are the workflow's, not facts, and are left out.
    """
    verified_at = _verified_at(record)
    if verified_at is None:
        return None, []
    review_labels = {capfirst(type(record)._meta.get_field(name).verbose_name) for name in REVIEW_FIELDS}
    since = sorted(
        (entry for entry in record_changes(record) if entry.when > verified_at),
        key=lambda entry: (entry.when, entry.history_id),
    )
    by_fact = defaultdict(list)
    for entry in since:
        by_fact[(entry.model, entry.object_id)].append(entry)
    facts = []
    for entries in by_fact.values():
        first, last = entries[0], entries[-1]
        olds, news = {}, {}
        for entry in entries:
            for change in entry.changes:
                if change.label in review_labels:
                    continue
                olds.setdefault(change.label, change.old)
                news[change.label] = change.new
        changes = [Change(label, olds[label], news[label]) for label in olds if olds[label] != news[label]]
        if first.kind == ADDED and last.kind == REMOVED:
            continue  # added and removed again: nothing to check
        kind = first.kind if first.kind == ADDED else last.kind
        if not changes and kind == CHANGED:
            continue
        facts.append(
            FactChanges(
                fact=last.fact,
                kind=kind,
                changes=changes,
                who=sorted({entry.who for entry in entries if entry.who}),
                last_changed=last.when,
                is_record=last.is_record,
            )
        )
    # The record's own fields first, then its facts in the order they were last changed.
    facts.sort(key=lambda fact: (not fact.is_record, fact.last_changed))
    return verified_at, facts
