"""Changelist filters curators use: by party country, by year, by citation coverage."""

from django.contrib import admin
from django.db.models.functions import ExtractYear

from ..coverage import with_contradicting_citations, with_uncited_facts
from ..models import AgreementEvent, Country


class CountryFilter(admin.SimpleListFilter):
    """Records that involve a given country; lists only countries that occur."""

    title = "country"
    parameter_name = "country"
    country_path = None  # the lookup from the record to Country, set by subclasses

    def lookups(self, request, model_admin):
        used = Country.objects.filter(
            pk__in=model_admin.model.objects.values(self.country_path).distinct()
        ).order_by("name")
        return [(country.key, f"{country.name} ({country.key})") for country in used]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        lookup = Country.lookup_for_key(self.value(), prefix=f"{self.country_path}__")
        return queryset.filter(**lookup).distinct()


class PartyCountryFilter(CountryFilter):
    title = "party country"
    parameter_name = "party"
    country_path = "parties__country"


class ParticipantCountryFilter(CountryFilter):
    title = "participant country"
    parameter_name = "participant"
    country_path = "participants__country"


class SignatureYearFilter(admin.SimpleListFilter):
    title = "year signed"
    parameter_name = "signed"

    def lookups(self, request, model_admin):
        years = (
            AgreementEvent.objects.filter(kind=AgreementEvent.Kind.SIGNATURE, date__isnull=False)
            .annotate(year=ExtractYear("date"))
            .values_list("year", flat=True)
            .distinct()
            .order_by("-year")
        )
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.filter(
            events__kind=AgreementEvent.Kind.SIGNATURE, events__date__year=int(self.value())
        ).distinct()


class StartYearFilter(admin.SimpleListFilter):
    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = (
            model_admin.model.objects.filter(start_date__isnull=False)
            .annotate(year=ExtractYear("start_date"))
            .values_list("year", flat=True)
            .distinct()
            .order_by("-year")
        )
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.filter(start_date__year=int(self.value()))


class CitationTargetFilter(admin.SimpleListFilter):
    title = "what it cites"
    parameter_name = "target"

    def lookups(self, request, model_admin):
        from ..models import CITATION_TARGETS

        return [(name, name.replace("_", " ")) for name in CITATION_TARGETS]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
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
            return queryset.exclude(pk__in=with_uncited_facts(queryset.model.objects.all()).values("pk"))
        return queryset


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
            return queryset.exclude(
                pk__in=with_contradicting_citations(queryset.model.objects.all()).values("pk")
            )
        return queryset
