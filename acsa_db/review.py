"""The review workflow of agreements and exercises: draft → needs review → verified or disputed.

The admin's actions, the buttons of a record's page and any script call these
functions; each checks the user's permission and the workflow's rules and
raises ``ReviewRefused`` with a message for the user when a rule says no.

- Curators send a draft (or a disputed record they have fixed) for review.
- Reviewers verify a record only when every one of its facts has a supporting
  citation, and never one whose current version they edited themselves (four
  eyes: the history since the last review names who edited what).
- Reviewers dispute a record whose sources disagree.
- Changing a fact of a verified record sends it back to needs review
  (``fact_changed``); the admin calls it on every save, imports must too.
"""

from django.db import transaction
from django.db.models import Q
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


def _save_transition(record, user, reason, expected_version):
    """Save a record whose review fields were just set, refusing if it changed meanwhile."""
    if expected_version is not None:
        record.version = expected_version
    record._history_user = user
    record._change_reason = reason
    record.save()


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


def keep_review_state(record):
    """Before saving an edit: the review fields are the workflow's, not the form's or an old version's.

    A revert to an old version, or a form filled in before a transition,
    must not bring back the review status that version had.
    """
    current = (
        type(record)
        ._default_manager.filter(pk=record.pk)
        .values("review_status", "reviewed_by", "reviewed_at")
    )
    for values in current:
        record.review_status = values["review_status"]
        record.reviewed_by_id = values["reviewed_by"]
        record.reviewed_at = values["reviewed_at"]


def changed_fields(record):
    """The names of the fields of ``record`` (about to be saved) that differ from the database row."""
    model = type(record)
    ignored = {"id", "version", "review_status", "reviewed_by", "reviewed_at"}
    fields = [f for f in model._meta.concrete_fields if f.name not in ignored]
    stored = model._default_manager.filter(pk=record.pk).values(*[f.attname for f in fields]).first()
    if stored is None:
        return [f.name for f in fields]
    return [f.name for f in fields if stored[f.attname] != getattr(record, f.attname)]


def prepare_edit(record, user):
    """Before saving an edit of a record's own fields: sends a verified record back to review.

    Returns True when it did, so that the caller can say so.
    """
    if record._state.adding:
        return False
    keep_review_state(record)
    if record.review_status == ReviewStatus.VERIFIED and changed_fields(record):
        record.review_status = ReviewStatus.NEEDS_REVIEW
        record._change_reason = BACK_TO_REVIEW
        return True
    return False


def return_to_review_if_verified(record, user):
    """Send a verified record back to needs review (a fact of it changed). True when it did."""
    record = _fresh(record)
    if record.review_status != ReviewStatus.VERIFIED:
        return False
    record.review_status = ReviewStatus.NEEDS_REVIEW
    record._history_user = user
    record._change_reason = BACK_TO_REVIEW
    record.save()
    return True


def fact_changed(record, user):
    """A fact of ``record`` (an event, party, participant or citation) was added, changed or deleted.

    A verified record goes back to needs review; any other record gets a new
    version, so that a curator holding its page from before is refused
    rather than overwriting the change. Returns True when the record went
    back to needs review. Imports call it once per record they changed.
    """
    if return_to_review_if_verified(record, user):
        return True
    record.bump_version()
    return False


def record_of_citation(citation):
    """The agreement or exercise whose fact a citation backs."""
    from .coverage import record_of

    target = citation.target
    return record_of(target) if target is not None else None


def editors_since_last_review(record):
    """Ids of the users who changed the record or any of its facts since it was last reviewed.

    Read from the history tables; rows written by workflow transitions are
    not edits. Before any review, every change since creation counts.
    """
    since = Q(history_date__gt=record.reviewed_at) if record.reviewed_at else Q()
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
    "fact_changed",
    "prepare_edit",
    "return_to_review_if_verified",
    "send_for_review",
    "verify",
]
