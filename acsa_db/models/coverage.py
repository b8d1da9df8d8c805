"""What the data set covers systematically: the coverage statement as data.

A missing agreement reads as "none" only inside the coverage; outside it, as
unknown. The researchers' views (v3) read this table to tell a known zero from
an unknown, so changing a row changes their answers: extend a row's last
covered date when the curators have checked the sources up to a later day.
"""

from django.db import models
from django.db.models import F, Q


class CollectionCoverageManager(models.Manager):
    def get_by_natural_key(self, type_code, focal_key):
        from .countries import Country

        return self.get(
            agreement_type__code=type_code, **Country.lookup_for_key(focal_key, prefix="focal_country__")
        )


class CollectionCoverage(models.Model):
    """One agreement type collected systematically for one focal state, from one date to another."""

    agreement_type = models.ForeignKey(
        "acsa_db.AgreementType",
        on_delete=models.PROTECT,
        related_name="coverage",
        help_text="The type collected: every agreement of this type between the focal state and another "
        "state or organization, signed or in force within the dates, is recorded.",
    )
    focal_country = models.ForeignKey(
        "acsa_db.Country",
        on_delete=models.PROTECT,
        related_name="coverage",
        help_text="The state whose agreements are collected (Japan). A pair of states is covered only "
        "when one of them is the focal state.",
    )
    scope = models.CharField(
        max_length=200,
        help_text="What is collected, in words (Japan's agreements with states and organizations).",
    )
    first_covered_date = models.DateField(
        help_text="From this day on, an agreement of this type that is not recorded did not exist: "
        "counts are zero, not unknown. Before it, counts are unknown (NULL).",
    )
    last_covered_date = models.DateField(
        help_text="The latest day the curators' sources were checked for this type (the latest document "
        "used). The views treat the latest of these dates as today: no row after it, nothing later counts.",
    )
    notes = models.TextField(
        blank=True,
        help_text="Why the coverage starts and ends there, and what it leaves out.",
    )

    objects = CollectionCoverageManager()

    class Meta:
        db_table = "collection_coverage"
        ordering = ["agreement_type__code"]
        verbose_name_plural = "collection coverage"
        constraints = [
            models.UniqueConstraint(
                fields=["agreement_type", "focal_country"],
                name="collection_coverage_one_row_per_type_and_focal_country",
                violation_error_message="This type is already covered for this state: change its dates instead.",
            ),
            models.CheckConstraint(
                condition=Q(last_covered_date__gte=F("first_covered_date")),
                name="collection_coverage_last_not_before_first",
                violation_error_message="The last covered date cannot be before the first.",
            ),
        ]

    def __str__(self):
        return f"{self.agreement_type.code} for {self.focal_country}: {self.first_covered_date} to {self.last_covered_date}"

    def natural_key(self):
        return (self.agreement_type.code, self.focal_country.key)

    natural_key.dependencies = ["acsa_db.agreementtype", "acsa_db.country"]
