from django.contrib import admin
from django.db.models import OuterRef
from django.utils.html import format_html

from ..models import Citation, Source
from ..models.agreements import count_subquery
from .display import admin_link, partial_date
from .forms import SourceForm


class CitedForInline(admin.TabularInline):
    """What a source is cited for: read-only here; citations are edited on each fact's page."""

    model = Citation
    fk_name = "source"
    fields = ("fact", "claim", "stance", "note")
    readonly_fields = ("fact", "claim", "stance", "note")
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = "fact this source is cited for"
    verbose_name_plural = "cited for"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
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
        )

    @admin.display(description="fact")
    def fact(self, citation):
        kind = {"agreement": " (agreement)", "exercise": " (exercise)"}.get(citation.target_name, "")
        return admin_link(citation.target, f"{citation.target_label}{kind}")


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = SourceForm
    list_display = ("title", "publisher", "kind", "language", "published_shown", "citation_count", "link")
    list_filter = ("kind", "language")
    search_fields = ("slug", "title", "publisher", "authors", "url", "notes")
    autocomplete_fields = ("publisher_country", "relays")
    prepopulated_fields = {"slug": ("title",)}
    inlines = (CitedForInline,)
    fieldsets = (
        (None, {"fields": ("title", "slug", "publisher", "authors", "kind", "language")}),
        ("Where", {"fields": ("url", "archive_url", "published", "accessed_on", "publisher_country")}),
        ("Provenance", {"fields": ("relays", "relays_description", "notes")}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_citations=count_subquery(Citation.objects.filter(source=OuterRef("pk"))))
        )

    @admin.display(description="published", ordering="published")
    def published_shown(self, source):
        return partial_date(source.published, source.published_precision)

    @admin.display(description="citations", ordering="n_citations")
    def citation_count(self, source):
        return source.n_citations

    @admin.display(description="URL")
    def link(self, source):
        if not source.url:
            return "–"
        return format_html('<a href="{}" rel="noopener noreferrer" target="_blank">open</a>', source.url)
