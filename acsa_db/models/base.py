"""What every curated record shares: review fields, an edit counter, party columns."""

import re

from django.conf import settings
from django.db import models, router, transaction


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "draft"
    NEEDS_REVIEW = "needs_review", "needs review"
    VERIFIED = "verified", "verified"
    DISPUTED = "disputed", "disputed"


class EditConflict(Exception):
    """Someone else saved the record after this copy of it was read: saving it would overwrite their edit."""

    def __init__(self, record):
        self.record = record
        super().__init__(
            f"{record._meta.verbose_name.capitalize()} {record.pk} was changed by someone else "
            f"after version {record.version} was read."
        )


class VersionedRecord(models.Model):
    """A record that two curators may edit at once: optimistic locking on a version column.

    Each save of a row that exists runs ``UPDATE ... SET version = version + 1
    WHERE id = ? AND version = ?`` with the version this copy was read at,
    inside the save's transaction, before writing the row. When no row
    matches, someone saved in between and ``EditConflict`` is raised: the
    compare-and-set is done by the database, so two concurrent saves cannot
    both pass it. Fixture loading (raw saves) and ``QuerySet.update()`` do not
    go through ``save()`` and are not checked.
    """

    version = models.PositiveIntegerField(
        default=1,
        db_default=1,  # rows inserted with SQL start at version 1 too
        editable=False,
        help_text="Edit counter for optimistic locking: each save through the application adds one, "
        "and a save based on an older version is refused rather than overwriting someone else's edit.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding:
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            claimed = (
                type(self)
                ._base_manager.using(using)
                .filter(pk=self.pk, version=self.version)
                .update(version=models.F("version") + 1)
            )
            if not claimed:
                raise EditConflict(self)
            self.version += 1
            try:
                super().save(*args, **kwargs)
            except Exception:
                self.version -= 1  # the transaction rolls the claim back; keep the copy in step
                raise

    def bump_version(self):
        """Mark the record as changed without saving it (an event or citation of it changed).

        Anyone holding an older copy of the record's page is then refused, as
        their page shows the old facts.
        """
        type(self)._base_manager.filter(pk=self.pk).update(version=models.F("version") + 1)
        self.version += 1


class CuratedRecord(VersionedRecord):
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

    def save(self, *args, **kwargs):
        # The review rules (review_guard.record_saving) apply to every save, not only the
        # admin's: review fields are the workflow's, and a changed fact of a reviewed record
        # sends it back to needs review. Imported here: review_guard imports the models.
        from .review_guard import record_saving

        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            record_saving(self, kwargs.get("update_fields"))
            super().save(*args, **kwargs)

    @classmethod
    def review_status_constraint(cls, prefix):
        return models.CheckConstraint(
            condition=models.Q(review_status__in=ReviewStatus.values),
            name=f"{prefix}_review_status_valid",
            violation_error_message="Unknown review status.",
        )

    @classmethod
    def reviewed_at_constraint(cls, prefix):
        """A verified or disputed record says when it was reviewed (``reviewed_by`` may be unknown)."""
        return models.CheckConstraint(
            condition=~models.Q(review_status__in=[ReviewStatus.VERIFIED, ReviewStatus.DISPUTED])
            | models.Q(reviewed_at__isnull=False),
            name=f"{prefix}_reviewed_at_when_reviewed",
            violation_error_message="A verified or disputed record needs reviewed_at: when it was reviewed.",
        )


class RecordFact(models.Model):
    """A fact of an agreement or exercise: an event, a party, a participant, a citation.

    Writing one changes its record: every ``save()`` and ``delete()`` runs
    inside ``review_guard.fact_write``, which sends a verified or disputed
    record back to needs review and moves its version, whoever writes.
    ``QuerySet.update()``, ``QuerySet.delete()`` and ``bulk_create`` do not
    call these methods (imports call ``review_guard.fact_changed`` themselves).
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        from .review_guard import fact_write

        with fact_write(self):
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        from .review_guard import fact_write

        with fact_write(self, deleting=True):
            return super().delete(*args, **kwargs)

    def records(self):
        """The agreements or exercises this fact belongs to (one, or none for a citation without target)."""
        raise NotImplementedError


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


def name_with_year(name, year):
    """``name (year)``, or ``name`` alone when there is no year or the name already says it.

    "Talisman Sabre 2025" stays as it is rather than "Talisman Sabre 2025 (2025)".
    """
    if not year or re.search(rf"(?<![0-9]){year}(?![0-9])", name):
        return name
    return f"{name} ({year})"
