from django.contrib import admin
from django.db.models import Prefetch

from ..imports import DomainResource, ExerciseParticipantResource, ExerciseResource, ExerciseSheetResource
from ..models import Citation, Domain, Exercise, ExerciseParticipant
from ..search import admin_search_results
from .autocomplete import KnownObjectsInlineMixin
from .citations import ExerciseCitationInline, ExerciseParticipantCitationInline
from .cite import CiteFactsAdmin
from .display import admin_link, citation_list, date_range
from .exercise_host import HostParticipantAdmin
from .filters import (
    ContradictingCitationsFilter,
    OccurringChoicesFilter,
    OccurringRelatedFilter,
    ParticipantCountryFilter,
    StartYearFilter,
    UncitedFactsFilter,
)
from .forms import ExerciseForm
from .import_export import ImportExportAdminMixin
from .paginators import LargeTableAdmin
from .return_to import ReturnToRecordAdmin
from .workflow import ConcurrentEditAdmin, FactAdmin, HistoryAdmin, ReviewWorkflowAdmin


@admin.register(Domain)
class DomainAdmin(ImportExportAdminMixin, HistoryAdmin):
    resource_classes = [DomainResource]
    list_display = ("code", "name")
    search_fields = ("code", "name")


class ExerciseParticipantInline(KnownObjectsInlineMixin, admin.TabularInline):
    model = ExerciseParticipant
    fields = ("country", "organization", "role", "forces", "citations")
    readonly_fields = ("citations",)
    autocomplete_fields = ("country", "organization")
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("country", "organization", "exercise")
            .prefetch_related(Prefetch("citations", queryset=Citation.objects.select_related("source")))
        )

    @admin.display(description="citations")
    def citations(self, participant):
        return citation_list(participant.citations.all()) if participant.pk else "–"


@admin.register(Exercise)
class ExerciseAdmin(
    LargeTableAdmin,
    ImportExportAdminMixin,
    CiteFactsAdmin,
    HostParticipantAdmin,
    ReviewWorkflowAdmin,
    ConcurrentEditAdmin,
    HistoryAdmin,
):
    resource_classes = [ExerciseResource, ExerciseSheetResource]
    form = ExerciseForm
    list_display = (
        "name",
        "kind",
        "status",
        "dates",  # fourth, as before: ?o=-4 (bench/admin_bench.py) still sorts by start, newest first
        "host",
        "participants_shown",
        "review_status",
        "citation_count",
    )
    list_editable = ("status",)
    list_filter = (
        # Each filter lists only the values some exercise has.
        ("kind", OccurringChoicesFilter),
        ("status", OccurringChoicesFilter),
        ("review_status", OccurringChoicesFilter),
        UncitedFactsFilter,
        ContradictingCitationsFilter,
        ("domains", OccurringRelatedFilter),
        ParticipantCountryFilter,
        StartYearFilter,
    )
    search_fields = ("slug", "name", "series", "location", "summary")
    list_select_related = ("host",)
    autocomplete_fields = ("host", "part_of")
    filter_horizontal = ("domains",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = (ExerciseParticipantInline, ExerciseCitationInline)
    fieldsets = (
        (None, {"fields": ("name", "slug", "series", "kind", "status", "part_of", "domains")}),
        (
            "When and where",
            {"fields": ("start_date", "end_date", "location", "host", "add_host_as_participant")},
        ),
        ("Description", {"fields": ("scenario", "summary", "notes")}),
        ("Review", {"fields": ("review_status", "reviewed_by", "reviewed_at", "citation_check")}),
    )

    def get_search_results(self, request, queryset, search_term):
        # Full-text search on PostgreSQL, Django's icontains on SQLite (acsa_db/search.py).
        return admin_search_results(self, request, queryset, search_term, super().get_search_results)

    def get_queryset(self, request):
        return super().get_queryset(request).with_citation_count()

    # Start and end in one column, sorted by the start: the list fits a 1400 px window.
    @admin.display(description="dates", ordering="start_date")
    def dates(self, exercise):
        return date_range(
            exercise.start_date, exercise.start_date_precision, exercise.end_date, exercise.end_date_precision
        )

    # The two counts are not sortable: ordering by a count computes it for every exercise
    # in the table.
    @admin.display(description="participants")
    def participants_shown(self, exercise):
        return exercise.participant_count

    @admin.display(description="citations")
    def citation_count(self, exercise):
        return exercise.citation_count


@admin.register(ExerciseParticipant)
class ExerciseParticipantAdmin(
    LargeTableAdmin, ImportExportAdminMixin, ReturnToRecordAdmin, FactAdmin, HistoryAdmin
):
    resource_classes = [ExerciseParticipantResource]
    list_display = ("__str__", "exercise_link", "country", "organization", "role")
    list_filter = ("role",)
    search_fields = (
        "exercise__slug",
        "exercise__name",
        "country__name",
        "country__iso3",
        "organization__acronym",
        "forces",
    )
    list_select_related = ("exercise", "country", "organization")
    autocomplete_fields = ("exercise", "country", "organization")
    inlines = (ExerciseParticipantCitationInline,)

    @admin.display(description="exercise", ordering="exercise__slug")
    def exercise_link(self, participant):
        return admin_link(participant.exercise, participant.exercise.name)
