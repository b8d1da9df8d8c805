"""The review workflow of agreements and exercises: draft → needs review → verified or disputed.

The admin's actions, the buttons of a record's page and any script call these
functions; each checks the user's permission and the workflow's rules and
raises ``ReviewRefused`` with a message for the user when a rule says no.

- Curators send a draft (or a disputed record they have fixed) for review.
- Reviewers verify a record only when every one of its facts has a supporting
  citation, and never one they changed since its last verification (four
  eyes: the history since then names who edited what; a dispute does not
  wipe the slate).
- Reviewers dispute a record whose sources disagree.
- Changing a fact of a verified or disputed record sends it back to needs
  review and moves its version, whoever writes it. The rule is applied here,
  once, and reached by every ORM write: ``CuratedRecord.save()`` calls
  ``record_saving``, the facts' ``save()`` and ``delete()`` run inside
  ``fact_write``, a change of an exercise's domains reaches
  ``domain_links_changed`` (``AcsaDbConfig.ready``), and imports, which write in
  bulk, call ``fact_changed`` for each record they changed. Not covered:
  ``QuerySet.update()``, ``QuerySet.delete()``, ``bulk_create`` and SQL
  written by hand, which call no ``save()``.
"""

from contextlib import contextmanager

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .coverage import describe_fact, uncited_facts
from .models import (
    Agreement,
    AgreementEvent,
    AgreementParty,
    Citation,
    EditConflict,
    Exercise,
    ExerciseParticipant,
    ReviewStatus,
)

# History rows written by a transition carry one of these change reasons. They
# are not edits: four eyes ignores them.
SENT_FOR_REVIEW = "review: sent for review"
VERIFIED = "review: verified"
DISPUTED = "review: disputed"
TRANSITION_REASONS = (SENT_FOR_REVIEW, VERIFIED, DISPUTED)
BACK_TO_REVIEW = "back to needs review: a fact of the verified record changed"

# A record in one of these states was checked by a reviewer against its citations:
# changing any of its facts makes that check out of date.
REVIEWED = (ReviewStatus.VERIFIED, ReviewStatus.DISPUTED)
# Set by the workflow itself, never by a form, a file or an ordinary save.
REVIEW_FIELDS = ("review_status", "reviewed_by", "reviewed_at")


class ReviewRefused(Exception):
    """A transition the workflow does not allow; the message says why, for the user."""


def _permission(record, action):
    """``acsa_db.send_agreement_for_review`` or ``acsa_db.review_exercise``."""
    name = record._meta.model_name
    codename = f"send_{name}_for_review" if action == "send" else f"review_{name}"
    return f"{record._meta.app_label}.{codename}"


def can_send_for_review(user, record):
    return user.has_perm(_permission(record, "send"))


def can_review(user, record):
    return user.has_perm(_permission(record, "review"))


def _label(record, capital=False):
    name = record._meta.verbose_name
    return f'{name[:1].upper() + name[1:] if capital else name} "{record}"'


def _save_transition(record, user, reason, expected_version=None):
    """Save a record whose review fields were just set, refusing if it changed meanwhile.

    ``user`` None leaves the history row to simple-history's current user
    (the request's, or ``changes_by``'s).
    """
    if expected_version is not None:
        record.version = expected_version
    if user is not None:
        record._history_user = user
    record._change_reason = reason
    # record_saving() keeps the review fields of every other save as the database has them.
    record._review_transition = True
    try:
        record.save()
    finally:
        del record._review_transition
        # The reason and user name this save's history row only: a later save of the same
        # copy is an edit, not a second verification by the reviewer.
        record.__dict__.pop("_change_reason", None)
        if user is not None:
            record.__dict__.pop("_history_user", None)


def _fresh(record):
    """The record as the database has it now (a changelist action may hold an older copy)."""
    return type(record)._default_manager.get(pk=record.pk)


@transaction.atomic
def send_for_review(record, user, expected_version=None):
    """A curator asks for review: draft or disputed → needs review."""
    if not can_send_for_review(user, record):
        raise ReviewRefused(f"You cannot send {_label(record)} for review: only curators can.")
    current = _fresh(record)
    if current.review_status not in (ReviewStatus.DRAFT, ReviewStatus.DISPUTED):
        raise ReviewRefused(
            f"{_label(record, capital=True)} is {current.get_review_status_display()}: "
            "only a draft or a disputed record is sent for review."
        )
    current.review_status = ReviewStatus.NEEDS_REVIEW
    _save_transition(current, user, SENT_FOR_REVIEW, expected_version)
    return current


@transaction.atomic
def verify(record, user, expected_version=None):
    """A reviewer verifies: needs review or disputed → verified, when every fact is cited."""
    if not can_review(user, record):
        raise ReviewRefused(f"You cannot verify {_label(record)}: only reviewers can.")
    current = _fresh(record)
    if current.review_status not in (ReviewStatus.NEEDS_REVIEW, ReviewStatus.DISPUTED):
        raise ReviewRefused(
            f"{_label(record, capital=True)} is {current.get_review_status_display()}: "
            "only a record that needs review (or is disputed) can be verified."
        )
    missing = uncited_facts(current)
    if missing:
        raise ReviewRefused(
            f"{_label(record, capital=True)} cannot be verified: these facts have no supporting "
            f"citation: {'; '.join(describe_fact(fact) for fact in missing)}."
        )
    if user.pk in editors_since_last_review(current):
        raise ReviewRefused(
            f"You cannot verify {_label(record)}: you edited its current version yourself. "
            "Another reviewer must verify it (four eyes)."
        )
    current.review_status = ReviewStatus.VERIFIED
    current.reviewed_by = user
    current.reviewed_at = timezone.now()
    _save_transition(current, user, VERIFIED, expected_version)
    return current


@transaction.atomic
def dispute(record, user, expected_version=None):
    """A reviewer disputes: needs review or verified → disputed (sources disagree)."""
    if not can_review(user, record):
        raise ReviewRefused(f"You cannot dispute {_label(record)}: only reviewers can.")
    current = _fresh(record)
    if current.review_status not in (ReviewStatus.NEEDS_REVIEW, ReviewStatus.VERIFIED):
        raise ReviewRefused(
            f"{_label(record, capital=True)} is {current.get_review_status_display()}: "
            "only a record that needs review (or is verified) can be disputed."
        )
    current.review_status = ReviewStatus.DISPUTED
    current.reviewed_by = user
    current.reviewed_at = timezone.now()
    _save_transition(current, user, DISPUTED, expected_version)
    return current


TRANSITIONS = {"send_for_review": send_for_review, "verify": verify, "dispute": dispute}


def record_saving(record, update_fields=None):
    """Before any save of an agreement or exercise (``CuratedRecord.save()`` calls it).

    The review fields are the workflow's: a new record starts as a draft, and
    an ordinary save (a form, a revert to an old version, a script holding an
    old copy) keeps the ones the database has. A verified or disputed record
    whose own facts changed goes back to needs review. Returns True when it did.
    """
    if getattr(record, "_review_transition", False):
        return False
    if record._state.adding:
        record.review_status = ReviewStatus.DRAFT
        record.reviewed_by = None
        record.reviewed_at = None
        return False
    model = type(record)
    compared = [
        f
        for f in model._meta.concrete_fields
        if f.name not in ("id", "version", *REVIEW_FIELDS)
        and (update_fields is None or f.name in update_fields or f.attname in update_fields)
    ]
    stored = (
        model._base_manager.filter(pk=record.pk)
        .values(*[f.attname for f in compared], "review_status", "reviewed_by", "reviewed_at")
        .first()
    )
    if stored is None:
        return False  # gone: the version check refuses the save
    record.review_status = stored["review_status"]
    record.reviewed_by_id = stored["reviewed_by"]
    record.reviewed_at = stored["reviewed_at"]
    if record.review_status in REVIEWED and any(
        stored[f.attname] != getattr(record, f.attname) for f in compared
    ):
        record.review_status = ReviewStatus.NEEDS_REVIEW
        record._change_reason = BACK_TO_REVIEW
        return True
    return False


# Where a fact's record is, from the fact's row: read in one query before a write, as a
# fact moved to another record (an event to another agreement) changes both.
RECORD_PATHS = {
    AgreementEvent: ((Agreement, "agreement_id"),),
    AgreementParty: ((Agreement, "agreement_id"),),
    ExerciseParticipant: ((Exercise, "exercise_id"),),
    Citation: (
        (Agreement, "agreement_id"),
        (Agreement, "agreement_event__agreement_id"),
        (Agreement, "agreement_party__agreement_id"),
        (Exercise, "exercise_id"),
        (Exercise, "exercise_participant__exercise_id"),
    ),
}


@transaction.atomic(savepoint=False)
def fact_changed(record, user=None):
    """A fact of ``record`` (an event, party, participant, citation or domain link) was written.

    A verified or disputed record goes back to needs review (a history row
    with ``BACK_TO_REVIEW``); any record gets a new version, so that a
    curator holding its page from before is refused rather than overwriting
    the change. ``record`` itself is kept in step when it was current (the
    caller's own copy stays saveable); an older copy stays outdated. Returns
    True when the record went back to needs review.
    """
    model = type(record)
    # The common case in one statement: a record not under review's seal, read at its current version.
    if (
        model._base_manager.filter(pk=record.pk, version=record.version)
        .exclude(review_status__in=REVIEWED)
        .update(version=F("version") + 1)
    ):
        record.version += 1
        return False
    # Locked (on PostgreSQL) so that two facts of one record written at once queue
    # here instead of both sending it back to review and one failing the version check.
    current = model._base_manager.select_for_update().filter(pk=record.pk).first()
    if current is None:
        return False  # the record itself is being deleted
    in_step = record.version == current.version
    sent_back = current.review_status in REVIEWED
    if sent_back:
        current.review_status = ReviewStatus.NEEDS_REVIEW
        _save_transition(current, user, BACK_TO_REVIEW)
    else:
        current.bump_version()
    if in_step:
        record.version = current.version
        record.review_status = current.review_status
    return sent_back


@contextmanager
def fact_write(fact, deleting=False):
    """Around the ``save()`` or ``delete()`` of a fact: its records' review follows (``fact_changed``).

    The records are the fact's before the write (a fact moved to another
    record changes both) and after it. The user is the fact's
    ``_history_user`` when set, else simple-history's current user. The
    records sent back to review are left on ``fact.sent_back_to_review`` for
    the admin to say so.
    """
    with transaction.atomic(using=fact._state.db, savepoint=False):
        before = set()
        if not deleting and fact.pk is not None and not fact._state.adding:
            paths = RECORD_PATHS[type(fact)]
            stored = type(fact)._base_manager.filter(pk=fact.pk).values_list(*[p for _, p in paths]).first()
            before = {
                (model, pk) for (model, _), pk in zip(paths, stored or (), strict=False) if pk is not None
            }
        yield
        # The fact's own records first: they may be the caller's copies, kept in step.
        records = {(type(record), record.pk): record for record in fact.records()}
        for model, pk in before - records.keys():
            moved_from = model._base_manager.filter(pk=pk).first()
            if moved_from is not None:
                records[(model, pk)] = moved_from
        user = getattr(fact, "_history_user", None)
        fact.sent_back_to_review = [record for record in records.values() if fact_changed(record, user)]


def domain_links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """``m2m_changed`` of ``exercise_domain``: the exercises whose domains changed follow ``fact_changed``.

    ``exercise.domains.add/remove/set/clear`` and ``domain.exercises...``
    call no ``save()``: Django's signal is the only hook for them
    (connected in ``AcsaDbConfig.ready``). A call that changes no link
    (adding a domain already there, removing one that is not) changes
    nothing here: Django names the links it will add, but not which of those
    it is asked to remove or clear exist, so those are looked up first.
    """
    if not reverse and getattr(instance, "_links_from_fixture", False):
        return  # a fixture's exercise getting its links: data as it was saved, not an edit
    through = Exercise.domains.through
    if action in ("pre_remove", "pre_clear"):
        links = through.objects.filter(**{"domain" if reverse else "exercise": instance})
        if action == "pre_remove":
            links = links.filter(**{"exercise__in" if reverse else "domain__in": pk_set})
        instance._exercises_losing_domains = set(links.values_list("exercise_id", flat=True))
        return
    if action in ("post_remove", "post_clear"):
        ids = instance.__dict__.pop("_exercises_losing_domains", set())
    elif action == "post_add":
        ids = (pk_set or set()) if reverse else ({instance.pk} if pk_set else set())
    else:
        return
    if not ids:
        return
    exercises = [instance] if not reverse else list(Exercise.objects.filter(pk__in=ids))
    for exercise in exercises:
        fact_changed(exercise)


def note_fixture_row(sender, instance, raw, **kwargs):
    """``post_save`` of an exercise: a raw save is fixture loading, which sets the row's links next.

    ``loaddata`` writes the row without ``save()`` and then sets its domains
    through the related manager; those links are the fixture's data, and
    its review status (verified, disputed) must stay as loaded. loaddata
    writes no history, its links neither: load_fixtures writes each loaded
    row's first version afterwards (``acsa_db.history.record_initial_versions``).
    """
    if raw:
        instance._links_from_fixture = True
        instance.skip_history_when_saving = True  # read by simple-history's m2m handler


def last_verified_at(record):
    """When the record was last verified, from its history (None if never).

    Not ``reviewed_at``: a dispute sets that too, and four eyes must not
    forget an edit because someone disputed the record after it.
    """
    return (
        type(record)
        .history.filter(id=record.pk, history_change_reason=VERIFIED)
        .order_by("-history_date")
        .values_list("history_date", flat=True)
        .first()
    )


def editors_since_last_review(record):
    """Ids of the users who changed the record or any of its facts since it was last verified.

    Read from the history tables (the record, its events, parties,
    participants, citations, and an exercise's domain links, whose changes
    are rows of the exercise's history); rows written by workflow
    transitions are not edits. Before any verification, every change since
    creation counts, including those before a dispute and a new sending for
    review.
    """
    verified_at = last_verified_at(record)
    since = Q(history_date__gt=verified_at) if verified_at else Q()
    edits = Q(since) & (
        Q(history_change_reason__isnull=True) | ~Q(history_change_reason__in=TRANSITION_REASONS)
    )
    if isinstance(record, Agreement):
        own = Agreement.history.filter(id=record.pk)
        event_ids = AgreementEvent.history.filter(agreement_id=record.pk).values("id")
        party_ids = AgreementParty.history.filter(agreement_id=record.pk).values("id")
        facts = [
            own,
            AgreementEvent.history.filter(agreement_id=record.pk),
            AgreementParty.history.filter(agreement_id=record.pk),
            Citation.history.filter(
                Q(agreement_id=record.pk)
                | Q(agreement_event_id__in=event_ids)
                | Q(agreement_party_id__in=party_ids)
            ),
        ]
    elif isinstance(record, Exercise):
        participant_ids = ExerciseParticipant.history.filter(exercise_id=record.pk).values("id")
        facts = [
            Exercise.history.filter(id=record.pk),
            ExerciseParticipant.history.filter(exercise_id=record.pk),
            Citation.history.filter(
                Q(exercise_id=record.pk) | Q(exercise_participant_id__in=participant_ids)
            ),
        ]
    else:
        raise TypeError(f"{type(record).__name__} has no review workflow")
    editors = set()
    for history in facts:
        editors |= set(
            history.filter(edits, history_user__isnull=False).values_list("history_user_id", flat=True)
        )
    return editors


__all__ = [
    "EditConflict",
    "ReviewRefused",
    "TRANSITIONS",
    "can_review",
    "can_send_for_review",
    "dispute",
    "editors_since_last_review",
    "last_verified_at",
    "domain_links_changed",
    "fact_changed",
    "fact_write",
    "record_saving",
    "send_for_review",
    "verify",
]
