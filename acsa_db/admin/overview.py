"""The data overview page of the admin and its pictures (acsa_db/overview.py draws them).

Mounted by acsa_db/urls.py under admin/overview/, before the admin's own URLs.
Staff who may view agreements and exercises (the viewer, curator and reviewer
groups) see it; a picture is an SVG or PNG file, downloaded with ?download=1.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.urls import path

from .. import overview

VIEW_PERMISSIONS = ("acsa_db.view_agreement", "acsa_db.view_exercise")
CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
TITLES = {
    "timeline": "Agreements by partner and type",
    "network": "Partner network",
    "exercises": "Exercises per year by partner",
}


class BadYear(ValueError):
    pass


def requested_year(request):
    """The ?year= filter: None for all years, else a year the data covers; anything else is refused."""
    value = request.GET.get("year", "")
    if value == "":
        return None
    if not (value.isascii() and value.isdigit() and len(value) == 4):
        raise BadYear(f"year must be a four-digit year, not {value[:20]!r}")
    year = int(value)
    known = overview.years()
    if year not in known:
        raise BadYear(f"year must be between {known[0]} and {known[-1]}" if known else "no years recorded")
    return year


def check_permission(request):
    if not request.user.has_perms(VIEW_PERMISSIONS):
        raise PermissionDenied


def overview_page(request):
    check_permission(request)
    try:
        year = requested_year(request)
    except BadYear as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    suffix = f"?year={year}" if year else ""
    pictures = [
        {
            "name": name,
            "title": TITLES[name] + (f", {year}" if year and name == "network" else ""),
            "query": suffix if name == "network" else "",
        }
        for name in overview.CHARTS
    ]
    context = {
        **admin.site.each_context(request),
        "title": "Data overview",
        "pictures": pictures,
        "years": overview.years(),
        "year": year,
    }
    return TemplateResponse(request, "admin/acsa_db/overview.html", context)


def picture(request, chart, fmt):
    check_permission(request)
    if chart not in overview.CHARTS or fmt not in overview.FORMATS:
        raise Http404("No such picture")
    try:
        year = requested_year(request) if chart == "network" else None
    except BadYear as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    response = HttpResponse(overview.render(chart, fmt, year), content_type=CONTENT_TYPES[fmt])
    if request.GET.get("download") == "1":
        name = f"acsa-db-{chart}{f'-{year}' if year else ''}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


urlpatterns = [
    path("", admin.site.admin_view(overview_page), name="acsa_db_overview"),
    path("<str:chart>.<str:fmt>", admin.site.admin_view(picture), name="acsa_db_overview_picture"),
]
