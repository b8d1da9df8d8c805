"""The exercise form's "Add the host as a participant": after the save, the host's participant row.

Ticked on a new exercise; the row is written after the participants'
inline, so a host the curator entered there with another role is kept as
entered (``acsa_db.curation.add_host_as_participant`` adds nothing then).
"""

from django.contrib import messages

from ..curation import add_host_as_participant
from .workflow import review_statuses, say_if_sent_back


class HostParticipantAdmin:
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not form.cleaned_data.get("add_host_as_participant"):
            return
        exercise = form.instance
        before = review_statuses([exercise])
        participant = add_host_as_participant(exercise, request.user)
        if participant is not None:
            messages.info(
                request,
                f"{participant.party} (the host) was added as a participant: cite a source for its participation.",
            )
            say_if_sent_back(request, before)
