"""Admin forms: each partial date is edited as one text field ("2023-09"); records that two
curators may edit at once carry the version they were read at."""

from django import forms
from django.core.exceptions import ValidationError

from ..models import Agreement, AgreementEvent, Exercise, Source
from ..partial_dates import PartialDateFormMixin
from .conflicts import conflict_message


class VersionField(forms.IntegerField):
    """The version of the record the curator started from, sent back with the form (hidden)."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        # A stale version is not an edit: a list-editable row the curator did
        # not touch must not be saved (or refused) because of it.
        return False


class VersionedModelForm(forms.ModelForm):
    """A form refused when the record was saved by someone else after the curator opened it.

    The change page checks every save; a changelist row only when the
    curator changed it (the other rows are not saved). This check gives the
    curator a form error with their input kept; the model's save checks the
    version again with ``UPDATE ... WHERE version = ?`` for saves that race
    past it.
    """

    based_on_version = VersionField(required=True)
    check_version_only_when_changed = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["based_on_version"].initial = self.instance.version
        else:
            self.fields["based_on_version"].required = False

    def clean(self):
        cleaned_data = super().clean()
        if not self.instance.pk:
            return cleaned_data
        if self.check_version_only_when_changed and not self.has_changed():
            return cleaned_data
        seen = cleaned_data.get("based_on_version")
        if seen != self.instance.version:
            # add_error, not raise: the other mixins' clean() must still finish their work.
            self.add_error(None, ValidationError(conflict_message(self.instance, seen), code="edit_conflict"))
        return cleaned_data


class ChangelistVersionedForm(VersionedModelForm):
    check_version_only_when_changed = True


class AgreementForm(VersionedModelForm):
    class Meta:
        model = Agreement
        fields = ("short_title", "title", "slug", "type", "supersedes", "summary", "text_url", "notes")


class AgreementEventForm(PartialDateFormMixin, forms.ModelForm):
    partial_date_fields = ("date",)

    class Meta:
        model = AgreementEvent
        fields = ("agreement", "kind", "date", "party", "place", "note")


class ExerciseForm(PartialDateFormMixin, VersionedModelForm):
    partial_date_fields = ("start_date", "end_date")

    # Read by HostParticipantAdmin (admin/exercise_host.py) after the save.
    add_host_as_participant = forms.BooleanField(
        required=False,
        initial=True,
        label="Add the host as a participant",
        help_text="On save, the host becomes a participant (role host) unless it already takes part.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        exercise = self.instance
        if exercise.pk:
            # Ticked on a new exercise only: a host left out of an existing one's participants
            # may have been taken out on purpose.
            field = self.fields["add_host_as_participant"]
            field.initial = False
            if exercise.host_id and not exercise.participants.filter(country_id=exercise.host_id).exists():
                field.help_text = (
                    f"{exercise.host} (the host) is not among the participants. " + field.help_text
                )

    class Meta:
        model = Exercise
        fields = (
            "name",
            "slug",
            "series",
            "kind",
            "status",
            "domains",
            "start_date",
            "end_date",
            "location",
            "host",
            "scenario",
            "summary",
            "notes",
        )


class SourceForm(PartialDateFormMixin, VersionedModelForm):
    partial_date_fields = ("published",)

    class Meta:
        model = Source
        fields = (
            "title",
            "slug",
            "publisher",
            "authors",
            "kind",
            "language",
            "url",
            "archive_url",
            "published",
            "accessed_on",
            "publisher_country",
            "relays",
            "relays_description",
            "notes",
        )
