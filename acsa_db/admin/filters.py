"""Changelist filters curators use: by party country, by year, by citation coverage, by value.

A filter's value is text from the URL, sent by anyone who can open the list:
each filter here acts only on the values it offers (a listed target, a year a
date can hold, "yes" or "no") and lists nothing for any other value. None of
them turns the value into a field path or a date without checking it first.
"""

import datetime

from django.contrib import admin
from django.db import connections, router
from django.db.models import Exists, OuterRef

from ..coverage import (
    with_contradicting_citations,
    with_every_fact_cited,
    with_uncited_facts,
    without_contradicting_citations,
)
from ..models import CITATION_TARGETS, AgreementEvent, AgreementParty, Country, ExerciseParticipant


class CountryFilter(admin.SimpleListFilter):
    """Records that involve a given country; lists only countries that occur.

    The list of countries is an EXISTS per country on the party (or
    participant) table's country index; the filter is ``id IN (records of the
    country's parties)``, which PostgreSQL can answer either way round: from
    the country's parties when they are few, along the list's order when they
    are many. A join would multiply the records by their parties and need a
    DISTINCT over the whole result.
    """

    title = "country"
    parameter_name = "country"
    fact_model = None  # the party or participant model, set by subclasses
    record_field = None  # its foreign key to the record

    def lookups(self, request, model_admin):
        used = list(
            Country.objects.filter(Exists(self.fact_model.objects.filter(country=OuterRef("pk")))).order_by(
                "name"
            )
        )
        # The countries' ids, for queryset(): read here, with the list, instead of once more.
        self.country_ids = {country.key: country.pk for country in used}
        return [(country.key, f"{country.name} ({country.key})") for country in used]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        key = self.value().strip()
        country_id = self.country_ids.get(key) or self.country_ids.get(key.upper())
        if country_id is None:  # a country with no record: nothing to list
            return queryset.none()
        # By the country's id, not through a join on its code: PostgreSQL then knows from its
        # statistics how common the country is (a country that is party to a third of the
        # agreements is best found along the list's order, a rare one from its parties).
        facts = self.fact_model.objects.filter(country_id=country_id)
        return queryset.filter(pk__in=facts.values(f"{self.record_field}_id"))


class PartyCountryFilter(CountryFilter):
    title = "party country"
    parameter_name = "party"
    fact_model = AgreementParty
    record_field = "agreement"


class ParticipantCountryFilter(CountryFilter):
    title = "participant country"
    parameter_name = "participant"
    fact_model = ExerciseParticipant
    record_field = "exercise"


def year_choices(model, column, where="", params=()):
    """The years in which some row of ``model`` has a ``column`` date, newest first.

    ``where`` (SQL, with ``params``) narrows the rows (a signature's kind).
    Like ``distinct_values``, a loose index scan: from each year's first date
    to the first date of a later year, one index lookup per year present,
    instead of reading every row; a year with no record is not offered.
    """
    connection = connections[router.db_for_read(model)]
    quote = connection.ops.quote_name
    table, column = quote(model._meta.db_table), quote(column)
    if connection.vendor == "postgresql":
        next_year = "make_date(CAST(EXTRACT(YEAR FROM found.value) AS integer) + 1, 1, 1)"
    else:
        next_year = "date(found.value, 'start of year', '+1 year')"
    condition = f" AND ({where})" if where else ""
    sql = (
        f"WITH RECURSIVE found(value) AS ("
        f" SELECT MIN({column}) FROM {table} WHERE {column} IS NOT NULL{condition}"
        f" UNION ALL"
        f" SELECT (SELECT MIN({column}) FROM {table} WHERE {column} >= {next_year}{condition})"
        f" FROM found WHERE found.value IS NOT NULL"
        f") SELECT value FROM found WHERE value IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *params])
        dates = [row[0] for row in cursor.fetchall()]
    years = sorted(
        {date.year if hasattr(date, "year") else int(str(date)[:4]) for date in dates}, reverse=True
    )
    return [(str(year), str(year)) for year in years]


def _year(value):
    """The year ``value`` names, or None when it names none a date can hold (1 to 9999)."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    # A year a date cannot hold ("99999", "-1", thirty nines) would fail the date lookup.
    return year if datetime.MINYEAR <= year <= datetime.MAXYEAR else None


class SignatureYearFilter(admin.SimpleListFilter):
    title = "year signed"
    parameter_name = "signed"

    def signatures(self):
        return AgreementEvent.objects.filter(kind=AgreementEvent.Kind.SIGNATURE)

    def lookups(self, request, model_admin):
        return year_choices(AgreementEvent, "date", "kind = %s", [AgreementEvent.Kind.SIGNATURE])

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        year = _year(self.value())
        if year is None:  # not a year: no agreement was signed in it
            return queryset.none()
        # From the year's signatures (the kind and date index) to their agreements, read
        # first: a year holds about one agreement in a hundred, and as a subquery
        # PostgreSQL would rather walk the whole list in its order, probing each agreement.
        signed = self.signatures().filter(date__year=year).order_by().values_list("agreement_id", flat=True)
        return queryset.filter(pk__in=sorted(set(signed)))


class StartYearFilter(admin.SimpleListFilter):
    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        return year_choices(model_admin.model, "start_date")

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        year = _year(self.value())
        if year is None:  # not a year: no exercise started in it
            return queryset.none()
        return queryset.filter(start_date__year=year)


class CitationTargetFilter(admin.SimpleListFilter):
    """Citations of one kind of fact: ``?target=`` is one of ``CITATION_TARGETS``, never a field path."""

    title = "what it cites"
    parameter_name = "target"

    def lookups(self, request, model_admin):
        return [(name, name.replace("_", " ")) for name in CITATION_TARGETS]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if self.value() not in CITATION_TARGETS:
            # Used as a field path, any other value would let the URL filter on any column
            # the citation reaches (a reviewer's password hash) or join without end.
            return queryset.none()
        return queryset.filter(**{f"{self.value()}__isnull": False})


class UncitedFactsFilter(admin.SimpleListFilter):
    """Records with a fact (the record, an event, a party, a participant) that no citation supports."""

    title = "has uncited facts"
    parameter_name = "uncited"

    def lookups(self, request, model_admin):
        return [("yes", "yes"), ("no", "no")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return with_uncited_facts(queryset)
        if self.value() == "no":
            return with_every_fact_cited(queryset)
        return queryset if self.value() is None else queryset.none()


class ContradictingCitationsFilter(admin.SimpleListFilter):
    """Records with a fact that some citation contradicts."""

    title = "has contradicting citations"
    parameter_name = "contradicted"

    def lookups(self, request, model_admin):
        return [("yes", "yes"), ("no", "no")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return with_contradicting_citations(queryset)
        if self.value() == "no":
            return without_contradicting_citations(queryset)
        return queryset if self.value() is None else queryset.none()


def distinct_values(model, column):
    """The distinct non-null values of ``model.column``, ascending, then None if a row has none.

    Walks the column's index from each value to the next (a "loose index
    scan", one index lookup per distinct value) instead of ``SELECT
    DISTINCT``, which reads the whole table: the few languages of 200,000
    sources cost a few lookups. Both databases run the recursive query; it
    needs an index on the column to be cheap.
    """
    table = model._meta.db_table
    connection = connections[router.db_for_read(model)]
    quote = connection.ops.quote_name
    table, column = quote(table), quote(column)
    sql = (
        f"WITH RECURSIVE found(value) AS ("
        f" SELECT MIN({column}) FROM {table}"
        f" UNION ALL"
        f" SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > found.value)"
        f" FROM found WHERE found.value IS NOT NULL"
        f") SELECT value FROM found WHERE value IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        values = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT 1 FROM {table} WHERE {column} IS NULL LIMIT 1")
        if cursor.fetchone():
            values.append(None)
    return values


class DistinctValuesFilter(admin.AllValuesFieldListFilter):
    """Django's filter by every value present, with the values read by ``distinct_values``.

    Like the stock filter for a field of another model (``source__language``
    on citations), it lists the values of that model's whole table.
    """

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.lookup_choices = distinct_values(field.model, field.column)

    def queryset(self, request, queryset):
        # Only a value the list offers: any other lists nothing, before it reaches the database
        # (a NUL byte, text for a number column).
        offered = {str(value) for value in self.lookup_choices if value is not None}
        if any(value not in offered for value in self.lookup_val or ()):
            return queryset.none()
        return super().queryset(request, queryset)


class OccurringChoicesFilter(admin.ChoicesFieldListFilter):
    """Django's filter by a field's choices, listing only the choices some row has (by ``distinct_values``)."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.occurring = {
            str(value) for value in distinct_values(field.model, field.column) if value is not None
        }

    def choices(self, changelist):
        # Django's choices come as "All", then one per choice in the field's order, then "empty"
        # if the field is nullable: each choice is matched to its value by that order.
        values = [str(lookup) for lookup, _title in self.field.flatchoices if lookup is not None]
        for position, choice in enumerate(super().choices(changelist)):
            value = values[position - 1] if 0 < position <= len(values) else None
            if value is None or value in self.occurring:
                yield choice


class OccurringRelatedFilter(admin.RelatedFieldListFilter):
    """Django's filter by a related record (a type, a domain), listing only those some row refers to."""

    def field_choices(self, field, request, model_admin):
        related = field.related_model
        if field.many_to_many:
            through = field.remote_field.through
            used = through.objects.filter(**{f"{related._meta.model_name}_id": OuterRef("pk")})
        else:
            used = field.model.objects.filter(**{field.attname: OuterRef("pk")})
        ordering = self.field_admin_ordering(field, request, model_admin)
        return [(item.pk, str(item)) for item in related.objects.filter(Exists(used)).order_by(*ordering)]
