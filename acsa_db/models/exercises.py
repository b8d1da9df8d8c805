"""Exercises, drills and training deployments, and who took part."""

from django.db import models
from django.db.models import OuterRef, Q
from simple_history.models import HistoricalRecords

from ..history import HistoricalRecordsWithLinks
from ..partial_dates import (
    PartialDate,
    end_not_before_start_constraint,
    partial_date_constraints,
    precision_field,
)
from .agreements import count_subquery
from .base import CuratedRecord, PartyReference, RecordFact, choice_constraint, name_with_year


class DomainManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Domain(models.Model):
    """A domain of warfare an exercise practises (air, land, sea, ...)."""

    code = models.SlugField(max_length=30, unique=True, help_text="Stable code (air, missile_defense).")
    name = models.CharField(max_length=60, help_text="English name.")

    objects = DomainManager()
    history = HistoricalRecords(table_name="domain_history")

    class Meta:
        db_table = "domain"
        ordering = ["code"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class ExerciseKind(models.TextChoices):
    EXERCISE = "exercise", "exercise"
    DRILL = "drill", "drill"
    TRAINING_DEPLOYMENT = "training_deployment", "training deployment"
    DEPLOYMENT = "deployment", "deployment"


class ExerciseStatus(models.TextChoices):
    HELD = "held", "held"
    ANNOUNCED = "announced", "announced, not yet held"
    REPORTED_PLAN = "reported_plan", "reported plan, not known to be carried out"
    CANCELLED = "cancelled", "cancelled"


class ExerciseQuerySet(models.QuerySet):
    def with_citation_count(self):
        """Annotate ``citation_count``: citations of the record and its participants."""
        from .sources import Citation

        # Two counts added up, each following an index, rather than one count over an OR
        # that reads the whole citation table for every exercise shown.
        return self.annotate(
            citation_count=count_subquery(Citation.objects.filter(exercise=OuterRef("pk")))
            + count_subquery(Citation.objects.filter(exercise_participant__exercise=OuterRef("pk"))),
            participant_count=count_subquery(ExerciseParticipant.objects.filter(exercise=OuterRef("pk"))),
        )


class ExerciseManager(models.Manager.from_queryset(ExerciseQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Exercise(CuratedRecord):
    """An exercise, drill or training deployment."""

    Status = ExerciseStatus

    Kind = ExerciseKind

    slug = models.SlugField(
        max_length=80, unique=True, help_text="Stable, readable identifier (pitch-black-2024); never reused."
    )
    name = models.CharField(max_length=200, help_text="Name of the exercise or deployment.")
    series = models.CharField(
        max_length=100,
        blank=True,
        db_index=True,
        help_text="The recurring series it belongs to (Pitch Black, Freedom Edge).",
    )
    kind = models.CharField(
        max_length=20, choices=Kind.choices, default=Kind.EXERCISE, help_text="What sort of activity it is."
    )
    status = models.CharField(
        max_length=14,
        choices=Status.choices,
        default=Status.HELD,
        help_text="Whether it took place. A plan reported in the press but not found to be carried out is 'reported plan'.",
    )
    domains = models.ManyToManyField(
        Domain,
        blank=True,
        db_table="exercise_domain",
        related_name="exercises",
        help_text="The domains it practised (air, land, sea, amphibious, missile defense, cyber, space).",
    )
    start_date = models.DateField(
        null=True,
        blank=True,
        help_text="First day (or the first day of the month or year) it ran. Empty if unknown.",
    )
    start_date_precision = precision_field("start_date")
    end_date = models.DateField(
        null=True,
        blank=True,
        help_text="Last day it ran (first day of the period for month or year precision). Empty if unknown.",
    )
    end_date_precision = precision_field("end_date")
    location = models.CharField(
        max_length=300, blank=True, help_text="Where it took place (bases, sea areas)."
    )
    host = models.ForeignKey(
        "acsa_db.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_exercises",
        help_text="The state that hosted it, if any (none for exercises in international waters).",
    )
    part_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        help_text="The exercise this deployment went to (a national contingent's deployment to a "
        "multinational exercise). Count an exercise once: leave out the rows where this is set.",
    )
    scenario = models.TextField(
        blank=True, help_text="The scenario or purpose practised, as sources describe it."
    )
    summary = models.TextField(blank=True, help_text="What happened, in the curator's own words.")
    notes = models.TextField(blank=True, help_text="Curators' notes: caveats, disagreements between sources.")

    objects = ExerciseManager()
    # The domain links are history too: each version of the exercise lists its domains then
    # (exercise_domain_history), and adding or removing one writes a version.
    history = HistoricalRecordsWithLinks(
        table_name="exercise_history", excluded_fields=["version"], m2m_fields=[domains]
    )

    class Meta:
        db_table = "exercise"
        ordering = ["start_date", "slug"]
        # The admin's list in its default order (and sorted by start, or filtered by year)
        # and sorted by name reads these indexes, not the whole table.
        indexes = [
            models.Index(fields=["start_date", "slug"], name="exercise_start_date_slug"),
            models.Index(fields=["name"], name="exercise_name"),
        ]
        permissions = [
            ("send_exercise_for_review", "Can send an exercise for review"),
            ("review_exercise", "Can verify or dispute an exercise"),
        ]
        constraints = [
            CuratedRecord.review_status_constraint("exercise"),
            CuratedRecord.reviewed_at_constraint("exercise"),
            choice_constraint("kind", ExerciseKind, "exercise"),
            choice_constraint("status", ExerciseStatus, "exercise"),
            *partial_date_constraints("start_date", "exercise"),
            *partial_date_constraints("end_date", "exercise"),
            end_not_before_start_constraint("start_date", "end_date", "exercise"),
            models.CheckConstraint(
                condition=Q(part_of__isnull=True) | ~Q(part_of=models.F("pk")),
                name="exercise_not_part_of_itself",
                violation_error_message="An exercise cannot be part of itself.",
            ),
        ]

    def __str__(self):
        start = self.start
        return name_with_year(self.name, start.date.year if start else None)

    @property
    def start(self):
        return PartialDate.from_columns(self.start_date, self.start_date_precision)

    @property
    def end(self):
        return PartialDate.from_columns(self.end_date, self.end_date_precision)

    def natural_key(self):
        return (self.slug,)


class ParticipantRole(models.TextChoices):
    HOST = "host", "host"
    LEAD = "lead", "lead"
    PARTICIPANT = "participant", "participant"
    OBSERVER = "observer", "observer"


class ExerciseParticipantManager(models.Manager):
    def get_by_natural_key(self, exercise_slug, country_key, organization_acronym):
        return self.get(
            exercise__slug=exercise_slug,
            **PartyReference.party_lookup(country_key, organization_acronym),
        )


class ExerciseParticipant(RecordFact, PartyReference):
    """A state or organization that took part in an exercise, and what it sent."""

    Role = ParticipantRole

    exercise = models.ForeignKey(
        Exercise, on_delete=models.CASCADE, related_name="participants", help_text="The exercise."
    )
    country = models.ForeignKey(
        "acsa_db.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exercise_participations",
        help_text="The state, when the participant is a state. Exactly one of country and organization is set.",
    )
    organization = models.ForeignKey(
        "acsa_db.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exercise_participations",
        help_text="The organization, when the participant is one. Exactly one of country and organization is set.",
    )
    role = models.CharField(
        max_length=12, choices=Role.choices, default=Role.PARTICIPANT, help_text="Its part in the exercise."
    )
    forces = models.TextField(
        blank=True,
        help_text="Units, ships and aircraft it sent, as sources give them (F-35A, F-15J; JS Atago).",
    )
    note = models.TextField(blank=True, help_text="Curators' note on this participation.")

    objects = ExerciseParticipantManager()
    history = HistoricalRecords(table_name="exercise_participant_history")

    class Meta:
        db_table = "exercise_participant"
        ordering = ["exercise", "id"]
        constraints = [
            PartyReference.exactly_one_party_constraint("exercise_participant"),
            choice_constraint("role", ParticipantRole, "exercise_participant"),
            models.UniqueConstraint(
                fields=["exercise", "country"],
                name="exercise_participant_unique_country",
                violation_error_message="This country is already a participant.",
            ),
            models.UniqueConstraint(
                fields=["exercise", "organization"],
                name="exercise_participant_unique_organization",
                violation_error_message="This organization is already a participant.",
            ),
        ]

    def __str__(self):
        return f"{self.party} in {self.exercise.name}"

    def natural_key(self):
        return (self.exercise.slug, *self.party_natural_key())

    natural_key.dependencies = ["acsa_db.exercise", "acsa_db.country", "acsa_db.organization"]

    def records(self):
        return [self.exercise]
