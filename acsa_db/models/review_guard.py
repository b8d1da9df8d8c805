"""The review rule every write obeys, whoever writes: ``save()`` of the models calls it.

A verified or disputed agreement or exercise whose facts change goes back to
needs review and moves its version; the review fields are set only by the
workflow's transitions (``acsa_db.review``), never by a form, a file or an
ordinary save. It is applied here, once, and reached by every ORM write:
``CuratedRecord.save()`` calls ``record_saving``, the facts' ``save()`` and
``delete()`` run inside ``fact_write``, a change of an exercise's domains
reaches ``domain_links_changed`` (``AcsaDbConfig.ready``), and imports, which
write in bulk, call ``fact_changed`` for each record they changed. Not
covered: ``QuerySet.update()``, ``QuerySet.delete()``, ``bulk_create`` and SQL
written by hand, which call no ``save()``.

It lives beside the models, which call it, so that the models never import
the workflow (``acsa_db.review`` imports the models, not the other way round).
"""

from contextlib import contextmanager

from django.db import transaction
from django.db.models import F

from .agreements import Agreement, AgreementEvent, AgreementParty
from .base import ReviewStatus
from .exercises import Exercise, ExerciseParticipant
from .sources import Citation

# The change reason of the history row written when a changed fact sends a record back.
BACK_TO_REVIEW = "back to needs review: a fact of the verified record changed"

# A record in one of these states was checked by a reviewer against its citations:
# changing any of its facts makes that check out of date.
REVIEWED = (ReviewStatus.VERIFIED, ReviewStatus.DISPUTED)
# Set by the workflow itself, never by a form, a file or an ordinary save.
REVIEW_FIELDS = ("review_status", "reviewed_by", "reviewed_at")


def save_transition(record, user, reason, expected_version=None):
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
        save_transition(current, user, BACK_TO_REVIEW)
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
