"""Citation inlines (one per kind of fact) and the citation admin."""

from django.contrib import admin

from ..models import Citation
from .display import admin_link
from .filters import CitationTargetFilter

CITATION_FIELDS = ("source", "claim", "stance", "locator", "quote", "note")


class CitationInline(admin.TabularInline):
    """Citations of one kind of fact, edited on that fact's page."""

    model = Citation
    fields = CITATION_FIELDS
    autocomplete_fields = ("source",)
    extra = 0
    verbose_name = "citation"
    verbose_name_plural = "citations (sources behind this record)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")


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
class CitationAdmin(admin.ModelAdmin):
    list_display = ("id", "source_link", "stance", "claim", "target_kind", "target_link")
    list_filter = ("stance", "claim", CitationTargetFilter, "source__kind", "source__language")
    search_fields = ("source__slug", "source__title", "source__publisher", "note", "quote")
    autocomplete_fields = (
        "source",
        "agreement",
        "agreement_event",
        "agreement_party",
        "exercise",
        "exercise_participant",
    )
    list_select_related = (
        "source",
        "agreement",
        "agreement_event__agreement",
        "agreement_party__agreement",
        "agreement_party__country",
        "agreement_party__organization",
        "exercise",
        "exercise_participant__exercise",
        "exercise_participant__country",
        "exercise_participant__organization",
    )
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

    @admin.display(description="source", ordering="source__slug")
    def source_link(self, citation):
        return admin_link(citation.source, citation.source.slug)

    @admin.display(description="cites")
    def target_kind(self, citation):
        return (citation.target_name or "").replace("_", " ")

    @admin.display(description="fact")
    def target_link(self, citation):
        return admin_link(citation.target, citation.target_label)
