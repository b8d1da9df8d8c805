"""Releases in the admin: every role lists them and downloads their zips; only superusers make them.

A release is never changed or deleted through the admin: a version that researchers
may have cited stays as it was made.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from ..models import DataRelease
from ..releases import ReleaseError, check_version, make_release, release_zip_path


class MakeReleaseForm(forms.Form):
    version = forms.CharField(
        max_length=40,
        help_text="Semantic (1.2.0) or calendar (2026.01, 2026.01.15). A version is never made twice.",
    )
    released_on = forms.DateField(
        label="Release date",
        required=False,
        help_text="YYYY-MM-DD; empty for today. The same data and the same date give the same files.",
    )
    verified_only = forms.BooleanField(
        required=False,
        help_text="Release verified records only (by default, verified and needs-review records).",
    )

    def clean_version(self):
        version = self.cleaned_data["version"].strip()
        try:
            return check_version(version)
        except ReleaseError as error:
            raise forms.ValidationError(str(error)) from None


@admin.register(DataRelease)
class DataReleaseAdmin(admin.ModelAdmin):
    list_display = (
        "version",
        "released_on",
        "policy",
        "agreement_count",
        "exercise_count",
        "fact_count",
        "changes",
        "made_by_name",
        "download_link",
    )
    readonly_fields = ("download_link",)
    fieldsets = (
        (None, {"fields": ("version", "released_on", "policy", "previous", "download_link", "zip_sha256")}),
        (
            "Contents",
            {
                "fields": (
                    "agreement_count",
                    "exercise_count",
                    "fact_count",
                    "source_count",
                    "citation_count",
                    "added_count",
                    "changed_count",
                    "removed_count",
                    "zip_bytes",
                )
            },
        ),
        ("Made", {"fields": ("made_at", "made_by", "made_by_name")}),
    )
    search_fields = ("version",)
    list_filter = ("policy",)

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="changes since previous")
    def changes(self, release):
        if release.previous_id is None:
            return "first release"
        return f"+{release.added_count} ~{release.changed_count} −{release.removed_count}"

    @admin.display(description="zip")
    def download_link(self, release):
        url = reverse("admin:acsa_db_datarelease_download", args=[release.pk])
        return format_html('<a href="{}">{}</a>', url, release.zip_name)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/download/",
                self.admin_site.admin_view(self.download_view),
                name="acsa_db_datarelease_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        release = self.get_object(request, object_id)
        if release is None:
            raise Http404("No such release.")
        zip_path = release_zip_path(release)
        if not zip_path.is_file():
            raise Http404(f"The zip of release {release.version} is not in the releases directory.")
        return FileResponse(open(zip_path, "rb"), as_attachment=True, filename=release.zip_name)

    def add_view(self, request, form_url="", extra_context=None):
        """The superuser's "Make a release" page: what manage.py make_release does, from the admin."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = MakeReleaseForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            policy = (
                DataRelease.Policy.VERIFIED_ONLY if data["verified_only"] else DataRelease.Policy.REVIEWED
            )
            try:
                release = make_release(
                    data["version"],
                    released_on=data["released_on"] or datetime.date.today(),
                    policy=policy,
                    made_by=request.user,
                )
            except ReleaseError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(
                    request,
                    f"Made release {release.version}: {release.zip_name}, SHA-256 {release.zip_sha256}.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:acsa_db_datarelease_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Make a release",
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/acsa_db/make_release.html", context)
