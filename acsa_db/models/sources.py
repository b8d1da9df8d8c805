"""Sources, and citations that tie each fact to the sources that back it."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from ..partial_dates import PartialDate, partial_date_constraints, precision_field
from .base import RecordFact, VersionedRecord, choice_constraint


class SourceKind(models.TextChoices):
    TREATY_TEXT = "treaty_text", "treaty text"
    OFFICIAL_STATEMENT = "official_statement", "official statement"
    PRESS_RELEASE = "press_release", "press release"
    NEWS = "news", "news"
    WIRE = "wire", "wire report"
    STATE_MEDIA = "state_media", "state media"
    ANALYSIS = "analysis", "analysis"
    ACADEMIC = "academic", "academic"
    DATASET = "dataset", "dataset"
    REFERENCE = "reference", "reference"


# Characters a source's URL may not hold as they are: a brace or a backslash would end the
# BibTeX field it is exported in (and open new entries). A real address writes them
# percent-encoded (%7B, %7D, %5C); the same rule is a CHECK constraint in the database.
URL_FORBIDDEN_CHARACTERS = ("{", "}", "\\")
URL_CHARACTERS_MESSAGE = (
    "A URL cannot contain a brace or a backslash ({, } or \\): write them percent-encoded "
    "(%7B, %7D, %5C), as the address they stand for."
)


def validate_url_characters(value):
    if value and any(character in value for character in URL_FORBIDDEN_CHARACTERS):
        raise ValidationError(URL_CHARACTERS_MESSAGE, code="url_characters")


def url_characters_constraint(field, table):
    """``field`` holds none of URL_FORBIDDEN_CHARACTERS (NOT LIKE on both databases; NULL passes)."""
    return models.CheckConstraint(
        condition=Q(*[~Q(**{f"{field}__contains": character}) for character in URL_FORBIDDEN_CHARACTERS]),
        name=f"{table}_{field}_characters",
        violation_error_message=URL_CHARACTERS_MESSAGE,
    )


class SourceManager(models.Manager):
    def get_by_natural_key(self, slug_or_url):
        if "://" in slug_or_url:
            return self.get(url=slug_or_url)
        return self.get(slug=slug_or_url)


class Source(VersionedRecord):
    """A document that backs facts: a treaty text, a release, a news report, a study."""

    Kind = SourceKind

    slug = models.SlugField(
        max_length=80, unique=True, help_text="Stable identifier (mofa-deu-acsa-sign-ja); never reused."
    )
    title = models.CharField(max_length=400, help_text="Title as published, in its original language.")
    publisher = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who published it (outlet, ministry). Empty when not identified.",
    )
    authors = models.CharField(
        max_length=300, blank=True, help_text="Authors, as credited; empty when none is."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, help_text="What sort of document it is.")
    url = models.URLField(
        "URL",
        max_length=500,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_url_characters],
        help_text="Where it was read. Unique where present; never holds a brace or a backslash "
        "(written percent-encoded: %7B, %7D, %5C).",
    )
    archive_url = models.URLField(
        "archive URL",
        max_length=500,
        blank=True,
        help_text="An archived copy (Wayback Machine, archive.today).",
    )
    published = models.DateField(
        null=True,
        blank=True,
        help_text="Publication date (first day of the period for month or year precision).",
    )
    published_precision = precision_field("published")
    accessed_on = models.DateField(null=True, blank=True, help_text="When a curator last read it.")
    language = models.CharField(
        max_length=12,
        blank=True,
        db_index=True,
        help_text="Language of the text as an ISO 639-1 code (en, ja, de).",
    )
    publisher_country = models.ForeignKey(
        "acsa_db.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="published_sources",
        help_text="The country the publisher is based in, if known.",
    )
    relays = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="relayed_by",
        help_text="The source this one reports on ('according to a report by ...'), when it is in the database.",
    )
    relays_description = models.CharField(
        max_length=300,
        blank=True,
        help_text="Who this source says it relays, when that report is not in the database "
        '("a Japanese news agency").',
    )
    notes = models.TextField(
        blank=True, help_text="Curators' notes on the source: reliability, copies, errors found."
    )
    url_checked_at = models.DateTimeField(
        "URL checked at",
        null=True,
        blank=True,
        help_text="When check_sources last requested the URL (UTC). Empty when never checked.",
    )
    url_status_code = models.PositiveSmallIntegerField(
        "URL status code",
        null=True,
        blank=True,
        help_text="HTTP status of the last check, after redirects (200 is fine, 404 is gone). "
        "Empty when the server did not answer or the URL was never checked.",
    )
    url_check_error = models.CharField(
        "URL check error",
        max_length=300,
        blank=True,
        default="",
        db_default="",
        help_text="Why the last check got no HTTP answer (timeout, refused connection, unknown host). "
        "Empty when it got one.",
    )

    objects = SourceManager()
    # The URL check columns are written by check_sources, not by curators: not history.
    history = HistoricalRecords(
        table_name="source_history",
        excluded_fields=["version", "url_checked_at", "url_status_code", "url_check_error"],
    )

    class Meta:
        db_table = "source"
        ordering = ["slug"]
        # Sorting the admin's list by publication date reads this index, not the whole table;
        # the language and link-status filters list their values from theirs (DistinctValuesFilter).
        indexes = [
            models.Index(fields=["published"], name="source_published"),
            models.Index(fields=["language"], name="source_language"),
            models.Index(fields=["url_status_code"], name="source_url_status_code"),
        ]
        constraints = [
            choice_constraint("kind", SourceKind, "source"),
            *partial_date_constraints("published", "source"),
            models.CheckConstraint(
                condition=Q(relays__isnull=True) | ~Q(relays=models.F("pk")),
                name="source_not_relaying_itself",
                violation_error_message="A source cannot relay itself.",
            ),
            url_characters_constraint("url", "source"),
        ]

    def __str__(self):
        published = self.published_partial
        label = f"{self.publisher}: {self.title}" if self.publisher else self.title
        return f"{label} ({published})" if published else label

    @property
    def published_partial(self):
        return PartialDate.from_columns(self.published, self.published_precision)

    def natural_key(self):
        return (self.slug,)


# The facts a citation can back, in the order of the citation table's columns.
CITATION_TARGETS = ("agreement", "agreement_event", "agreement_party", "exercise", "exercise_participant")

# What a citation's name and link read, by the kind of fact it cites (the fact's record, a
# party's country or organization): loaded with the citations (``select_related``) rather
# than one query per citation.
CITATION_TARGET_RELATED = {
    "agreement": ("agreement",),
    "agreement_event": ("agreement_event__agreement",),
    "agreement_party": (
        "agreement_party__agreement",
        "agreement_party__country",
        "agreement_party__organization",
    ),
    "exercise": ("exercise",),
    "exercise_participant": (
        "exercise_participant__exercise",
        "exercise_participant__country",
        "exercise_participant__organization",
    ),
}
CITATION_TARGET_PATHS = tuple(path for paths in CITATION_TARGET_RELATED.values() for path in paths)


class CitationClaim(models.TextChoices):
    EXISTENCE = "existence", "existence"
    TITLE = "title", "title or name"
    TYPE = "type", "type"
    PARTIES = "parties", "parties"
    PARTICIPATION = "participation", "participation"
    ROLE = "role", "role"
    DATE = "date", "date"
    PLACE = "place", "place"
    FORCES = "forces", "forces sent"
    TERMS = "terms", "terms and scope"
    SIGNATORIES = "signatories", "signatories"
    STATUS = "status", "status"
    SUPERSESSION = "supersession", "supersession"
    OTHER = "other", "other"


class CitationStance(models.TextChoices):
    SUPPORTS = "supports", "supports"
    CONTRADICTS = "contradicts", "contradicts"


class CitationManager(models.Manager):
    def get_by_natural_key(self, source_slug, target, *rest):
        *target_key, claim = rest
        target_model = Citation._meta.get_field(target).related_model
        target_obj = target_model.objects.get_by_natural_key(*target_key)
        return self.get(source__slug=source_slug, claim=claim, **{target: target_obj})


class Citation(RecordFact):
    """One source backing (or contradicting) one fact: a record, an event, a party or a participant."""

    Stance = CitationStance

    Claim = CitationClaim

    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="citations", help_text="The source cited."
    )
    agreement = models.ForeignKey(
        "acsa_db.Agreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # indexed with the stance: see Meta.indexes
        related_name="citations",
        help_text="The agreement as a whole, when that is what is cited. Exactly one target is set.",
    )
    agreement_event = models.ForeignKey(
        "acsa_db.AgreementEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # indexed with the stance: see Meta.indexes
        related_name="citations",
        help_text="The agreement event cited. Exactly one target is set.",
    )
    agreement_party = models.ForeignKey(
        "acsa_db.AgreementParty",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # indexed with the stance: see Meta.indexes
        related_name="citations",
        help_text="The agreement party cited. Exactly one target is set.",
    )
    exercise = models.ForeignKey(
        "acsa_db.Exercise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # indexed with the stance: see Meta.indexes
        related_name="citations",
        help_text="The exercise as a whole, when that is what is cited. Exactly one target is set.",
    )
    exercise_participant = models.ForeignKey(
        "acsa_db.ExerciseParticipant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # indexed with the stance: see Meta.indexes
        related_name="citations",
        help_text="The exercise participant cited. Exactly one target is set.",
    )
    claim = models.CharField(
        max_length=16,
        choices=Claim.choices,
        help_text="Which part of the fact the source backs (date, place, forces, ...).",
    )
    stance = models.CharField(
        max_length=12,
        choices=Stance.choices,
        default=Stance.SUPPORTS,
        help_text="Whether the source supports the fact as recorded or contradicts it.",
    )
    locator = models.CharField(
        max_length=200, blank=True, help_text="Where in the source: page, paragraph, section."
    )
    quote = models.CharField(
        max_length=300,
        blank=True,
        help_text="A short fragment of the source, if useful. Never more than a sentence.",
    )
    note = models.TextField(
        blank=True,
        help_text="What this source says, when it differs from the record (another count, another day).",
    )

    objects = CitationManager()
    history = HistoricalRecords(table_name="citation_history")

    class Meta:
        db_table = "citation"
        ordering = ["id"]
        # The few contradicting citations (a few in a hundred), by what they cite: finding the
        # disputed facts reads this small index rather than the citation table.
        indexes = [
            models.Index(
                fields=list(CITATION_TARGETS),
                condition=Q(stance="contradicts"),
                name="citation_contradicting",
            ),
            # Each target's foreign-key index, with the stance beside the fact's id: whether a
            # fact has a supporting citation is then answered from the index alone, without
            # reading citation rows (the coverage page's counts, the uncited-facts filters,
            # the citation_coverage view). A lookup by target alone uses it as it would the
            # plain foreign-key index, which it replaces (migration 0009).
            *[
                models.Index(fields=[target, "stance"], name=f"citation_{short}_stance")
                for target, short in (("agreement", "agreement"), ("agreement_party", "party"))
                + (("exercise_participant", "participant"),)
            ],
            # A dated fact (an event, an exercise) is cited only by a citation of its date: with the
            # claim in the index, that too is answered from the index alone (migration 0013).
            *[
                models.Index(fields=[target, "stance", "claim"], name=f"citation_{short}_stance_claim")
                for target, short in (("agreement_event", "event"), ("exercise", "exercise"))
            ],
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    *[
                        Q(**{f"{name}__isnull": name != target for name in CITATION_TARGETS})
                        for target in CITATION_TARGETS
                    ],
                    _connector=Q.OR,
                ),
                name="citation_exactly_one_target",
                violation_error_message="A citation backs exactly one fact: set exactly one target.",
            ),
            choice_constraint("claim", CitationClaim, "citation"),
            choice_constraint("stance", CitationStance, "citation"),
            *[
                models.UniqueConstraint(
                    fields=["source", target, "claim"],
                    condition=Q(**{f"{target}__isnull": False}),
                    name=f"citation_unique_{target}_claim",
                    violation_error_message="This source is already cited for this claim on this fact.",
                )
                for target in CITATION_TARGETS
            ],
        ]

    def __str__(self):
        return f"{self.source.slug} {self.stance} {self.get_claim_display()} of {self.target_label}"

    @property
    def target_label(self):
        """A short name for the cited fact that needs no query beyond the target's own row."""
        target = self.target
        if target is None:
            return "nothing"
        if self.agreement_id:
            return target.short_title
        if self.exercise_id:
            return target.name
        return str(target)

    @property
    def target_name(self):
        for name in CITATION_TARGETS:
            if getattr(self, f"{name}_id"):
                return name
        return None

    @property
    def target(self):
        name = self.target_name
        return getattr(self, name) if name else None

    def records(self):
        target = self.target
        if target is None:
            return []
        return [target if self.agreement_id or self.exercise_id else target.records()[0]]

    def natural_key(self):
        return (self.source.slug, self.target_name, *self.target.natural_key(), self.claim)

    natural_key.dependencies = [
        "acsa_db.source",
        "acsa_db.agreement",
        "acsa_db.agreementevent",
        "acsa_db.agreementparty",
        "acsa_db.exercise",
        "acsa_db.exerciseparticipant",
    ]
