"""Citation coverage: which facts have a supporting citation, which do not, which are contradicted.

A fact is a row that a citation can back: an agreement or exercise as a
whole, an agreement's event or party, an exercise's participant. A fact is
*cited* when at least one citation with stance "supports" backs it; a
"contradicts" citation does not count, and makes the fact *contradicted*.
A dated fact (an event with a date, an exercise with a start date) is cited
only when a supporting citation backs its date (claim "date"): a source for
the exercise's existence says nothing about when it took place.

Everything here is a query that the database answers with EXISTS subqueries
or counts over the citations, so the coverage page and the changelist
filters cost a fixed number of queries whatever the size of the tables. On
PostgreSQL the coverage page estimates the counts of a large table from a
random sample of its facts, as the changelists estimate their counts, and
says so; the exact counts are a click away.
"""

import math
import random
from dataclasses import dataclass

from django.db import connections
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Subquery
from django.db.models.lookups import IsNull

from .models import (
    CITATION_TARGET_PATHS,
    Agreement,
    AgreementEvent,
    AgreementParty,
    Citation,
    Exercise,
    ExerciseParticipant,
)

SUPPORTS = Citation.Stance.SUPPORTS
CONTRADICTS = Citation.Stance.CONTRADICTS
DATE_CLAIM = Citation.Claim.DATE


@dataclass(frozen=True)
class FactTable:
    """A table whose rows are facts, and how its rows reach the record they belong to."""

    table: str  # the SQL table name, as researchers know it
    model: type
    citation_field: str  # the citation column that points at a row of this table
    record_field: str | None  # the column that points at the agreement or exercise; None for those
    date_field: str | None = None  # the fact's date: when set, only a citation of the date makes it cited

    def citations(self, stance, fact=None):
        """Citations of ``stance`` of ``fact`` (by default, the row of the enclosing query)."""
        fact = OuterRef("pk") if fact is None else fact
        return Citation.objects.filter(**{self.citation_field: fact, "stance": stance})

    def backing(self, fact=None):
        """The supporting citations that make ``fact`` cited (by default, the row of the enclosing query).

        Any supporting citation backs an undated fact; a dated one needs a citation of its date.
        ``fact`` is the enclosing row (None or ``OuterRef("pk")``) or a row of this table.
        """
        supports = self.citations(SUPPORTS, fact.pk if isinstance(fact, self.model) else fact)
        if self.date_field is None:
            return supports
        if isinstance(fact, self.model):
            if getattr(fact, self.date_field) is None:
                return supports
            return supports.filter(claim=DATE_CLAIM)
        return supports.filter(Q(claim=DATE_CLAIM) | IsNull(OuterRef(self.date_field), True))

    def backing_citations(self):
        """Every citation that makes some fact of this table cited (for the table's counts)."""
        supports = Citation.objects.filter(stance=SUPPORTS, **{f"{self.citation_field}__isnull": False})
        if self.date_field is None:
            return supports
        undated = {f"{self.citation_field}__{self.date_field}__isnull": True}
        return supports.filter(Q(claim=DATE_CLAIM) | Q(**undated))

    @property
    def citation_column(self):
        """The citation's column holding this table's ids (``agreement_event_id``)."""
        return f"{self.citation_field}_id"

    def is_cited(self):
        return Exists(self.backing())

    def cited_id(self):
        """The fact's id if a citation supports it, else NULL: one probe of the citations' index per fact.

        Written as a scalar subquery, not as ``is_cited()``'s EXISTS, which
        PostgreSQL turns into a join over the whole citations' index
        (docs/performance.md, "Behind the code's choices"). It reads the target
        column, not the citation's id: the index holds it, so the probe reads no
        citation row.
        """
        return Subquery(self.backing().order_by().values(self.citation_column)[:1])

    def rows(self):
        related = [self.record_field] if self.record_field else []
        if self.model in (AgreementParty, ExerciseParticipant):
            related += ["country", "organization"]
        return self.model.objects.select_related(*related)


FACT_TABLES = (
    FactTable("agreement", Agreement, "agreement", None),
    FactTable("agreement_event", AgreementEvent, "agreement_event", "agreement", date_field="date"),
    FactTable("agreement_party", AgreementParty, "agreement_party", "agreement"),
    FactTable("exercise", Exercise, "exercise", None, date_field="start_date"),
    FactTable("exercise_participant", ExerciseParticipant, "exercise_participant", "exercise"),
)

# For each kind of record, the tables of its facts (itself first).
RECORD_FACTS = {
    Agreement: (FACT_TABLES[0], FACT_TABLES[1], FACT_TABLES[2]),
    Exercise: (FACT_TABLES[3], FACT_TABLES[4]),
}


# On PostgreSQL, a table of more facts than this is estimated rather than counted: an exact count
# reads every citation of the table, a sample reads SAMPLE_SIZE facts whatever the table's size
# (docs/performance.md, "Behind the code's choices"). The page says which figures are
# estimates, and offers the exact counts.
EXACT_UP_TO = 20_000
SAMPLE_SIZE = 500
# In such a table the uncited facts are looked for among its newest facts only (the highest ids):
# where nearly every fact is cited, finding the few that are not means checking every fact.
NEWEST_FACTS = 2_000


@dataclass
class TableCoverage:
    table: FactTable
    total: int
    cited: int
    contradicted: int  # always exact: few citations contradict, and a partial index holds them
    uncited_rows: list  # facts with no supporting citation, at most ``limit`` of them
    sampled: int = 0  # facts in the sample the counts were estimated from; 0 when counted exactly
    cited_interval: tuple = (0.0, 1.0)  # 95% confidence interval of the cited share, when sampled
    newest_searched: int = 0  # facts among which the uncited ones were looked for, when sampled

    @property
    def estimated(self):
        return self.sampled > 0

    @property
    def uncited(self):
        return self.total - self.cited

    @property
    def percent_cited(self):
        return round(100 * self.cited / self.total) if self.total else 100

    @property
    def percent_cited_interval(self):
        low, high = self.cited_interval
        return math.floor(100 * low), math.ceil(100 * high)


def table_coverage(table, limit=200, exact=False):
    """Counts for one table, and its first ``limit`` uncited facts.

    The counts are exact on SQLite, for tables of up to ``EXACT_UP_TO`` facts
    and when ``exact`` is true; otherwise they are estimated from a random
    sample (see ``_estimated_coverage``).
    """
    if not exact and connections[table.model.objects.db].vendor == "postgresql":
        ids = table.model.objects.aggregate(first=Min("pk"), last=Max("pk"))
        if ids["last"] is not None and ids["last"] - ids["first"] >= EXACT_UP_TO:
            coverage = _estimated_coverage(table, limit, ids["first"], ids["last"])
            if coverage is not None:
                return coverage
    # Counted from the citations, not fact by fact: the distinct facts among the citations
    # of each stance that point at this table, which the (target, stance) index lists in
    # order (no sort, no citation row read), instead of an EXISTS probe for every fact.
    cited = _distinct_facts(table, table.backing_citations()).count()
    contradicted = _citing(table).filter(stance=CONTRADICTS).count()
    total = table.model.objects.count()
    # Where the counts show every fact cited, there is nothing to look for: the walk would check
    # every fact of the table to find none.
    uncited_rows = []
    if cited < total:
        uncited_rows = _uncited_rows(table, table.model.objects.filter(~table.is_cited()), limit)
    return TableCoverage(table, total, cited, contradicted, uncited_rows)


def _estimated_coverage(table, limit, first_id, last_id):
    """Counts estimated from ``SAMPLE_SIZE`` facts drawn at random, uncited facts among the newest.

    The sample is drawn among the ids from ``first_id`` to ``last_id``; the
    share of drawn ids that exist estimates the number of facts, the share of
    those that are cited the number cited. The draw is the same on every visit
    (a fixed seed), so the figures move only when the data does. Returns None
    where fewer than half the ids exist (a table thinned by deletions), whose
    counts are then taken exactly.
    """
    span = range(first_id, last_id + 1)
    draws = random.Random(table.table).sample(span, min(SAMPLE_SIZE, len(span)))
    sample = (
        table.model.objects.filter(pk__in=draws)
        .alias(cited_id=table.cited_id())
        .aggregate(found=Count("pk"), cited=Count("pk", filter=Q(cited_id__isnull=False)))
    )
    if sample["found"] < len(draws) / 2:
        return None
    total = round(len(span) * sample["found"] / len(draws))
    share = sample["cited"] / sample["found"]
    newest = table.model.objects.filter(pk__gt=last_id - NEWEST_FACTS).alias(cited_id=table.cited_id())
    uncited_rows = _uncited_rows(table, newest.filter(cited_id__isnull=True), limit)
    return TableCoverage(
        table,
        total=total,
        # Never fewer uncited than found: a sample that met none of the few there are says 100%.
        cited=min(round(total * share), total - len(uncited_rows)),
        contradicted=_citing(table).filter(stance=CONTRADICTS).count(),
        uncited_rows=uncited_rows,
        sampled=sample["found"],
        cited_interval=wilson_interval(sample["cited"], sample["found"]),
        newest_searched=min(NEWEST_FACTS, len(span)),
    )


def wilson_interval(successes, trials, z=1.96):
    """The Wilson score interval of a proportion (95% by default): sound near 0 and 1, unlike p ± z·se."""
    share = successes / trials
    centre = (share + z * z / (2 * trials)) / (1 + z * z / trials)
    half_width = (z / (1 + z * z / trials)) * math.sqrt(
        share * (1 - share) / trials + z * z / (4 * trials * trials)
    )
    return max(0.0, centre - half_width), min(1.0, centre + half_width)


def _citing(table):
    """The distinct facts of ``table`` that citations point at, as ids."""
    fact_id = table.citation_column
    return _distinct_facts(table, Citation.objects.filter(**{f"{fact_id}__isnull": False}))


def _distinct_facts(table, citations):
    """The distinct facts of ``table`` that ``citations`` point at, as ids."""
    return citations.order_by().values(table.citation_column).distinct()


def _uncited_rows(table, uncited, limit):
    """The first ``limit`` facts of ``uncited`` (a queryset of uncited facts), with what names them."""
    # The ids first, by a subquery that reads only the indexes (the table's primary key and the
    # citations' target index); the rows, with what names them, for those ids only. Where
    # nearly every fact is cited the walk covers the whole table, and reading each row on the
    # way would cost the table's pages as well.
    uncited_ids = uncited.order_by("pk").values("pk")[:limit]
    uncited_rows = list(table.rows().filter(pk__in=uncited_ids).order_by("pk"))
    _name_agreements(uncited_rows)
    return uncited_rows


def _name_agreements(facts):
    """Read the signature year of every agreement the facts belong to in one query.

    An agreement is named with that year ("Japan–Germany ACSA (2024)"): without
    it, naming each listed fact would read its agreement's events, one query per
    fact.
    """
    agreements = [record_of(fact) for fact in facts]
    ids = {agreement.pk for agreement in agreements if isinstance(agreement, Agreement)}
    if not ids:
        return
    years = dict(
        Agreement.objects.with_signature_date().filter(pk__in=ids).values_list("pk", "signature_date")
    )
    for agreement in agreements:
        if isinstance(agreement, Agreement):
            agreement.signature_date = years.get(agreement.pk)


def coverage_report(limit=200, exact=False):
    """Coverage of every fact table, in the order of FACT_TABLES."""
    return [table_coverage(table, limit, exact) for table in FACT_TABLES]


def _facts_of(record_model, record_ref, condition):
    """A condition on the record: some fact of it (itself, or a row of a child table) meets ``condition``."""
    own, *children = RECORD_FACTS[record_model]
    clauses = Q(condition(own, record_ref))
    for table in children:
        # "record_id = outer id" written as a range of one value, which PostgreSQL cannot
        # hash into a subplan reading the whole child table first: each record is checked
        # through the indexes (docs/performance.md, "Behind the code's choices").
        record_id = f"{table.record_field}_id"
        child_rows = table.model.objects.filter(
            **{f"{record_id}__gte": record_ref, f"{record_id}__lte": record_ref}
        )
        clauses |= Q(Exists(child_rows.filter(condition(table, OuterRef("pk")))))
    return clauses


def _some_fact_uncited(record_model):
    return _facts_of(record_model, OuterRef("pk"), lambda table, fact: ~Exists(table.backing(fact)))


def with_uncited_facts(queryset):
    """The records of ``queryset`` with at least one fact that no citation supports."""
    return queryset.filter(_some_fact_uncited(queryset.model))


def with_every_fact_cited(queryset):
    """The records of ``queryset`` whose every fact a citation supports.

    The condition is checked row by row, not as "not among the records with
    uncited facts", which would find every such record in the table first.
    """
    return queryset.exclude(_some_fact_uncited(queryset.model))


def _contradicted_record_ids(record_model):
    """The ids of the records with a contradicted fact, from the contradicting citations.

    Contradicting citations are few (a partial index holds them), so the
    records are found from them, not by checking every record in turn.
    """
    own, *children = RECORD_FACTS[record_model]
    contradicting = Citation.objects.filter(stance=CONTRADICTS).order_by()
    ids = contradicting.filter(**{f"{own.citation_field}__isnull": False}).values(f"{own.citation_field}_id")
    for table in children:
        cited = contradicting.filter(**{f"{table.citation_field}__isnull": False})
        ids = ids.union(cited.values(f"{table.citation_field}__{table.record_field}_id"))
    return ids


def with_contradicting_citations(queryset):
    """The records of ``queryset`` with at least one fact that a citation contradicts."""
    return queryset.filter(pk__in=_contradicted_record_ids(queryset.model))


def without_contradicting_citations(queryset):
    """The records of ``queryset`` with no fact that a citation contradicts."""
    return queryset.exclude(pk__in=_contradicted_record_ids(queryset.model))


def uncited_facts(record):
    """The facts of one agreement or exercise that no citation supports, the record itself first."""
    own, *children = RECORD_FACTS[type(record)]
    facts = []
    if not own.backing(record).exists():
        facts.append(record)
    for table in children:
        facts += list(table.rows().filter(**{table.record_field: record}).filter(~table.is_cited()))
    return facts


def describe_fact(fact):
    """How a fact is named in messages: "the agreement itself", "party Germany", "event signature, 2023-09"."""
    if isinstance(fact, (Agreement, Exercise)):
        return f"the {fact._meta.verbose_name} itself"
    if isinstance(fact, AgreementEvent):
        return f"event {fact.get_kind_display()}, {fact.partial_date or 'date unknown'}"
    if isinstance(fact, AgreementParty):
        return f"party {fact.party}"
    if isinstance(fact, ExerciseParticipant):
        return f"participant {fact.party}"
    return str(fact)


def fact_label(fact):
    """A fact named with its record: "party Germany of Japan–Germany ACSA (2024)"."""
    record = record_of(fact)
    return str(record) if fact is record else f"{describe_fact(fact)} of {record}"


def record_of(fact):
    """The agreement or exercise a fact belongs to."""
    if isinstance(fact, (Agreement, Exercise)):
        return fact
    if isinstance(fact, (AgreementEvent, AgreementParty)):
        return fact.agreement
    return fact.exercise


@dataclass
class BackedRecord:
    """One record and the citations of its facts that a source gives."""

    record: object
    citations: list


# A source cited for thousands of facts (a treaty text, a dataset) would make its page as long:
# the page lists this many and links to the rest.
FACTS_BACKED_LIMIT = 200


def facts_backed_by(source, limit=FACTS_BACKED_LIMIT):
    """The first ``limit`` citations of ``source``, grouped by the agreement or exercise its fact belongs to."""
    citations = list(source.citations.select_related(*CITATION_TARGET_PATHS).order_by("id")[:limit])
    _name_agreements([citation.target for citation in citations])
    groups = {}
    for citation in citations:
        record = record_of(citation.target)
        key = (record._meta.model_name, record.pk)
        groups.setdefault(key, BackedRecord(record, [])).citations.append(citation)
    return sorted(groups.values(), key=lambda group: (group.record._meta.model_name, str(group.record)))
