"""The review workflow of agreements and exercises: draft → needs review → verified or disputed.

``WORKFLOW`` is the one table of the transitions: which states each may leave,
the state it reaches, who may ask for it (a permission), the button's label
and what the user is told. ``apply(record, action, user)`` enforces it, and
the admin builds its buttons and changelist actions from it
(``acsa_db.admin.workflow``): a rule changed here changes everywhere.

- Curators send a draft (or a disputed record they have fixed) for review.
- Reviewers verify a record only when every one of its facts has a supporting
  citation, and never one they changed since its last verification (four
  eyes: the history since then names who edited what; a dispute does not
  wipe the slate).
- Reviewers dispute a record whose sources disagree.
- Changing a fact of a verified or disputed record sends it back to needs
  review and moves its version, whoever writes it: that rule is the models'
  own (``acsa_db.models.review_guard``), reached by every ``save()``.
"""

from dataclasses import dataclass

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
from .models.review_guard import (
    BACK_TO_REVIEW,
    REVIEW_FIELDS,
    REVIEWED,
    domain_links_changed,
    fact_changed,
    fact_write,
    note_fixture_row,
    record_saving,
    save_transition,
)

# History rows written by a transition carry one of these change reasons. They
# are not edits: four eyes ignores them.
SENT_FOR_REVIEW = "review: sent for review"
VERIFIED = "review: verified"
DISPUTED = "review: disputed"
TRANSITION_REASONS = (SENT_FOR_REVIEW, VERIFIED, DISPUTED)


class ReviewRefused(Exception):
    """A transition the workflow does not allow; the message says why, for the user."""


@dataclass(frozen=True)
class Transition:
    """One move of the workflow, and everything the admin says about it."""

    #: The name scripts, buttons and URLs use ("verify").
    name: str
    #: The states a record may be in to take this transition.
    sources: tuple
    #: The state it reaches.
    target: str
    #: The permission's codename, ``{model}`` standing for the model's name.
    permission: str
    #: Who holds that permission, for the refusal ("curators").
    holders: str
    #: The button on the record's page.
    label: str
    #: What the user asked to do, for a refusal ("verify {record}").
    request: str
    #: Which states may take it, for a refusal.
    sources_text: str
    #: After "The agreement "X"", once done ("is verified").
    message: str
    #: After "2 agreements", once done on a changelist's selection ("verified").
    done: str
    #: The changelist action's label.
    action_label: str
    #: The history row's change reason.
    reason: str
    #: Whether the transition names the reviewer and the time (``reviewed_by``, ``reviewed_at``).
    stamps_reviewer: bool = False
    #: Whether every fact needs a supporting citation, checked by someone who did not edit it.
    needs_citations_and_four_eyes: bool = False


WORKFLOW = {
    transition.name: transition
    for transition in (
        Transition(
            name="send_for_review",
            sources=(ReviewStatus.DRAFT, ReviewStatus.DISPUTED),
            target=ReviewStatus.NEEDS_REVIEW,
            permission="send_{model}_for_review",
            holders="curators",
            label="Send for review",
            request="send {record} for review",
            sources_text="only a draft or a disputed record is sent for review",
            message="was sent for review",
            done="sent for review",
            action_label="Send the selected records for review",
            reason=SENT_FOR_REVIEW,
        ),
        Transition(
            name="verify",
            sources=(ReviewStatus.NEEDS_REVIEW, ReviewStatus.DISPUTED),
            target=ReviewStatus.VERIFIED,
            permission="review_{model}",
            holders="reviewers",
            label="Verify",
            request="verify {record}",
            sources_text="only a record that needs review (or is disputed) can be verified",
            message="is verified",
            done="verified",
            action_label="Verify the selected records",
            reason=VERIFIED,
            stamps_reviewer=True,
            needs_citations_and_four_eyes=True,
        ),
        Transition(
            name="dispute",
            sources=(ReviewStatus.NEEDS_REVIEW, ReviewStatus.VERIFIED),
            target=ReviewStatus.DISPUTED,
            permission="review_{model}",
            holders="reviewers",
            label="Dispute",
            request="dispute {record}",
            sources_text="only a record that needs review (or is verified) can be disputed",
            message="is disputed",
            done="disputed",
            action_label="Dispute the selected records",
            reason=DISPUTED,
            stamps_reviewer=True,
        ),
    )
}


def permission(model, action):
    """The permission ``action`` needs on ``model`` (a record or its class): ``acsa_db.review_exercise``."""
    opts = model._meta
    return f"{opts.app_label}.{WORKFLOW[action].permission.format(model=opts.model_name)}"


def may(user, model, action):
    """Whether ``user`` holds the permission of ``action`` on ``model`` (whatever the record's state)."""
    return user.has_perm(permission(model, action))


def available(user, record):
    """The transitions ``user`` may ask for on ``record`` in its present state, in the table's order."""
    return [
        transition
        for transition in WORKFLOW.values()
        if record.review_status in transition.sources and may(user, record, transition.name)
    ]


def can_send_for_review(user, record):
    return may(user, record, "send_for_review")


def can_review(user, record):
    return may(user, record, "verify")


def _label(record, capital=False):
    name = record._meta.verbose_name
    return f'{name[:1].upper() + name[1:] if capital else name} "{record}"'


def _fresh(record):
    """The record as the database has it now (a changelist action may hold an older copy)."""
    return type(record)._default_manager.get(pk=record.pk)


@transaction.atomic
def apply(record, action, user, expected_version=None):
    """Take transition ``action`` ("verify") on ``record`` as ``user``, or raise ``ReviewRefused``.

    Returns the record as saved. ``expected_version``: the version the user
    saw; if the record moved on since, the save raises ``EditConflict``.
    """
    transition = WORKFLOW.get(action)
    if transition is None:
        raise ReviewRefused(f"There is no review transition {action!r}: choose one of {', '.join(WORKFLOW)}.")
    if not may(user, record, action):
        raise ReviewRefused(
            f"You cannot {transition.request.format(record=_label(record))}: only {transition.holders} can."
        )
    current = _fresh(record)
    if current.review_status not in transition.sources:
        raise ReviewRefused(
            f"{_label(record, capital=True)} is {current.get_review_status_display()}: "
            f"{transition.sources_text}."
        )
    if transition.needs_citations_and_four_eyes:
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
    current.review_status = transition.target
    if transition.stamps_reviewer:
        current.reviewed_by = user
        current.reviewed_at = timezone.now()
    save_transition(current, user, transition.reason, expected_version)
    return current


def send_for_review(record, user, expected_version=None):
    """A curator asks for review: draft or disputed → needs review."""
    return apply(record, "send_for_review", user, expected_version)


def verify(record, user, expected_version=None):
    """A reviewer verifies: needs review or disputed → verified, when every fact is cited."""
    return apply(record, "verify", user, expected_version)


def dispute(record, user, expected_version=None):
    """A reviewer disputes: needs review or verified → disputed (sources disagree)."""
    return apply(record, "dispute", user, expected_version)


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
    "BACK_TO_REVIEW",
    "EditConflict",
    "REVIEWED",
    "REVIEW_FIELDS",
    "ReviewRefused",
    "Transition",
    "WORKFLOW",
    "apply",
    "available",
    "can_review",
    "can_send_for_review",
    "dispute",
    "domain_links_changed",
    "editors_since_last_review",
    "fact_changed",
    "fact_write",
    "last_verified_at",
    "may",
    "note_fixture_row",
    "permission",
    "record_saving",
    "send_for_review",
    "verify",
]
