"""Citable releases: each frozen, checksummed bundle of the data set that make_release wrote."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .base import choice_constraint


class ReleasePolicy(models.TextChoices):
    REVIEWED = "reviewed", "verified and needs-review records"
    VERIFIED_ONLY = "verified_only", "verified records only"


class DataRelease(models.Model):
    """One release of the data set: a version researchers cite, and the zip that holds it.

    Written by ``manage.py make_release`` (or a superuser's "Make a release" page) once the
    bundle is on disk; a version is never made twice. The counts are those of the bundle,
    after the release policy's filter, not of the database.
    """

    Policy = ReleasePolicy

    version = models.CharField(
        max_length=40,
        unique=True,
        help_text="The version researchers cite: semantic (1.2.0) or calendar (2026.01, 2026.01.15). "
        "Never reused.",
    )
    released_on = models.DateField(
        help_text="The release date printed in CITATION.cff and the changelog (the command's --date, "
        "or the day it was made)."
    )
    made_at = models.DateTimeField(auto_now_add=True, help_text="When the release was made (UTC).")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The superuser who made it in the admin; empty when made with manage.py make_release.",
    )
    made_by_name = models.CharField(
        max_length=150,
        blank=True,
        help_text="Who made it, as a name that outlives the account: the admin user's username, or the "
        "operating-system user who ran the command.",
    )
    policy = models.CharField(
        max_length=16,
        choices=Policy.choices,
        help_text="Which records the release holds: verified and needs-review ones (the default), or "
        "verified ones only. Drafts and disputed records are never released.",
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The release its changelog compares with; empty for the first release.",
    )
    agreement_count = models.PositiveIntegerField(help_text="Agreements in the release.")
    exercise_count = models.PositiveIntegerField(help_text="Exercises in the release.")
    source_count = models.PositiveIntegerField(help_text="Sources in the release (those its facts cite).")
    citation_count = models.PositiveIntegerField(help_text="Citations in the release.")
    fact_count = models.PositiveIntegerField(
        help_text="Facts in the release: its agreements, events, parties, exercises and participants."
    )
    added_count = models.PositiveIntegerField(
        help_text="Facts added since the previous release (sources not counted)."
    )
    changed_count = models.PositiveIntegerField(
        help_text="Facts changed since the previous release: a value, or a citation added, changed or removed."
    )
    removed_count = models.PositiveIntegerField(
        help_text="Facts removed since the previous release (sources not counted)."
    )
    zip_name = models.CharField(
        max_length=120, help_text="File name of the release's zip (acsa-db-1.0.0.zip)."
    )
    zip_sha256 = models.CharField(
        "zip SHA-256",
        max_length=64,
        help_text="SHA-256 checksum of the zip, in hexadecimal: what a replication file can check.",
    )
    zip_bytes = models.PositiveBigIntegerField(help_text="Size of the zip in bytes.")

    class Meta:
        db_table = "data_release"
        ordering = ["-made_at", "-id"]
        get_latest_by = ["made_at", "id"]
        constraints = [
            choice_constraint("policy", ReleasePolicy, "data_release"),
            models.CheckConstraint(
                condition=~Q(version=""),
                name="data_release_version_not_empty",
                violation_error_message="A release needs a version.",
            ),
            models.CheckConstraint(
                condition=Q(previous__isnull=True) | ~Q(previous=models.F("pk")),
                name="data_release_not_its_own_previous",
                violation_error_message="A release cannot follow itself.",
            ),
        ]

    def __str__(self):
        return f"ACSA DB {self.version} ({self.released_on.isoformat()})"
