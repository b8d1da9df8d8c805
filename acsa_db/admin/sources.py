from django.contrib import admin
from django.db.models import OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from ..coverage import FACTS_BACKED_LIMIT, describe_fact, facts_backed_by
from ..imports import SourceResource
from ..models import Citation, Source
from ..models.agreements import count_subquery
from ..search import admin_search_results
from .display import change_url, partial_date
from .filters import DistinctValuesFilter
from .import_export import ImportExportAdminMixin
from .paginators import LargeTableAdmin
from .source_duplicates import SourceWithDuplicateCheckForm
from .workflow import ConcurrentEditAdmin, HistoryAdmin


@admin.register(Source)
class SourceAdmin(LargeTableAdmin, ImportExportAdminMixin, ConcurrentEditAdmin, HistoryAdmin):
    resource_classes = [SourceResource]
    # Warns of a source with the same URL or DOI before saving (a "Save anyway" tick box).
    form = SourceWithDuplicateCheckForm
    list_display = (
        "title",
        "publisher",
        "kind",
        "language",
        "published_shown",
        "citation_count",
        "link",
        "link_check",
        "archive_url",
    )
    list_editable = ("archive_url",)
    list_filter = ("kind", ("language", DistinctValuesFilter), ("url_status_code", DistinctValuesFilter))
    search_fields = ("slug", "title", "publisher", "authors", "url", "notes")
    autocomplete_fields = ("publisher_country", "relays")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("facts_backed", "url_checked_at", "url_status_code", "url_check_error")
    fieldsets = (
        (None, {"fields": ("title", "slug", "publisher", "authors", "kind", "language")}),
        (
            "Where",
            {
                "fields": (
                    "url",
                    "save_anyway",
                    "archive_url",
                    "published",
                    "accessed_on",
                    "publisher_country",
                )
            },
        ),
        ("Provenance", {"fields": ("relays", "relays_description", "notes")}),
        ("Link check (check_sources)", {"fields": ("url_checked_at", "url_status_code", "url_check_error")}),
        ("Facts this source backs, by record", {"fields": ("facts_backed",)}),
    )

    def get_search_results(self, request, queryset, search_term):
        # Full-text search on PostgreSQL, Django's icontains on SQLite (acsa_db/search.py).
        return admin_search_results(self, request, queryset, search_term, super().get_search_results)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_citations=count_subquery(Citation.objects.filter(source=OuterRef("pk"))))
        )

    @admin.display(description="published", ordering="published")
    def published_shown(self, source):
        return partial_date(source.published, source.published_precision)

    # Not sortable: ordering by a count computes it for every source in the table.
    @admin.display(description="citations")
    def citation_count(self, source):
        return source.n_citations

    @admin.display(description="URL")
    def link(self, source):
        if not source.url:
            return "–"
        return format_html('<a href="{}" rel="noopener noreferrer" target="_blank">open</a>', source.url)

    @admin.display(description="link check", ordering="url_status_code")
    def link_check(self, source):
        if source.url_checked_at is None:
            return "–"
        if source.url_status_code is not None:
            if source.url_status_code < 400:
                return source.url_status_code
            return format_html('<span class="acsa-link-failed">{}</span>', source.url_status_code)
        return format_html('<span class="acsa-link-failed">{}</span>', source.url_check_error or "no answer")

    @admin.display(description="facts backed")
    def facts_backed(self, source):
        if not source.pk:
            return "–"
        groups = []
        for group in facts_backed_by(source, limit=FACTS_BACKED_LIMIT):
            record = group.record
            groups.append(
                {
                    "record": record,
                    "kind": record._meta.verbose_name,
                    "url": change_url(record),
                    "items": [
                        {
                            "citation": citation,
                            "citation_url": change_url(citation),
                            "fact": describe_fact(citation.target),
                            "fact_url": change_url(citation.target),
                            "contradicts": citation.stance == Citation.Stance.CONTRADICTS,
                        }
                        for citation in group.citations
                    ],
                }
            )
        total = source.citations.count()
        more_url = f"{reverse('admin:acsa_db_citation_changelist')}?source__id__exact={source.pk}"
        return render_to_string(
            "admin/acsa_db/source/facts_backed.html",
            {"groups": groups, "shown": min(total, FACTS_BACKED_LIMIT), "total": total, "more_url": more_url},
        )
