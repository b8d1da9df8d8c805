"""Admin forms: each partial date is edited as one text field ("2023-09")."""

from django import forms

from ..models import AgreementEvent, Exercise, Source
from ..partial_dates import PartialDateFormMixin


class AgreementEventForm(PartialDateFormMixin, forms.ModelForm):
    partial_date_fields = ("date",)

    class Meta:
        model = AgreementEvent
        fields = ("agreement", "kind", "date", "party", "place", "note")


class ExerciseForm(PartialDateFormMixin, forms.ModelForm):
    partial_date_fields = ("start_date", "end_date")

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
            "review_status",
        )


class SourceForm(PartialDateFormMixin, forms.ModelForm):
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
