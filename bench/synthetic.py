"""Synthetic data at scale, for benchmarks: deterministic, realistically shaped, never mistaken for curated data.

``generate()`` fills the database with agreements, exercises, sources and
citations shaped like the real thing (see ``SHAPES`` below) but made up from
a seeded random generator: the same seed and sizes give the same rows.

**How synthetic rows are recognised.** Every agreement, exercise and source
slug starts with ``syn-``; every synthetic source's publisher starts with
"Synthetic " and its URL, when it has one, is on the reserved ``.invalid``
domain (RFC 2606: it can never resolve, so no link checker or reader is
sent to a real site). Countries, organizations, agreement types and domains
are the real reference data (``fixtures/*.json``), not synthetic: the
records refer to them as curated records do. No name, date or URL of a real
agreement or exercise is invented: titles are templates filled with the
reference countries' names and a record number.

**Fast path.** Rows are written in chunks through the import's ``Writer``
(``acsa_db/imports/writing.py``): COPY on PostgreSQL, ``bulk_create`` on
SQLite, all in one transaction, so a failed run leaves nothing behind.
Synthetic rows get no history rows (``*_history`` tables): they were never
edited by anyone, and a million history rows would only slow the run.

**Refusal.** ``generate()`` refuses a database that holds curated records
(any agreement, exercise or source whose slug does not start with ``syn-``)
unless ``force`` is given, and one that already holds synthetic records
unless ``replace`` is given (which deletes them first).
"""

import datetime
import itertools
import random
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q

from acsa_db.imports import Writer
from acsa_db.models import (
    Agreement,
    AgreementEvent,
    AgreementParty,
    AgreementType,
    Citation,
    Country,
    Domain,
    Exercise,
    ExerciseParticipant,
    Organization,
    ReviewStatus,
    Source,
)
from acsa_db.partial_dates import Precision

SLUG_PREFIX = "syn-"
PUBLISHER_PREFIX = "Synthetic "
URL_PREFIX = "https://synthetic.invalid/"

REFERENCE_FIXTURES = ("countries.json", "organizations.json", "agreement_types.json", "domains.json")


class SyntheticDataRefused(Exception):
    """The database holds records that generating synthetic data would mix with or clash with."""


@dataclass(frozen=True)
class Sizes:
    """How many records to generate. The defaults keep the issue's proportions: for 100,000
    agreements, 100,000 exercises, 200,000 sources and 1,000,000 citations."""

    agreements: int = 1000
    exercises: int | None = None
    sources: int | None = None
    citations: int | None = None

    def __post_init__(self):
        if self.exercises is None:
            object.__setattr__(self, "exercises", self.agreements)
        if self.sources is None:
            object.__setattr__(self, "sources", 2 * self.agreements)
        if self.citations is None:
            object.__setattr__(self, "citations", 10 * self.agreements)
        for name in ("agreements", "exercises", "sources", "citations"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} cannot be negative")
        if self.citations and not self.sources:
            raise ValueError("citations need at least one source")
        if self.citations and not (self.agreements or self.exercises):
            raise ValueError("citations need at least one agreement or exercise to cite")


# --- Shapes ------------------------------------------------------------------------------
# Size distributions are ((smallest, largest), weight): a range is drawn by
# weight, then a size uniformly within it.

PARTY_COUNTS = (((2, 2), 88), ((3, 5), 7), ((6, 12), 3), ((13, 30), 2))  # mostly bilateral
EVENT_COUNTS = (((2, 2), 20), ((3, 3), 30), ((4, 4), 25), ((5, 5), 15), ((6, 6), 10))
PARTICIPANT_COUNTS = (((2, 2), 40), ((3, 6), 33), ((7, 15), 20), ((16, 40), 7))
# Records draw citations in proportion to their facts, times this weight: well cited or a draft.
WELL_CITED_SHARE, WELL_CITED_WEIGHT, DRAFT_WEIGHT = 0.25, 2.5, 0.45
MEAN_CITATION_WEIGHT = WELL_CITED_SHARE * WELL_CITED_WEIGHT + (1 - WELL_CITED_SHARE) * DRAFT_WEIGHT
PRECISIONS = ((Precision.DAY, 75), (Precision.MONTH, 18), (Precision.YEAR, 7))
TYPE_WEIGHTS = {
    "ACSA": 18,
    "RAA": 6,
    "SOFA": 10,
    "ISA": 16,
    "DETA": 10,
    "DCA": 20,
    "PARTNERSHIP": 4,
    "DATA_SHARING": 4,
    "MOC": 12,
}
TYPE_TITLES = {
    "ACSA": "concerning reciprocal provision of supplies and services between their armed forces",
    "RAA": "concerning reciprocal access and the facilitation of cooperative activities",
    "SOFA": "regarding the status of their forces",
    "ISA": "on the security of classified military information",
    "DETA": "concerning the transfer of defence equipment and technology",
    "DCA": "on defence cooperation",
    "PARTNERSHIP": "on an individual partnership and cooperation programme",
    "DATA_SHARING": "on the sharing of military data",
    "MOC": "on defence cooperation and exchanges",
}
# Lifecycle order of agreement events; the kinds an agreement gets keep this order and dates rise along it.
BEFORE_SIGNATURE = (
    AgreementEvent.Kind.NEGOTIATION_ANNOUNCED,
    AgreementEvent.Kind.NEGOTIATION_LAUNCH,
    AgreementEvent.Kind.AGREEMENT_IN_PRINCIPLE,
)
AFTER_SIGNATURE = (
    AgreementEvent.Kind.APPROVAL,
    AgreementEvent.Kind.ENTRY_INTO_FORCE,
    AgreementEvent.Kind.AMENDMENT,
    AgreementEvent.Kind.SUSPENSION,
    AgreementEvent.Kind.TERMINATION_NOTICE,
    AgreementEvent.Kind.TERMINATION,
)
EXERCISE_KINDS = (
    (Exercise.Kind.EXERCISE, 75),
    (Exercise.Kind.DRILL, 10),
    (Exercise.Kind.TRAINING_DEPLOYMENT, 10),
    (Exercise.Kind.DEPLOYMENT, 5),
)
EXERCISE_STATUSES = (
    (Exercise.Status.HELD, 90),
    (Exercise.Status.ANNOUNCED, 4),
    (Exercise.Status.REPORTED_PLAN, 4),
    (Exercise.Status.CANCELLED, 2),
)
SERIES_WORDS = (
    ("Pacific", "Northern", "Southern", "Eastern", "Western", "Blue", "Silver", "Iron", "Steel", "Coastal")
    + ("Ocean", "Desert", "Arctic", "Golden", "Swift", "Joint", "Allied", "Red", "Green", "Grey"),
    ("Shield", "Sword", "Dragon", "Eagle", "Falcon", "Trident", "Anchor", "Thunder", "Horizon", "Lance")
    + ("Guardian", "Sentinel", "Harbour", "Spear", "Tiger", "Storm", "Wave", "Bridge", "Star", "Arrow"),
)
FORCES = (
    "frigate",
    "destroyer",
    "submarine",
    "patrol aircraft",
    "fighter aircraft",
    "tanker aircraft",
    "transport aircraft",
    "helicopter",
    "infantry company",
    "engineer platoon",
    "medical team",
    "air-defence battery",
)
SOURCE_KINDS = (
    (Source.Kind.OFFICIAL_STATEMENT, 20),
    (Source.Kind.PRESS_RELEASE, 20),
    (Source.Kind.NEWS, 30),
    (Source.Kind.WIRE, 8),
    (Source.Kind.STATE_MEDIA, 4),
    (Source.Kind.ANALYSIS, 8),
    (Source.Kind.ACADEMIC, 4),
    (Source.Kind.TREATY_TEXT, 4),
    (Source.Kind.DATASET, 1),
    (Source.Kind.REFERENCE, 1),
)
PUBLISHER_NAMES = {
    Source.Kind.OFFICIAL_STATEMENT: "ministry",
    Source.Kind.PRESS_RELEASE: "ministry",
    Source.Kind.TREATY_TEXT: "treaty series",
    Source.Kind.NEWS: "news",
    Source.Kind.WIRE: "wire",
    Source.Kind.STATE_MEDIA: "state broadcaster",
    Source.Kind.ANALYSIS: "think tank",
    Source.Kind.ACADEMIC: "journal",
    Source.Kind.DATASET: "data archive",
    Source.Kind.REFERENCE: "reference work",
}
LANGUAGES = (("en", 70), ("ja", 8), ("fr", 5), ("de", 4), ("ko", 4), ("es", 4), ("zh", 3), ("ru", 2))
SOURCE_TOPICS = (
    "logistics support",
    "reciprocal access",
    "information security",
    "defence equipment transfer",
    "maritime security",
    "cyber defence",
    "missile warning",
    "joint training",
    "status of forces",
    "defence industry",
    "humanitarian assistance",
    "disaster relief",
)
SOURCE_TITLES = (
    "{a} and {b} sign {topic} agreement",
    "{a} defence minister visits {b} for talks on {topic}",
    "Joint statement by {a} and {b} on {topic}",
    "{a} approves {topic} pact with {b}",
    "{a} and {b} begin negotiations on {topic}",
    "Analysis: what the {a}–{b} {topic} deal means",
    "{a}, {b} forces train together as {topic} ties deepen",
    "{a} parliament debates {topic} accord with {b}",
)
CLAIMS = {
    "agreement": (Citation.Claim.EXISTENCE, Citation.Claim.TITLE, Citation.Claim.TYPE, Citation.Claim.TERMS),
    "agreement_event": (Citation.Claim.DATE, Citation.Claim.EXISTENCE, Citation.Claim.PLACE),
    "agreement_party": (Citation.Claim.PARTIES, Citation.Claim.ROLE, Citation.Claim.SIGNATORIES),
    "exercise": (Citation.Claim.EXISTENCE, Citation.Claim.DATE, Citation.Claim.PLACE, Citation.Claim.TITLE),
    "exercise_participant": (Citation.Claim.PARTICIPATION, Citation.Claim.FORCES, Citation.Claim.ROLE),
}
CONTRADICTING_SHARE = 0.02  # of citations after a fact's first
EARLIEST_YEAR, LATEST_YEAR = 1952, 2025


def _mean_size(distribution):
    total = sum(weight for _, weight in distribution)
    return sum((low + high) / 2 * weight for (low, high), weight in distribution) / total


# Expected facts per record (the record itself, plus its parties and events or its
# participants): used to spread the citations over the records in proportion to their facts.
MEAN_AGREEMENT_FACTS = 1 + _mean_size(PARTY_COUNTS) + _mean_size(EVENT_COUNTS)
MEAN_EXERCISE_FACTS = 1 + _mean_size(PARTICIPANT_COUNTS)


# --- Checks before writing -----------------------------------------------------------------


def synthetic(queryset):
    """The rows of an agreement, exercise or source queryset that are synthetic."""
    return queryset.filter(slug__startswith=SLUG_PREFIX)


def curated_counts():
    """How many agreements, exercises and sources are not synthetic (curated), by table."""
    return {
        model._meta.db_table: model.objects.exclude(slug__startswith=SLUG_PREFIX).count()
        for model in (Agreement, Exercise, Source)
    }


def synthetic_counts():
    return {
        model._meta.db_table: synthetic(model.objects.all()).count()
        for model in (Agreement, Exercise, Source)
    }


def check_database(*, force=False, replace=False):
    """Raise ``SyntheticDataRefused`` unless the database may receive synthetic data."""
    curated = {table: n for table, n in curated_counts().items() if n}
    if curated and not force:
        found = ", ".join(f"{n:,} in {table}" for table, n in curated.items())
        raise SyntheticDataRefused(
            f"The database holds curated records ({found}). Synthetic data would be mixed with them: "
            "use an empty database, or pass --force to add synthetic records anyway."
        )
    existing = {table: n for table, n in synthetic_counts().items() if n}
    if existing and not replace:
        found = ", ".join(f"{n:,} in {table}" for table, n in existing.items())
        raise SyntheticDataRefused(
            f"The database already holds synthetic records ({found}). "
            "Pass --replace to delete them and generate new ones."
        )


def delete_synthetic():
    """Delete every synthetic record and what hangs off it, without writing history rows.

    ``_raw_delete`` issues one DELETE per table: Django's ``delete()`` would
    load each row to send signals, and simple-history would write a history
    row for each of a million deletions.
    """
    agreements = Q(slug__startswith=SLUG_PREFIX)
    steps = [
        Citation.objects.filter(
            Q(source__slug__startswith=SLUG_PREFIX)
            | Q(agreement__slug__startswith=SLUG_PREFIX)
            | Q(agreement_event__agreement__slug__startswith=SLUG_PREFIX)
            | Q(agreement_party__agreement__slug__startswith=SLUG_PREFIX)
            | Q(exercise__slug__startswith=SLUG_PREFIX)
            | Q(exercise_participant__exercise__slug__startswith=SLUG_PREFIX)
        ),
        AgreementEvent.objects.filter(agreement__slug__startswith=SLUG_PREFIX),
        AgreementParty.objects.filter(agreement__slug__startswith=SLUG_PREFIX),
        Agreement.objects.filter(agreements),
        Exercise.domains.through.objects.filter(exercise__slug__startswith=SLUG_PREFIX),
        ExerciseParticipant.objects.filter(exercise__slug__startswith=SLUG_PREFIX),
        Exercise.objects.filter(slug__startswith=SLUG_PREFIX),
        Source.objects.filter(slug__startswith=SLUG_PREFIX),
    ]
    for queryset in steps:
        queryset._raw_delete(queryset.db)


# --- The generator -----------------------------------------------------------------------


class SyntheticWriter(Writer):
    """The import's fast writer, without history rows: no one edited synthetic records."""

    def record_history(self, model, instances, history_type):
        pass


@dataclass
class Report:
    counts: dict = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, table, n):
        self.counts[table] = self.counts.get(table, 0) + n


class Generator:
    """Draws records from one seeded random generator, in a fixed order, and writes them in chunks."""

    def __init__(self, sizes, *, seed, chunk_size=2000, progress=None):
        self.sizes = sizes
        self.rng = random.Random(seed)
        self.chunk_size = chunk_size
        self.progress = progress or (lambda stage, done, total: None)
        self.writer = SyntheticWriter(batch_size=1000)
        self.report = Report()
        # Reference data, in a fixed order so that the draws do not depend on primary keys.
        self.countries = list(
            Country.objects.filter(iso3__isnull=False, cow_code__isnull=False).order_by("iso3")
        )
        if len(self.countries) < 2:
            raise SyntheticDataRefused(
                "The country table is empty: load the reference data first (manage.py load_fixtures)."
            )
        self.organizations = list(Organization.objects.order_by("acronym"))
        self.types = {t.code: t for t in AgreementType.objects.filter(code__in=TYPE_WEIGHTS)}
        if len(self.types) < len(TYPE_WEIGHTS):
            raise SyntheticDataRefused(
                "Agreement types are missing: load the reference data first (manage.py load_fixtures)."
            )
        self.domain_ids = list(Domain.objects.order_by("code").values_list("pk", flat=True))
        # A few countries take part in far more agreements and exercises than most (Zipf-like weights).
        hubs = self.rng.sample(self.countries, len(self.countries))
        self.country_weights = {country.pk: 1 / (rank + 1) ** 0.9 for rank, country in enumerate(hubs)}
        self.countries_by_weight = hubs
        self.cumulative_country_weights = list(itertools.accumulate(self.country_weights[c.pk] for c in hubs))
        self.source_ids = []
        self.citations_left = sizes.citations
        self.records_left = sizes.agreements + sizes.exercises
        self.expected_weight_left = MEAN_CITATION_WEIGHT * (
            sizes.agreements * MEAN_AGREEMENT_FACTS + sizes.exercises * MEAN_EXERCISE_FACTS
        )
        self.latest_by_pair = {}  # (type, party ids) -> pk of the latest agreement: revisions supersede it

    # -- drawing helpers ----------------------------------------------------------------------------
    def weighted(self, choices):
        values, weights = zip(*choices, strict=True)
        return self.rng.choices(values, weights)[0]

    def size(self, distribution):
        low, high = self.weighted(distribution)
        return self.rng.randint(low, high)

    def distinct_countries(self, n):
        chosen = {}
        while len(chosen) < n:
            country = self.rng.choices(self.countries_by_weight, cum_weights=self.cumulative_country_weights)[
                0
            ]
            chosen.setdefault(country.pk, country)
        return list(chosen.values())

    def partial_date(self, low, high):
        """A date between two dates, rounded down to a drawn precision."""
        day = low + datetime.timedelta(days=self.rng.randint(0, max(0, (high - low).days)))
        precision = self.weighted(PRECISIONS)
        if precision == Precision.MONTH:
            day = day.replace(day=1)
        elif precision == Precision.YEAR:
            day = day.replace(month=1, day=1)
        return day, str(precision)

    def year_span(self):
        return datetime.date(EARLIEST_YEAR, 1, 1), datetime.date(LATEST_YEAR, 12, 31)

    def reviewed_at(self):
        moment = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
        return moment + datetime.timedelta(seconds=self.rng.randrange(6 * 365 * 86400))

    # -- stages -----------------------------------------------------------------------------------
    def run(self):
        started = time.monotonic()
        self.generate_sources()
        self.generate_agreements()
        self.generate_exercises()
        self.report.seconds = time.monotonic() - started
        return self.report

    def chunks(self, total):
        for start in range(0, total, self.chunk_size):
            yield range(start, min(total, start + self.chunk_size))

    def insert(self, model, instances):
        self.writer.insert(model, instances)
        self.report.add(model._meta.db_table, len(instances))

    def generate_sources(self):
        total = self.sizes.sources
        for chunk in self.chunks(total):
            sources = [self.source(number) for number in chunk]
            self.insert(Source, sources)
            self.source_ids.extend(source.pk for source in sources)
            self.progress("sources", chunk.stop, total)

    def source(self, number):
        rng = self.rng
        kind = self.weighted(SOURCE_KINDS)
        a, b = self.distinct_countries(2)
        title = rng.choice(SOURCE_TITLES).format(a=a.name, b=b.name, topic=rng.choice(SOURCE_TOPICS))
        published, precision = self.partial_date(*self.year_span())
        if rng.random() < 0.05:
            published = precision = None  # undated documents
        return Source(
            slug=f"{SLUG_PREFIX}src-{number + 1:07d}",
            title=title,
            publisher=f"{PUBLISHER_PREFIX}{PUBLISHER_NAMES[kind]} {rng.randint(1, 400)}",
            kind=kind,
            url=f"{URL_PREFIX}source/{number + 1:07d}" if rng.random() < 0.85 else None,
            published=published,
            published_precision=precision,
            language=self.weighted(LANGUAGES),
            publisher_country_id=a.pk if rng.random() < 0.6 else None,
        )

    def generate_agreements(self):
        total = self.sizes.agreements
        for chunk in self.chunks(total):
            plans = [self.agreement_plan(number) for number in chunk]
            agreements = [plan.record for plan in plans]
            self.insert(Agreement, agreements)
            parties = []
            for plan in plans:
                for party in plan.facts["agreement_party"]:
                    party.agreement_id = plan.record.pk
                    parties.append(party)
            self.insert(AgreementParty, parties)
            events = []
            for plan in plans:
                for event, party_index in zip(plan.facts["agreement_event"], plan.event_parties, strict=True):
                    event.agreement_id = plan.record.pk
                    if party_index is not None:
                        event.party_id = plan.facts["agreement_party"][party_index].pk
                    events.append(event)
            self.insert(AgreementEvent, events)
            self.insert(Citation, [c for plan in plans for c in plan.citations()])
            for plan in plans:
                if plan.revision_key:
                    self.latest_by_pair[plan.revision_key] = plan.record.pk
            self.progress("agreements", chunk.stop, total)

    def agreement_plan(self, number):
        rng = self.rng
        type_code = self.weighted(TYPE_WEIGHTS.items())
        n_parties = self.size(PARTY_COUNTS)
        countries = self.distinct_countries(n_parties)
        organization = None
        if self.organizations and n_parties == 2 and rng.random() < 0.03:
            organization = rng.choice(self.organizations)  # NATO's or the EU's agreement with a state
            countries = countries[:1]
        names = [c.name for c in countries] + ([organization.acronym] if organization else [])
        if len(names) == 2:
            title = f"Agreement between {names[0]} and {names[1]} {TYPE_TITLES[type_code]}"
            short = f"{names[0]}–{names[1]} {type_code}"
            codes = "-".join(c.iso3.lower() for c in countries) + (
                f"-{organization.acronym.lower()}" if organization else ""
            )
        else:
            title = (
                f"Agreement among {', '.join(names[:3])} and {len(names) - 3} other states "
                f"{TYPE_TITLES[type_code]}"
                if len(names) > 4
                else f"Agreement among {', '.join(names[:-1])} and {names[-1]} {TYPE_TITLES[type_code]}"
            )
            short = f"Multilateral {type_code} ({len(names)} parties)"
        slug_codes = codes if len(names) == 2 else "multi"
        slug = f"{SLUG_PREFIX}{type_code.lower().replace('_', '-')}-{slug_codes}-{number + 1:06d}"
        revision_key = (type_code, tuple(sorted(c.pk for c in countries)), organization and organization.pk)
        supersedes = self.latest_by_pair.get(revision_key) if rng.random() < 0.5 else None
        record = Agreement(
            slug=slug,
            title=title[:300],
            short_title=f"{short} #{number + 1}"[:120],
            type_id=self.types[type_code].pk,
            supersedes_id=supersedes,
            summary=f"Synthetic record {number + 1}: a {type_code} between {len(names)} parties.",
        )
        parties = [AgreementParty(country_id=c.pk, role=AgreementParty.Role.PARTY) for c in countries]
        if organization:
            parties.append(AgreementParty(organization_id=organization.pk, role=AgreementParty.Role.PARTY))
        events, event_parties = self.agreement_events(parties)
        plan = RecordPlan(self, "agreement", record, {"agreement_party": parties, "agreement_event": events})
        plan.event_parties = event_parties
        plan.revision_key = revision_key
        plan.draw_citations(MEAN_AGREEMENT_FACTS)
        return plan

    def agreement_events(self, parties):
        rng = self.rng
        n_events = self.size(EVENT_COUNTS)
        if rng.random() < 0.05:
            kinds = list(BEFORE_SIGNATURE[: min(n_events, 3)])  # still under negotiation
        else:
            before = sorted(rng.sample(range(len(BEFORE_SIGNATURE)), rng.randint(0, min(2, n_events - 1))))
            after_count = n_events - 1 - len(before)
            after = sorted(rng.sample(range(len(AFTER_SIGNATURE)), after_count))
            kinds = (
                [BEFORE_SIGNATURE[i] for i in before]
                + [AgreementEvent.Kind.SIGNATURE]
                + [AFTER_SIGNATURE[i] for i in after]
            )
        low, high = self.year_span()
        moment = low + datetime.timedelta(days=rng.randint(0, (high - low).days - 3 * 365))
        events, event_parties = [], []
        for kind in kinds:
            moment = min(high, moment + datetime.timedelta(days=rng.randint(1, 400)))
            if rng.random() < 0.02:
                date, precision = None, None  # no source gives a date
            else:
                date, precision = self.partial_date(moment, moment)
            party_index = None
            if kind == AgreementEvent.Kind.APPROVAL and rng.random() < 0.5:
                party_index = rng.randrange(len(parties))  # one party's own ratification
            place = ""
            if kind == AgreementEvent.Kind.SIGNATURE and parties[0].country_id and rng.random() < 0.6:
                place = self.country_name(rng.choice(parties).country_id)
            events.append(AgreementEvent(kind=kind, date=date, date_precision=precision, place=place))
            event_parties.append(party_index)
        return events, event_parties

    def country_name(self, pk):
        if pk is None:
            return ""
        if not hasattr(self, "_names"):
            self._names = {c.pk: c.name for c in self.countries}
        return self._names[pk]

    def generate_exercises(self):
        total = self.sizes.exercises
        series = [f"{a} {b}" for a in SERIES_WORDS[0] for b in SERIES_WORDS[1]]
        for chunk in self.chunks(total):
            plans = [self.exercise_plan(number, series) for number in chunk]
            self.insert(Exercise, [plan.record for plan in plans])
            participants = []
            links = []
            for plan in plans:
                for participant in plan.facts["exercise_participant"]:
                    participant.exercise_id = plan.record.pk
                    participants.append(participant)
                links += [
                    Exercise.domains.through(exercise_id=plan.record.pk, domain_id=domain_id)
                    for domain_id in plan.domain_ids
                ]
            self.insert(ExerciseParticipant, participants)
            self.insert(Exercise.domains.through, links)
            self.insert(Citation, [c for plan in plans for c in plan.citations()])
            self.progress("exercises", chunk.stop, total)

    def exercise_plan(self, number, series_names):
        rng = self.rng
        n_participants = self.size(PARTICIPANT_COUNTS)
        countries = self.distinct_countries(n_participants)
        hosted = rng.random() < 0.85
        low, high = self.year_span()
        start, start_precision = self.partial_date(datetime.date(1990, 1, 1), high)
        # The end keeps the start's precision and does not fall before it.
        if start_precision == Precision.DAY:
            end, end_precision = start + datetime.timedelta(days=rng.randint(0, 20)), start_precision
        else:
            end, end_precision = start, start_precision
        series = rng.choice(series_names) if rng.random() < 0.6 else ""
        if series:
            name = f"{series} {start.year}"
        else:
            name = f"{'–'.join(c.name for c in countries[:2])} exercise {number + 1}"
        participants = []
        for index, country in enumerate(countries):
            role = ExerciseParticipant.Role.PARTICIPANT
            if index == 0 and hosted:
                role = ExerciseParticipant.Role.HOST
            elif rng.random() < 0.05:
                role = ExerciseParticipant.Role.OBSERVER
            forces = ""
            if role != ExerciseParticipant.Role.OBSERVER and rng.random() < 0.7:
                forces = ", ".join(
                    f"{rng.randint(1, 6)} {kind}" for kind in rng.sample(FORCES, rng.randint(1, 3))
                )
            participants.append(ExerciseParticipant(country_id=country.pk, role=role, forces=forces))
        if self.organizations and rng.random() < 0.03:
            participants.append(
                ExerciseParticipant(
                    organization_id=rng.choice(self.organizations).pk,
                    role=ExerciseParticipant.Role.PARTICIPANT,
                )
            )
        host = countries[0] if hosted else None
        record = Exercise(
            slug=f"{SLUG_PREFIX}ex-{number + 1:06d}",
            name=name,
            series=series,
            kind=self.weighted(EXERCISE_KINDS),
            status=self.weighted(EXERCISE_STATUSES),
            start_date=start if rng.random() < 0.97 else None,
            location=f"{host.name} and surrounding areas" if host else "international waters",
            host_id=host.pk if host else None,
            summary=f"Synthetic record {number + 1}: an exercise with {len(participants)} participants.",
        )
        record.start_date_precision = start_precision if record.start_date else None
        record.end_date = end if record.start_date else None
        record.end_date_precision = end_precision if record.start_date else None
        plan = RecordPlan(self, "exercise", record, {"exercise_participant": participants})
        plan.domain_ids = rng.sample(self.domain_ids, min(len(self.domain_ids), rng.randint(1, 3)))
        plan.draw_citations(MEAN_EXERCISE_FACTS)
        return plan


class RecordPlan:
    """An agreement or exercise, its facts, and the citations drawn for them, before any is written."""

    def __init__(self, generator, kind, record, facts):
        self.generator = generator
        self.kind = kind
        self.record = record
        self.facts = facts
        self.planned = []  # (target name, index in that fact list or None for the record, source id, claim, stance)
        self.event_parties = []
        self.revision_key = None
        self.domain_ids = []

    def all_facts(self):
        return [(self.kind, None)] + [
            (name, index) for name, rows in self.facts.items() for index in range(len(rows))
        ]

    def draw_citations(self, mean_facts):
        """Draw this record's share of the citations, and its review status from what they cover.

        Citations are fewer than facts at the issue's sizes (1,000,000 for about
        1,400,000 facts), so they are concentrated as in a live database: a
        quarter of the records are well cited (every fact, most several times),
        the rest are drafts with a few facts cited. The shares are drawn so
        that the total is exactly the number asked for.
        """
        gen, rng = self.generator, self.generator.rng
        facts = self.all_facts()
        weight = len(facts) * (WELL_CITED_WEIGHT if rng.random() < WELL_CITED_SHARE else DRAFT_WEIGHT)
        if gen.records_left == 1:
            quota = gen.citations_left  # the last record takes what is left: the total is exact
        else:
            quota = min(gen.citations_left, round(gen.citations_left * weight / gen.expected_weight_left))
        gen.citations_left -= quota
        gen.records_left -= 1
        gen.expected_weight_left = max(gen.expected_weight_left - mean_facts * MEAN_CITATION_WEIGHT, 1)
        # Most citations of a record come from a few sources about it.
        pool = [rng.choice(gen.source_ids) for _ in range(rng.randint(2, 4))] if quota else []
        used = set()
        cited = set()
        # The record itself first, then its other facts; what is left goes to facts already cited.
        order = [facts[0]] + rng.sample(facts[1:], len(facts) - 1)
        for fact in order[:quota]:
            self.cite(fact, pool, used, cited)
        for _ in range(quota - len(order[:quota])):
            self.cite(rng.choice(facts), pool, used, cited)
        contradicted = any(stance == Citation.Stance.CONTRADICTS for *_, stance in self.planned)
        if len(cited) < len(facts):
            status = ReviewStatus.DRAFT
        elif contradicted:
            status = ReviewStatus.DISPUTED
        else:
            status = ReviewStatus.VERIFIED if rng.random() < 0.55 else ReviewStatus.NEEDS_REVIEW
        self.record.review_status = status
        if status in (ReviewStatus.VERIFIED, ReviewStatus.DISPUTED):
            self.record.reviewed_at = gen.reviewed_at()

    def cite(self, fact, pool, used, cited):
        gen, rng = self.generator, self.generator.rng
        target, index = fact
        claims = CLAIMS[target]
        for attempt in range(20):
            source_id = (
                rng.choice(pool) if attempt < 10 and rng.random() < 0.7 else rng.choice(gen.source_ids)
            )
            claim = rng.choice(claims)
            if (target, index, source_id, claim) not in used:
                break
        else:
            # A tiny source table: take the first pair this fact does not use yet.
            free = ((s, c) for s in gen.source_ids for c in claims if (target, index, s, c) not in used)
            pair = next(free, None)
            if pair is None:
                raise SyntheticDataRefused(
                    f"Too few sources ({len(gen.source_ids)}) for this many citations of one fact: "
                    "ask for more sources or fewer citations."
                )
            source_id, claim = pair
        used.add((target, index, source_id, claim))
        stance = Citation.Stance.SUPPORTS
        if fact in cited and rng.random() < CONTRADICTING_SHARE:
            stance = Citation.Stance.CONTRADICTS
        cited.add(fact)
        self.planned.append((target, index, source_id, claim, stance))

    def citations(self):
        """The planned citations as rows, once the record and its facts have primary keys."""
        rows = []
        for target, index, source_id, claim, stance in self.planned:
            fact = self.record if index is None else self.facts[target][index]
            rows.append(
                Citation(source_id=source_id, claim=claim, stance=stance, **{f"{target}_id": fact.pk})
            )
        return rows


def generate(sizes, *, seed, force=False, replace=False, chunk_size=2000, progress=None):
    """Check the database, then write synthetic data of ``sizes`` drawn from ``seed``, all or nothing.

    Returns a ``Report`` of the rows written per table. Afterwards the
    tables' statistics are refreshed (ANALYZE), so that the query planner and
    the admin's estimated counts see the new sizes at once.
    """
    check_database(force=force, replace=replace)
    with transaction.atomic():
        load_reference_data()
        if replace:
            delete_synthetic()
        report = Generator(sizes, seed=seed, chunk_size=chunk_size, progress=progress).run()
    analyze()
    return report


def load_reference_data():
    """Load the real reference data (countries, organizations, types, domains) if a table of it is empty.

    loaddata matches rows by natural key, so loading again changes nothing.
    """
    if all(model.objects.exists() for model in (Country, Organization, AgreementType, Domain)):
        return
    from django.core.management import call_command

    call_command("loaddata", *REFERENCE_FIXTURES, verbosity=0)


def analyze():
    tables = [
        model._meta.db_table
        for model in (
            Source,
            Agreement,
            AgreementParty,
            AgreementEvent,
            Exercise,
            ExerciseParticipant,
            Exercise.domains.through,
            Citation,
        )
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
        else:
            cursor.execute("ANALYZE")
