"""Citation inlines (one per kind of fact), the citation admin and the citation coverage page."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from ..coverage import EXACT_UP_TO, SAMPLE_SIZE, coverage_report, fact_label
from ..imports import CitationResource
from ..models import CITATION_TARGET_PATHS, CITATION_TARGET_RELATED, Citation
from ..search import admin_search_results
from .autocomplete import KnownObjectsInlineMixin
from .display import admin_link
from .filters import CitationTargetFilter, DistinctValuesFilter
from .import_export import ImportExportAdminMixin
from .paginators import LargeTableAdmin
from .return_to import ReturnToRecordAdmin
from .workflow import FactAdmin, HistoryAdmin

CITATION_FIELDS = ("source", "claim", "stance", "locator", "quote", "note")


class CitationInline(KnownObjectsInlineMixin, admin.TabularInline):
    """Citations of one kind of fact, edited on that fact's page."""

    model = Citation
    fields = CITATION_FIELDS
    autocomplete_fields = ("source",)
    extra = 0
    verbose_name = "citation"
    verbose_name_plural = "citations (sources behind this record)"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("source", *CITATION_TARGET_RELATED.get(self.fk_name, ()))
        )


class AgreementCitationInline(CitationInline):
    fk_name = "agreement"


class AgreementEventCitationInline(CitationInline):
    fk_name = "agreement_event"
    verbose_name_plural = "citations (sources behind this event)"


class AgreementPartyCitationInline(CitationInline):
    fk_name = "agreement_party"
    verbose_name_plural = "citations (sources behind this party)"


class ExerciseCitationInline(CitationInline):
    fk_name = "exercise"


class ExerciseParticipantCitationInline(CitationInline):
    fk_name = "exercise_participant"
    verbose_name_plural = "citations (sources behind this participation)"


@admin.register(Citation)
class CitationAdmin(LargeTableAdmin, ImportExportAdminMixin, ReturnToRecordAdmin, FactAdmin, HistoryAdmin):
    resource_classes = [CitationResource]
    list_display = ("id", "source_link", "stance", "claim", "target_kind", "target_link")
    list_filter = (
        "stance",
        "claim",
        CitationTargetFilter,
        "source__kind",
        ("source__language", DistinctValuesFilter),
    )
    search_fields = ("source__slug", "source__title", "source__publisher", "note", "quote")

    autocomplete_fields = (
        "source",
        "agreement",
        "agreement_event",
        "agreement_party",
        "exercise",
        "exercise_participant",
    )
    list_select_related = ("source", *CITATION_TARGET_PATHS)
    fieldsets = (
        (None, {"fields": ("source", "claim", "stance", "locator", "quote", "note")}),
        (
            "What it cites (exactly one)",
            {
                "fields": (
                    "agreement",
                    "agreement_event",
                    "agreement_party",
                    "exercise",
                    "exercise_participant",
                )
            },
        ),
    )

    def get_search_results(self, request, queryset, search_term):
        # On PostgreSQL the source's full-text document and trigram indexes on note and quote
        # (acsa_db/search.py); Django's icontains on SQLite.
        return admin_search_results(self, request, queryset, search_term, super().get_search_results)

    def get_urls(self):
        return [
            path(
                "coverage/",
                self.admin_site.admin_view(self.coverage_view),
                name="acsa_db_citation_coverage",
            ),
            *super().get_urls(),
        ]

    def coverage_view(self, request):
        """Per fact table: how many facts are cited, and links to those that are not."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        exact = request.GET.get("exact") == "1"
        report = coverage_report(exact=exact)
        for row in report:
            row.uncited_links = [admin_link(fact, fact_label(fact)) for fact in row.uncited_rows]
        context = {
            **self.admin_site.each_context(request),
            "title": "Citation coverage",
            "report": report,
            "estimated": any(row.estimated for row in report),
            "exact": exact,
            "sample_size": SAMPLE_SIZE,
            "exact_up_to": EXACT_UP_TO,
        }
        return TemplateResponse(request, "admin/acsa_db/coverage.html", context)

    @admin.display(description="source", ordering="source__slug")
    def source_link(self, citation):
        return admin_link(citation.source, citation.source.slug)

    @admin.display(description="cites")
    def target_kind(self, citation):
        return (citation.target_name or "").replace("_", " ")

    @admin.display(description="fact")
    def target_link(self, citation):
        return admin_link(citation.target, citation.target_label)
