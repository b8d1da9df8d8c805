"""States (current and historic) and international organizations."""

from django.db import models
from django.db.models.functions import Length, Upper
from django.db.models.lookups import Exact
from simple_history.models import HistoricalRecords


class CountryManager(models.Manager):
    def get_by_natural_key(self, key):
        return self.get(**Country.lookup_for_key(key))


class Country(models.Model):
    """A state, current or historic, with ISO 3166-1 and Correlates of War codes.

    ISO and COW codes are different systems (AUS is Australia in ISO and
    Austria in COW): they sit in separate columns and are never looked up in
    each other.
    """

    iso3 = models.CharField(
        "ISO alpha-3",
        max_length=3,
        unique=True,
        null=True,
        blank=True,
        help_text="ISO 3166-1 alpha-3 code (JPN). Empty for historic states that ISO 3166-1 does not list.",
    )
    iso2 = models.CharField(
        "ISO alpha-2",
        max_length=2,
        unique=True,
        null=True,
        blank=True,
        help_text="ISO 3166-1 alpha-2 code (JP). Namibia's is the string NA, not a missing value.",
    )
    iso_numeric = models.CharField(
        "ISO numeric",
        max_length=3,
        unique=True,
        null=True,
        blank=True,
        help_text="ISO 3166-1 numeric code, zero-padded to three digits (036 for Australia).",
    )
    cow_code = models.PositiveSmallIntegerField(
        "COW code",
        unique=True,
        null=True,
        blank=True,
        help_text="Correlates of War state number (740 for Japan). Empty for territories that are not COW states.",
    )
    cow_abbrev = models.CharField(
        "COW abbreviation",
        max_length=3,
        blank=True,
        help_text="Correlates of War three-letter abbreviation (GMY for Germany). Not an ISO code.",
    )
    name = models.CharField(
        max_length=100,
        help_text="English short name (from the R package countrycode; not always COW's state name).",
    )

    objects = CountryManager()
    history = HistoricalRecords(table_name="country_history")

    class Meta:
        db_table = "country"
        ordering = ["name"]
        verbose_name_plural = "countries"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(iso3__isnull=False) | models.Q(cow_code__isnull=False),
                name="country_iso3_or_cow_code",
                violation_error_message="A country needs an ISO alpha-3 code, a COW code, or both.",
            ),
            models.CheckConstraint(
                condition=models.Q(iso3__isnull=True)
                | (models.Q(Exact(Length("iso3"), 3)) & models.Q(iso3=Upper("iso3"))),
                name="country_iso3_format",
                violation_error_message="An ISO alpha-3 code is three capital letters.",
            ),
            models.CheckConstraint(
                condition=models.Q(iso2__isnull=True)
                | (models.Q(Exact(Length("iso2"), 2)) & models.Q(iso2=Upper("iso2"))),
                name="country_iso2_format",
                violation_error_message="An ISO alpha-2 code is two capital letters.",
            ),
            models.CheckConstraint(
                condition=models.Q(iso_numeric__isnull=True) | models.Q(Exact(Length("iso_numeric"), 3)),
                name="country_iso_numeric_format",
                violation_error_message="An ISO numeric code has three digits.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def key(self):
        """The code that names this country in fixtures and files: ISO alpha-3, else cow:<code>."""
        return self.iso3 if self.iso3 else f"cow:{self.cow_code}"

    def natural_key(self):
        return (self.key,)

    @staticmethod
    def lookup_for_key(key, prefix=""):
        """Filter arguments for a country key ("JPN" or "cow:345")."""
        key = str(key).strip()
        if key.lower().startswith("cow:"):
            return {f"{prefix}cow_code": int(key[4:])}
        return {f"{prefix}iso3": key.upper()}


class OrganizationManager(models.Manager):
    def get_by_natural_key(self, acronym):
        return self.get(acronym=acronym)


class Organization(models.Model):
    """An international organization that can be party to an agreement or join an exercise."""

    acronym = models.CharField(
        max_length=20, unique=True, help_text="Short name that identifies it (NATO, EU)."
    )
    name = models.CharField(max_length=200, help_text="Full English name.")
    url = models.URLField(blank=True, help_text="Official website.")

    objects = OrganizationManager()
    history = HistoricalRecords(table_name="organization_history")

    class Meta:
        db_table = "organization"
        ordering = ["acronym"]

    def __str__(self):
        return self.acronym

    def natural_key(self):
        return (self.acronym,)


class CowStateMembershipManager(models.Manager):
    def get_by_natural_key(self, cow_code, start_date):
        return self.get(cow_code=cow_code, start_date=start_date)


class CowStateMembership(models.Model):
    """One spell of a state's membership in the Correlates of War state system (COW v2016).

    Reference data, copied from COW's State System Membership List
    (acsa_db/data/cow_states.csv, provenance in acsa_db/data/README.md): a
    state that left and re-entered the system has one row per spell. It is
    joined to country by cow_code; COW states the country table lacks (the
    German Federal Republic, 260) are kept here with a note.
    """

    cow_code = models.PositiveSmallIntegerField(
        "COW code",
        help_text="Correlates of War state number (ccode): 740 for Japan, 260 for the German Federal Republic.",
    )
    cow_abbrev = models.CharField(
        "COW abbreviation", max_length=3, help_text="Correlates of War abbreviation (stateabb): GFR, JPN."
    )
    state_name = models.CharField(max_length=100, help_text="COW's name for the state (statenme).")
    start_date = models.DateField(help_text="First day of the spell of membership (styear, stmonth, stday).")
    end_date = models.DateField(
        help_text="Last day of the spell (endyear, endmonth, endday). 2016-12-31, the end of the COW "
        "v2016 data, means still a member when the list was made."
    )
    version = models.PositiveSmallIntegerField(help_text="Version of the COW list the row comes from (2016).")
    note = models.TextField(
        blank=True,
        help_text="How the state relates to the country table where that is not a plain match of cow_code "
        "(260 has no country row; COW continues 345 for Serbia).",
    )

    objects = CowStateMembershipManager()

    class Meta:
        db_table = "cow_state_membership"
        ordering = ["cow_code", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["cow_code", "start_date"],
                name="cow_state_membership_one_spell_per_start",
                violation_error_message="This state already has a spell starting that day.",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="cow_state_membership_end_not_before_start",
                violation_error_message="A spell cannot end before it starts.",
            ),
        ]

    def __str__(self):
        return f"{self.cow_code} {self.cow_abbrev}: {self.start_date} to {self.end_date}"

    def natural_key(self):
        return (self.cow_code, self.start_date.isoformat())
