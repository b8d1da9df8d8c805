"""Curation services that write several facts at once: one source cited for many facts of a record,
and an exercise's host added as a participant.

Each function checks everything before writing anything, writes in one
transaction, and raises ``CitingRefused`` with a message per problem (naming
the fact and the field) when it writes nothing. The review rule holds as for
any other write: a verified or disputed record whose facts changed goes back
to needs review (``review.fact_changed``).
"""

from django.db import IntegrityError, transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from . import review
from .coverage import RECORD_FACTS, describe_fact, fact_label
from .models import (
    CITATION_TARGETS,
    AgreementEvent,
    AgreementParty,
    Citation,
    Exercise,
    ExerciseParticipant,
)

# The citation column that points at each kind of fact.
TARGET_OF = {Citation._meta.get_field(name).related_model: name for name in CITATION_TARGETS}


class CitingRefused(Exception):
    """Nothing was written; ``problems`` says why, one message per fact or field."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(" ".join(self.problems))


def default_claim(fact):
    """The claim a source is cited for on this kind of fact, unless the curator says otherwise.

    A dated fact (an event with a date, an exercise with a start date) is
    cited only by a citation of its date (``acsa_db.coverage``), so its date
    is what a source cited for it backs by default.
    """
    if isinstance(fact, AgreementEvent):
        return Citation.Claim.DATE if fact.date else Citation.Claim.EXISTENCE
    if isinstance(fact, Exercise):
        return Citation.Claim.DATE if fact.start_date else Citation.Claim.EXISTENCE
    if isinstance(fact, AgreementParty):
        return Citation.Claim.PARTIES
    if isinstance(fact, ExerciseParticipant):
        return Citation.Claim.PARTICIPATION
    return Citation.Claim.EXISTENCE


def facts_of(record):
    """The record itself and each of its events, parties or participants, in that order."""
    own, *children = RECORD_FACTS[type(record)]
    facts = [record]
    for table in children:
        facts += list(table.rows().filter(**{table.record_field: record}).order_by("pk"))
    return facts


def fact_key(fact):
    """``"agreement_event-12"``: a fact named by its citation column and id (form fields, URLs)."""
    return f"{TARGET_OF[type(fact)]}-{fact.pk}"


def _capital(text):
    return text[:1].upper() + text[1:]


def _label(record):
    return f'the {record._meta.verbose_name} "{record}"'


@transaction.atomic
def cite_facts(
    record,
    source,
    facts,
    *,
    locator="",
    quote="",
    note="",
    stance=Citation.Stance.SUPPORTS,
    user=None,
):
    """Cite ``source`` for each of ``facts`` of ``record``: one citation per fact, all or none.

    ``facts`` holds facts (the record, its events, parties or participants),
    or ``(fact, claim)`` pairs where a fact's claim is not its kind's default
    (``default_claim``). Refused, writing nothing, when a fact is not one of
    the record's, a claim is unknown, or the source is already cited for
    that claim of that fact. Returns the citations written; the record's
    review follows as for any citation written (``review.fact_changed``),
    and ``sent_back`` on the returned list says whether it went back to
    needs review.
    """
    if type(record) not in RECORD_FACTS:
        raise TypeError(f"{type(record).__name__} is not an agreement or exercise")
    chosen = [item if isinstance(item, tuple) else (item, None) for item in facts]
    problems = []
    if source is None or source.pk is None:
        problems.append("Choose the source to cite.")
    if not chosen:
        problems.append("Tick at least one fact to cite the source for.")
    own = {(type(fact), fact.pk) for fact in facts_of(record)}
    wanted = {}  # (target column, fact id, claim) -> citation
    for fact, claim in chosen:
        claim = claim or default_claim(fact)
        target = TARGET_OF.get(type(fact))
        if target is None or (type(fact), fact.pk) not in own:
            problems.append(f"{_capital(fact_label(fact))} is not a fact of {_label(record)}.")
            continue
        if claim not in Citation.Claim.values:
            problems.append(f"{_capital(describe_fact(fact))}: unknown claim {claim!r}.")
            continue
        key = (target, fact.pk, claim)
        if key in wanted:
            problems.append(f"{_capital(describe_fact(fact))} is ticked twice for the claim {claim}.")
            continue
        wanted[key] = Citation(
            source=source,
            claim=claim,
            stance=stance,
            locator=locator,
            quote=quote,
            note=note,
            **{target: fact},
        )
    if wanted and not problems:
        problems += _already_cited(source, wanted)
    if problems:
        raise CitingRefused(problems)
    citations = list(wanted.values())
    try:
        # One statement for the citations and one for their history rows, however many facts.
        with transaction.atomic():
            bulk_create_with_history(citations, Citation, default_user=user)
    except IntegrityError as error:  # another curator cited the same just now
        raise CitingRefused([f"Nothing was saved: the database refused the citations ({error})."]) from error
    citations = CitationsWritten(citations)
    citations.sent_back = review.fact_changed(record, user)
    return citations


class CitationsWritten(list):
    """The citations ``cite_facts`` wrote, and whether their record went back to needs review."""

    sent_back = False


def _already_cited(source, wanted):
    """A message for each wanted citation the source already gives (same fact, same claim): one query."""
    by_target = {}
    for target, fact_id, _claim in wanted:
        by_target.setdefault(target, set()).add(fact_id)
    condition = Q(*[Q(**{f"{target}_id__in": ids}) for target, ids in by_target.items()], _connector=Q.OR)
    columns = [f"{name}_id" for name in CITATION_TARGETS]
    problems = []
    for *targets, claim in Citation.objects.filter(condition, source=source).values_list(*columns, "claim"):
        for target, fact_id in zip(CITATION_TARGETS, targets, strict=True):
            citation = wanted.get((target, fact_id, claim))
            if citation is not None:
                problems.append(
                    f"{_capital(describe_fact(citation.target))}: this source is already cited for "
                    f"its {citation.get_claim_display()}."
                )
    return problems


def add_host_as_participant(exercise, user=None):
    """Make the exercise's host one of its participants (role host), unless it already is one.

    Returns the participant written, or None when there was nothing to do
    (no host, or the host already takes part in whatever role).
    """
    if exercise.host_id is None:
        return None
    if ExerciseParticipant.objects.filter(exercise=exercise, country_id=exercise.host_id).exists():
        return None
    participant = ExerciseParticipant(
        exercise=exercise, country_id=exercise.host_id, role=ExerciseParticipant.Role.HOST
    )
    if user is not None:
        participant._history_user = user
    participant.save()
    return participant


__all__ = [
    "CitingRefused",
    "add_host_as_participant",
    "cite_facts",
    "default_claim",
    "fact_key",
    "facts_of",
]
