from django.contrib import admin
from django.db.models import Prefetch

from ..imports import (
    AgreementEventResource,
    AgreementPartyResource,
    AgreementResource,
    AgreementSheetResource,
    AgreementTypeResource,
)
from ..models import Agreement, AgreementEvent, AgreementParty, AgreementType, Citation
from ..search import admin_search_results
from .autocomplete import KnownObjectsInlineMixin
from .citations import AgreementCitationInline, AgreementEventCitationInline, AgreementPartyCitationInline
from .cite import CiteFactsAdmin
from .display import PartialDatesShownAdmin, admin_link, citation_list, partial_date
from .filters import (
    ContradictingCitationsFilter,
    OccurringChoicesFilter,
    OccurringRelatedFilter,
    PartyCountryFilter,
    SignatureYearFilter,
    UncitedFactsFilter,
)
from .forms import AgreementEventForm, AgreementForm
from .import_export import ImportExportAdminMixin
from .paginators import LargeTableAdmin
from .return_to import ReturnToRecordAdmin
from .workflow import ConcurrentEditAdmin, FactAdmin, HistoryAdmin, ReviewWorkflowAdmin

CITATIONS_WITH_SOURCES = Prefetch("citations", queryset=Citation.objects.select_related("source"))


@admin.register(AgreementType)
class AgreementTypeAdmin(ImportExportAdminMixin, HistoryAdmin):
    resource_classes = [AgreementTypeResource]
    list_display = ("code", "name")
    search_fields = ("code", "name")


class AgreementPartyInline(KnownObjectsInlineMixin, admin.TabularInline):
    model = AgreementParty
    fields = ("country", "organization", "role", "citations")
    readonly_fields = ("citations",)
    autocomplete_fields = ("country", "organization")
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("country", "organization", "agreement")
            .prefetch_related(CITATIONS_WITH_SOURCES)
        )

    @admin.display(description="citations")
    def citations(self, party):
        return citation_list(party.citations.all()) if party.pk else "–"


class AgreementEventInline(PartialDatesShownAdmin, admin.TabularInline):
    model = AgreementEvent
    form = AgreementEventForm
    fields = ("kind", "date", "party", "place", "note", "citations")
    readonly_fields = ("citations",)
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("agreement", "party__country", "party__organization")
            .prefetch_related(CITATIONS_WITH_SOURCES)
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "party":
            # Only the parties of the agreement being edited can act alone.
            object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = AgreementParty.objects.filter(agreement_id=object_id).select_related(
                "country", "organization", "agreement"
            )
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            # Read the parties once for every event row: each row's select would query them again.
            field.choices = list(field.choices)
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="citations")
    def citations(self, event):
        return citation_list(event.citations.all()) if event.pk else "–"


@admin.register(Agreement)
class AgreementAdmin(
    LargeTableAdmin,
    ImportExportAdminMixin,
    CiteFactsAdmin,
    ReviewWorkflowAdmin,
    ConcurrentEditAdmin,
    HistoryAdmin,
):
    resource_classes = [AgreementResource, AgreementSheetResource]
    form = AgreementForm
    list_display = (
        "short_title",
        "type",
        "party_codes",
        "signed",
        "review_status",
        "citation_count",
    )
    list_filter = (
        # Each filter lists only the values some agreement has.
        ("type", OccurringRelatedFilter),
        ("review_status", OccurringChoicesFilter),
        UncitedFactsFilter,
        ContradictingCitationsFilter,
        PartyCountryFilter,
        SignatureYearFilter,
    )
    search_fields = (
        "slug",
        "title",
        "short_title",
        "summary",
        "parties__country__name",
        "parties__country__iso3",
    )
    list_select_related = ("type",)
    autocomplete_fields = ("supersedes",)
    prepopulated_fields = {"slug": ("short_title",)}
    inlines = (AgreementPartyInline, AgreementEventInline, AgreementCitationInline)
    fieldsets = (
        (None, {"fields": ("short_title", "title", "slug", "type", "supersedes")}),
        ("Description", {"fields": ("summary", "text_url", "notes")}),
        ("Review", {"fields": ("review_status", "reviewed_by", "reviewed_at", "citation_check")}),
    )

    def get_search_results(self, request, queryset, search_term):
        # Full-text search on PostgreSQL, Django's icontains on SQLite (acsa_db/search.py).
        return admin_search_results(self, request, queryset, search_term, super().get_search_results)

    def get_queryset(self, request):
        # Annotations and one prefetch keep the changelist at a fixed number of
        # queries whatever the page size.
        return (
            super()
            .get_queryset(request)
            .with_signature_date()
            .with_citation_count()
            .prefetch_related(
                Prefetch("parties", queryset=AgreementParty.objects.select_related("country", "organization"))
            )
        )

    @admin.display(description="parties")
    def party_codes(self, agreement):
        return ", ".join(party.party_key for party in agreement.parties.all())

    # Not sortable: ordering by a date computed from the events computes it for every
    # agreement in the table; the "year signed" filter narrows the list instead.
    @admin.display(description="signed")
    def signed(self, agreement):
        return partial_date(agreement.signature_date, agreement.signature_date_precision)

    # Not sortable: ordering by a count computes it for every agreement in the table;
    # the "has uncited facts" filter finds the under-cited ones.
    @admin.display(description="citations")
    def citation_count(self, agreement):
        return agreement.citation_count


@admin.register(AgreementParty)
class AgreementPartyAdmin(
    LargeTableAdmin, ImportExportAdminMixin, ReturnToRecordAdmin, FactAdmin, HistoryAdmin
):
    resource_classes = [AgreementPartyResource]
    list_display = ("__str__", "agreement_link", "country", "organization", "role")
    list_filter = ("role", "agreement__type")
    search_fields = (
        "agreement__slug",
        "agreement__short_title",
        "country__name",
        "country__iso3",
        "organization__acronym",
    )
    list_select_related = ("agreement", "country", "organization")
    autocomplete_fields = ("agreement", "country", "organization")
    inlines = (AgreementPartyCitationInline,)

    @admin.display(description="agreement", ordering="agreement__slug")
    def agreement_link(self, party):
        return admin_link(party.agreement, party.agreement.short_title)


@admin.register(AgreementEvent)
class AgreementEventAdmin(
    LargeTableAdmin, ImportExportAdminMixin, ReturnToRecordAdmin, FactAdmin, HistoryAdmin
):
    resource_classes = [AgreementEventResource]
    form = AgreementEventForm
    list_display = ("__str__", "agreement_link", "kind", "when", "place")
    list_filter = ("kind", "date_precision", "agreement__type")
    search_fields = ("agreement__slug", "agreement__short_title", "place", "note")
    list_select_related = ("agreement",)
    autocomplete_fields = ("agreement", "party")
    inlines = (AgreementEventCitationInline,)
    fields = ("agreement", "kind", "date", "party", "place", "note")

    @admin.display(description="agreement", ordering="agreement__slug")
    def agreement_link(self, event):
        return admin_link(event.agreement, event.agreement.short_title)

    @admin.display(description="date", ordering="date")
    def when(self, event):
        return partial_date(event.date, event.date_precision)
