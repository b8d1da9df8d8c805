"""Import and export in the admin, through django-import-export's pages and our import service.

The library's import page, preview and confirmation are kept; what runs
behind them is ``acsa_db.imports.service``: the upload is refused before it
is read when it is over ``ACSA_IMPORT_MAX_UPLOAD_BYTES``, the preview is a
dry run that lists every problem of the file (row, column, reason) or what
the import will create and update, and the confirmation imports the file all
or nothing, recording the importing user in each history row.

Permissions come from the library's settings: importing needs the model's
"add" permission (and "change", as an import also updates), exporting its
"view" permission; see ``IMPORT_EXPORT_*_PERMISSION_CODE`` in settings.
"""

import io

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, JSON, XLSX

from ..imports import (
    BibTeXFormat,
    CSLJSONFormat,
    FileInput,
    ImportFile,
    ImportRefused,
    SourceResource,
    UploadNotPending,
    import_files,
    keep_upload,
    suggested_sheet,
    take_upload,
    write_export,
)

PREVIEW_ROWS = 20

# Example files offered for download on the import page, by the resource's table name: copies
# of docs/examples/ served as static files (tests/test_import_page.py keeps them the same).
EXAMPLE_FILES = {
    "agreement sheet": "acsa_db/examples/agreement_sheet.csv",
    "exercise sheet": "acsa_db/examples/exercise_sheet.csv",
}


def column_help(resource_classes):
    """For each resource a curator may import: its name, required and other columns, and example file."""
    described = []
    for index, resource_class in enumerate(resource_classes):
        resource = resource_class()
        required = resource.required_columns()
        example = EXAMPLE_FILES.get(resource.table_name())
        described.append(
            {
                "index": index,
                "name": resource_class.get_display_name(),
                "required": required,
                "optional": [column for column in resource.import_columns() if column not in required],
                "example": static(example) if example else None,
                "example_name": example.rsplit("/", 1)[-1] if example else None,
            }
        )
    return described


def sheet_hint(problems, resource_class, resource_classes):
    """What to tell a curator whose per-table file has a sheet's columns: the sheet to choose, or None."""
    if getattr(resource_class, "create_only", False):  # already a sheet
        return None
    unknown = [p.column for p in problems if p.row == 1 and p.reason.startswith("unknown column")]
    sheet = suggested_sheet(unknown, resource_classes)
    if sheet is None:
        return None
    return (
        f"The columns {', '.join(unknown)} are those of the {sheet.table_name()}: choose "
        f'"{sheet.get_display_name()}" and upload the file again.'
    )


def _megabytes(size):
    """A file size for people: "20 MB", "19.6 MB", "512 KB" (no ".0" on a round figure)."""
    if size < 1024 * 1024:
        value, unit = size / 1024, "KB"
    else:
        value, unit = size / (1024 * 1024), "MB"
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"


class ConfirmUploadForm(forms.Form):
    """The confirmation: only the token the session maps to the waiting upload."""

    upload = forms.CharField(widget=forms.HiddenInput, max_length=100)


class ImportExportAdminMixin(ImportExportMixin):
    """Import (with a dry-run preview) and export (CSV, XLSX, JSON) on a curated model's admin."""

    import_template_name = "admin/acsa_db/import.html"
    import_formats = [CSV, XLSX, JSON]
    export_formats = [CSV, XLSX, JSON]

    def get_export_formats(self):
        formats = super().get_export_formats()
        if any(issubclass(r, SourceResource) for r in self.get_export_resource_classes(None)):
            formats = [*formats, CSLJSONFormat, BibTeXFormat]
        return formats

    def get_export_data(self, file_format, request, queryset, **kwargs):
        """The export page's file, written by the same ``write_export`` as ``manage.py export_data``."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        export_form = kwargs.get("export_form")
        resource_class = self.choose_export_resource_class(export_form, request)
        resource = resource_class(**self.get_export_resource_kwargs(request, **kwargs))
        out = io.BytesIO()
        write_export(
            resource,
            out,
            file_format.get_title(),
            queryset,
            fields=self.get_export_resource_fields_from_form(export_form),
        )
        return out.getvalue()

    def get_export_resource_classes(self, request):
        # Sheets are for importing only.
        return [r for r in self.get_resource_classes(request) if not getattr(r, "create_only", False)]

    def has_import_permission(self, request):
        return super().has_import_permission(request) and self.has_change_permission(request)

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        context = {}
        form = self.create_import_form(request)
        if request.POST and form.is_valid():
            upload = form.cleaned_data["import_file"]
            limit = settings.ACSA_IMPORT_MAX_UPLOAD_BYTES
            if upload.size > limit:
                form.add_error(
                    "import_file",
                    f"The file is {_megabytes(upload.size)}; uploads are limited to {_megabytes(limit)}. "
                    "Split it, or import it on the command line (manage.py import_data), which takes files of any size.",
                )
            else:
                format_index = int(form.cleaned_data["format"])
                resource_index = self.get_resource_index(form)
                file_format = self.get_import_formats()[format_index]()
                resource_class = self.get_import_resource_classes(request)[resource_index]
                # The dry run reads the upload where Django keeps it (memory or
                # a temporary file); the service decodes it and says which row
                # is not UTF-8.
                data = FileInput(upload.file, name=upload.name, format=file_format.get_extension())
                try:
                    report = self._import(data, resource_class, request, dry_run=True)
                except ImportRefused as refusal:
                    context["problems"] = refusal.problems
                    context["truncated"] = refusal.truncated
                    context["sheet_hint"] = sheet_hint(
                        refusal.problems, resource_class, self.get_import_resource_classes(request)
                    )
                else:
                    pending = keep_upload(
                        request,
                        upload,
                        model=self.model,
                        format_index=format_index,
                        resource_index=resource_index,
                    )
                    context["report"] = report
                    context["preview_header"] = (
                        list(report.files[0].preview[0][1]) if report.files[0].preview else []
                    )
                    context["confirm_form"] = ConfirmUploadForm(initial={"upload": pending.token})
        context.update(self.admin_site.each_context(request))
        context.update(
            title="Import",
            form=form,
            opts=self.model._meta,
            media=self.media + form.media,
            fields_list=[
                (r.get_display_name(), r().import_columns())
                for r in self.get_import_resource_classes(request)
            ],
            column_help=column_help(self.get_import_resource_classes(request)),
            max_upload=_megabytes(settings.ACSA_IMPORT_MAX_UPLOAD_BYTES),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ConfirmUploadForm(request.POST)
        import_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
        try:
            if not form.is_valid():
                raise UploadNotPending("The import could not be confirmed: upload the file again.")
            pending = take_upload(request, form.cleaned_data["upload"], model=self.model)
        except UploadNotPending as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(import_url)
        try:
            file_format = self.get_import_formats()[pending.format_index]()
            resource_class = self.get_import_resource_classes(request)[pending.resource_index]
            data = FileInput(
                str(pending.path), name=pending.original_name, format=file_format.get_extension()
            )
            report = self._import(data, resource_class, request, dry_run=False)
        except ImportRefused as refusal:
            # The database changed since the preview; nothing was written.
            messages.error(request, refusal.summary())
            return HttpResponseRedirect(import_url)
        finally:
            pending.discard()
        messages.success(request, f"Import finished. {report.summary()}")
        return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))

    def _import(self, data, resource_class, request, *, dry_run):
        return import_files(
            [ImportFile(data, resource_class)], user=request.user, dry_run=dry_run, preview_rows=PREVIEW_ROWS
        )
