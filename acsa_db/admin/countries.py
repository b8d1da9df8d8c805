from django.contrib import admin

from ..imports import CountryResource, OrganizationResource
from ..models import Country, Organization
from .import_export import ImportExportAdminMixin
from .workflow import HistoryAdmin


@admin.register(Country)
class CountryAdmin(ImportExportAdminMixin, HistoryAdmin):
    resource_classes = [CountryResource]
    list_display = ("name", "iso3", "iso2", "iso_numeric", "cow_code", "cow_abbrev")
    search_fields = ("name", "iso3", "iso2", "cow_abbrev", "=cow_code")
    list_filter = (
        ("iso3", admin.EmptyFieldListFilter),
        ("cow_code", admin.EmptyFieldListFilter),
    )
    ordering = ("name",)


@admin.register(Organization)
class OrganizationAdmin(ImportExportAdminMixin, HistoryAdmin):
    resource_classes = [OrganizationResource]
    list_display = ("acronym", "name", "url")
    search_fields = ("acronym", "name")
