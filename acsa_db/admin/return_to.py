"""After saving a fact's own page, back to the record it belongs to, not the list of all such facts.

An event, party, participant or citation is opened from its agreement's or
exercise's page, and the curator goes on there: "Save" on the fact's page
returns to that record ("Save and continue editing" and "Save and add
another" keep Django's behaviour, as does a popup). A page opened with
``?_return_to=<path>`` returns there instead, when the path is on this site
(``url_has_allowed_host_and_scheme``): never to another host, so that a link
cannot send a curator elsewhere after a save.
"""

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from .display import change_url

RETURN_TO = "_return_to"


def safe_return_to(request):
    """The ``_return_to`` path of the request when it is on this site, else None."""
    target = request.GET.get(RETURN_TO) or request.POST.get(RETURN_TO)
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


class ReturnToRecordAdmin:
    """On a fact's admin (``records()`` names its agreement or exercise): "Save" returns to the record."""

    def _record_page(self, request, records):
        for record in records:
            record_admin = self.admin_site._registry.get(type(record))
            if record_admin is not None and record_admin.has_view_permission(request, record):
                return change_url(record)
        return None

    def _return_response(self, request, records):
        target = safe_return_to(request) or self._record_page(request, records)
        return redirect(target) if target else None

    def response_post_save_change(self, request, obj):
        return self._return_response(request, obj.records()) or super().response_post_save_change(
            request, obj
        )

    def response_post_save_add(self, request, obj):
        return self._return_response(request, obj.records()) or super().response_post_save_add(request, obj)

    def delete_model(self, request, obj):
        # The fact's records are known only before it is gone.
        request._records_of_deleted_fact = list(obj.records())
        super().delete_model(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        response = super().response_delete(request, obj_display, obj_id)
        if response.status_code != 302:  # a popup's answer
            return response
        return self._return_response(request, getattr(request, "_records_of_deleted_fact", [])) or response
