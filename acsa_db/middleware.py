"""Security headers Django 5.2 does not set by itself, and a first check of every request's parameters."""

from django.conf import settings
from django.http import HttpResponseBadRequest


class ContentSecurityPolicyMiddleware:
    """Add the Content-Security-Policy header (settings.CONTENT_SECURITY_POLICY) to every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy:
            response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


def _nul_parameter(parameters):
    """The name of the first parameter whose name or a value holds a NUL character, or None."""
    for name, values in parameters.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return name.replace("\x00", "\\x00")
    return None


class RefuseNulCharactersMiddleware:
    """Answer 400 to a query string or urlencoded form that holds a NUL character.

    No field holds one, PostgreSQL refuses one in any text it is sent (an
    error, hence a 500, wherever a raw parameter reaches a query: a search,
    a filter, an autocomplete term), and SQLite cuts text at it. One layer in
    front of every view; filters and forms still check their own values.
    Multipart forms (uploads) are left to their forms, which refuse NUL
    characters in any text field: reading them here would read every upload
    before its view could size it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = _nul_parameter(request.GET)
        if name is None and request.content_type == "application/x-www-form-urlencoded":
            name = _nul_parameter(request.POST)
        if name is not None:
            return HttpResponseBadRequest(
                f"Bad request: the parameter {name!r} holds a NUL character, which no field accepts.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
