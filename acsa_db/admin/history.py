"""The history page of every curated table: the record's versions and its facts', as ``record_history`` reads them.

simple-history's own page lists the versions of one table's row, field names
and codes as stored. Here the page of an agreement or exercise also lists the
versions of its events, parties, participants, citations and domains, in
labels, newest first (``acsa_db.record_history.record_changes``). Reverting
stays simple-history's: the record's own versions link to it.
"""

from simple_history.admin import SimpleHistoryAdmin

from ..record_history import record_changes


class RecordHistoryAdmin(SimpleHistoryAdmin):
    object_history_template = "admin/acsa_db/record_history.html"

    def render_history_view(self, request, template, context, **kwargs):
        # Called by simple-history's view once it has checked the permission and found the
        # record (a deleted one too, from its last version).
        if template == self.object_history_template:
            context["entries"] = record_changes(context["object"])
        return super().render_history_view(request, template, context, **kwargs)
