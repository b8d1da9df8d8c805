"""What every curated record shares: review fields and timestamps."""

from django.conf import settings
from django.db import models


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "draft"
    NEEDS_REVIEW = "needs_review", "needs review"
    VERIFIED = "verified", "verified"
    DISPUTED = "disputed", "disputed"


class CuratedRecord(models.Model):
    """A record that curators write and reviewers check against its citations."""

    review_status = models.CharField(
        max_length=12,
        choices=ReviewStatus.choices,
        default=ReviewStatus.DRAFT,
        db_index=True,
        help_text="Where the record stands in review: draft (being written), needs review "
        "(every fact cited, waiting for a reviewer), verified (checked against its "
        "citations) or disputed (sources disagree; see the citations with stance "
        "'contradicts').",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The reviewer who last verified or disputed the record.",
    )
    reviewed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the record was last verified or disputed (UTC)."
    )

    class Meta:
        abstract = True

    @classmethod
    def review_status_constraint(cls, prefix):
        return models.CheckConstraint(
            condition=models.Q(review_status__in=ReviewStatus.values),
            name=f"{prefix}_review_status_valid",
            violation_error_message="Unknown review status.",
        )


def choice_constraint(field, choices, prefix, *, allow_blank=False):
    """CHECK that a column holds one of its choices (researchers write SQL too)."""
    values = list(choices.values) + ([""] if allow_blank else [])
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__in": values}),
        name=f"{prefix}_{field}_valid",
        violation_error_message=f"Unknown {field.replace('_', ' ')}.",
    )


class PartyReference(models.Model):
    """Exactly one of a country or an organization: a party or a participant."""

    country = models.ForeignKey(
        "acsa_db.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The state, when the party is a state. Exactly one of country and organization is set.",
    )
    organization = models.ForeignKey(
        "acsa_db.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The international organization (NATO, EU, ...), when the party is one. "
        "Exactly one of country and organization is set.",
    )

    class Meta:
        abstract = True

    @staticmethod
    def exactly_one_party_constraint(prefix):
        return models.CheckConstraint(
            condition=(models.Q(country__isnull=False) & models.Q(organization__isnull=True))
            | (models.Q(country__isnull=True) & models.Q(organization__isnull=False)),
            name=f"{prefix}_exactly_one_party",
            violation_error_message="Give exactly one of a country and an organization.",
        )

    @property
    def party(self):
        return self.country or self.organization

    @property
    def party_key(self):
        """The party's code as imports and exports write it ("JPN", "cow:345", "NATO")."""
        if self.country_id:
            return self.country.key
        if self.organization_id:
            return self.organization.acronym
        return None

    def party_natural_key(self):
        return (
            self.country.key if self.country_id else None,
            self.organization.acronym if self.organization_id else None,
        )

    @staticmethod
    def party_lookup(country_key, organization_acronym):
        """Filter arguments that find a party row from ``party_natural_key()``."""
        from .countries import Country

        if country_key is not None:
            return Country.lookup_for_key(country_key, prefix="country__")
        return {"organization__acronym": organization_acronym}
