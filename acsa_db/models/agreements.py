"""Agreements, who is party to them, and their dated life."""

from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from ..partial_dates import PartialDate, partial_date_constraints, precision_field
from .base import CuratedRecord, PartyReference, RecordFact, choice_constraint, name_with_year


class AgreementTypeManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class AgreementType(models.Model):
    """The controlled vocabulary of agreement types (ACSA, RAA, ISA, ...)."""

    code = models.CharField(
        max_length=20, unique=True, help_text="Stable code used in SQL, files and slugs (ACSA, RAA, ISA)."
    )
    name = models.CharField(max_length=120, help_text="English name of the type.")
    description = models.TextField(
        blank=True, help_text="What agreements of this type do, in a few sentences."
    )

    objects = AgreementTypeManager()
    history = HistoricalRecords(table_name="agreement_type_history")

    class Meta:
        db_table = "agreement_type"
        ordering = ["code"]

    def __str__(self):
        return self.code

    def natural_key(self):
        return (self.code,)


def count_subquery(queryset):
    """A correlated COUNT(*) subquery: one per row, with no join that multiplies rows."""
    return Coalesce(
        Subquery(
            queryset.order_by().annotate(_group=Value(1)).values("_group").annotate(n=Count("*")).values("n")
        ),
        0,
    )


class AgreementQuerySet(models.QuerySet):
    def with_signature_date(self):
        """Annotate ``signature_date``: the earliest signature event's date."""
        first_signature = (
            AgreementEvent.objects.filter(agreement=OuterRef("pk"), kind=AgreementEventKind.SIGNATURE)
            .exclude(date__isnull=True)
            .order_by("date")
        )
        return self.annotate(
            signature_date=Subquery(first_signature.values("date")[:1]),
            signature_date_precision=Subquery(first_signature.values("date_precision")[:1]),
        )

    def with_citation_count(self):
        """Annotate ``citation_count``: citations of the record, its events and its parties.

        Three counts added up rather than one count over an OR of the three
        targets: each follows an index (citation by agreement, by event, by
        party), where the OR made the database read the whole citation table
        for every agreement shown.
        """
        from .sources import Citation

        return self.annotate(
            citation_count=count_subquery(Citation.objects.filter(agreement=OuterRef("pk")))
            + count_subquery(Citation.objects.filter(agreement_event__agreement=OuterRef("pk")))
            + count_subquery(Citation.objects.filter(agreement_party__agreement=OuterRef("pk")))
        )


class AgreementManager(models.Manager.from_queryset(AgreementQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Agreement(CuratedRecord):
    """One agreement. A revised or replacement text is a new row that supersedes the old one."""

    slug = models.SlugField(
        max_length=80,
        unique=True,
        help_text="Stable, readable identifier (acsa-jpn-deu-2024); never changed or reused.",
    )
    title = models.CharField(max_length=300, help_text="Full title, in English, as the parties name it.")
    short_title = models.CharField(
        max_length=120, help_text="The name curators and researchers use (Japan–Germany ACSA)."
    )
    type = models.ForeignKey(
        AgreementType,
        on_delete=models.PROTECT,
        related_name="agreements",
        help_text="What kind of agreement this is.",
    )
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        help_text="The earlier agreement this one replaces, if any.",
    )
    text_url = models.URLField(
        max_length=500, blank=True, help_text="Where the agreement's text is published."
    )
    summary = models.TextField(blank=True, help_text="What the agreement does, in the curator's own words.")
    notes = models.TextField(
        blank=True, help_text="Curators' notes: open questions, caveats, disagreements between sources."
    )

    objects = AgreementManager()
    history = HistoricalRecords(table_name="agreement_history", excluded_fields=["version"])

    class Meta:
        db_table = "agreement"
        ordering = ["slug"]
        # Sorting the admin's list by short title reads this index, not the whole table.
        indexes = [models.Index(fields=["short_title"], name="agreement_short_title")]
        permissions = [
            ("send_agreement_for_review", "Can send an agreement for review"),
            ("review_agreement", "Can verify or dispute an agreement"),
        ]
        constraints = [
            CuratedRecord.review_status_constraint("agreement"),
            CuratedRecord.reviewed_at_constraint("agreement"),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(supersedes=models.F("pk")),
                name="agreement_not_superseding_itself",
                violation_error_message="An agreement cannot supersede itself.",
            ),
        ]

    def __str__(self):
        return name_with_year(self.short_title, self.signature_year)

    @property
    def signature_year(self):
        """The year of signature: from the changelist's annotation when there, else its events."""
        if hasattr(self, "signature_date"):
            date = self.signature_date
        elif self.pk:
            date = (
                self.events.filter(kind=AgreementEvent.Kind.SIGNATURE)
                .order_by("date")
                .values_list("date", flat=True)
                .first()
            )
        else:
            date = None
        return date.year if date else None

    def natural_key(self):
        return (self.slug,)


class AgreementPartyRole(models.TextChoices):
    PARTY = "party", "party"
    SIGNATORY = "signatory", "signatory (not yet a party)"
    OBSERVER = "observer", "observer"
    DEPOSITARY = "depositary", "depositary"


class AgreementPartyManager(models.Manager):
    def get_by_natural_key(self, agreement_slug, country_key, organization_acronym):
        return self.get(
            agreement__slug=agreement_slug,
            **PartyReference.party_lookup(country_key, organization_acronym),
        )


class AgreementParty(RecordFact, PartyReference):
    """A state or organization that is party to an agreement."""

    Role = AgreementPartyRole

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="parties", help_text="The agreement."
    )
    country = models.ForeignKey(
        "acsa_db.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreement_parties",
        help_text="The state, when the party is a state. Exactly one of country and organization is set.",
    )
    organization = models.ForeignKey(
        "acsa_db.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreement_parties",
        help_text="The organization (NATO, EU), when the party is one. Exactly one of country and organization is set.",
    )
    role = models.CharField(
        max_length=12, choices=Role.choices, default=Role.PARTY, help_text="How it stands in the agreement."
    )

    objects = AgreementPartyManager()
    history = HistoricalRecords(table_name="agreement_party_history")

    class Meta:
        db_table = "agreement_party"
        verbose_name_plural = "agreement parties"
        ordering = ["agreement", "id"]
        constraints = [
            PartyReference.exactly_one_party_constraint("agreement_party"),
            choice_constraint("role", AgreementPartyRole, "agreement_party"),
            models.UniqueConstraint(
                fields=["agreement", "country"],
                name="agreement_party_unique_country",
                violation_error_message="This country is already a party to the agreement.",
            ),
            models.UniqueConstraint(
                fields=["agreement", "organization"],
                name="agreement_party_unique_organization",
                violation_error_message="This organization is already a party to the agreement.",
            ),
        ]

    def __str__(self):
        return f"{self.party} in {self.agreement.short_title}"

    def natural_key(self):
        return (self.agreement.slug, *self.party_natural_key())

    natural_key.dependencies = ["acsa_db.agreement", "acsa_db.country", "acsa_db.organization"]

    def records(self):
        return [self.agreement]


class AgreementEventKind(models.TextChoices):
    NEGOTIATION_ANNOUNCED = "negotiation_announced", "talks agreed or announced"
    NEGOTIATION_LAUNCH = "negotiation_launch", "negotiations launched"
    AGREEMENT_IN_PRINCIPLE = "agreement_in_principle", "agreement in principle"
    # Japan's "jisshitsu goi": the text is settled and only signature remains, a later step
    # than an agreement in principle, where terms may still be open.
    SUBSTANTIVE_AGREEMENT = "substantive_agreement", "negotiations concluded in substance"
    INITIALING = "initialing", "text initialled"
    SIGNATURE = "signature", "signature"
    # An instrument made by exchange of notes is signed and takes effect as the notes are exchanged.
    EXCHANGE_OF_NOTES = "exchange_of_notes", "exchange of notes (instrument made and in force)"
    ADOPTION = "adoption", "adoption (non-treaty instrument)"
    APPROVAL = "approval", "approval or ratification"
    ENTRY_INTO_FORCE = "entry_into_force", "entry into force"
    ACTIVATION = "activation", "activation (mechanism starts operating)"
    AMENDMENT = "amendment", "amendment signed"
    SUSPENSION = "suspension", "suspension"
    REINSTATEMENT = "reinstatement", "reinstatement or normalisation"
    TERMINATION_NOTICE = "termination_notice", "notice of termination"
    # A notice of termination put on hold or taken back: the agreement stays in force either way.
    NOTICE_SUSPENDED = "notice_suspended", "notice of termination suspended"
    NOTICE_WITHDRAWN = "notice_withdrawn", "notice of termination withdrawn"
    TERMINATION = "termination", "termination"
    EXPIRY = "expiry", "expiry"
    OTHER = "other", "other"


class AgreementEventManager(models.Manager):
    def get_by_natural_key(self, agreement_slug, kind, date):
        return self.get(agreement__slug=agreement_slug, kind=kind, date=date)


class AgreementEvent(RecordFact):
    """A dated step in an agreement's life: talks, signature, approval, entry into force, ..."""

    Kind = AgreementEventKind

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="events", help_text="The agreement."
    )
    kind = models.CharField(max_length=24, choices=Kind.choices, help_text="What happened.")
    party = models.ForeignKey(
        AgreementParty,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        help_text="The party that acted alone (its own ratification, its notice), if not all of them.",
    )
    date = models.DateField(
        null=True,
        blank=True,
        help_text="When it happened: the first day of the period for month or year precision. "
        "Empty when no source gives a date.",
    )
    date_precision = precision_field("date")
    place = models.CharField(max_length=200, blank=True, help_text="Where it happened (city, venue).")
    note = models.TextField(blank=True, help_text="What the event involved, in the curator's own words.")

    objects = AgreementEventManager()
    history = HistoricalRecords(table_name="agreement_event_history")

    class Meta:
        db_table = "agreement_event"
        ordering = ["agreement", "date", "id"]
        indexes = [models.Index(fields=["kind", "date"], name="agreement_event_kind_date")]
        constraints = [
            choice_constraint("kind", AgreementEventKind, "agreement_event"),
            *partial_date_constraints("date", "agreement_event"),
            models.UniqueConstraint(
                fields=["agreement", "kind", "date"],
                name="agreement_event_unique_kind_date",
                violation_error_message="The agreement already has an event of this kind on this date.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.agreement.short_title}, {self.partial_date or 'date unknown'}"

    @property
    def partial_date(self):
        return PartialDate.from_columns(self.date, self.date_precision)

    def natural_key(self):
        return (self.agreement.slug, self.kind, self.date.isoformat() if self.date else None)

    natural_key.dependencies = ["acsa_db.agreement"]

    def records(self):
        return [self.agreement]

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.party_id and self.agreement_id and self.party.agreement_id != self.agreement_id:
            raise ValidationError({"party": "This party belongs to another agreement."})
