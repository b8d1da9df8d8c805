"""The source form warns, before saving, that a source with the same document's address exists.

The same report reached through another address (http or https, tracking
parameters, doi.org or the publisher's page) would otherwise be saved twice
and its citations split between two rows. The warning is a validation error
on the URL, naming and linking the existing source; the curator either
cites that source instead or ticks "Save anyway" (two documents may share an
address: a page that changes under the same URL).
"""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from ..source_links import duplicates_of_url
from .display import change_url
from .forms import SourceForm


class SourceWithDuplicateCheckForm(SourceForm):
    save_anyway = forms.BooleanField(
        required=False,
        label="Save anyway",
        # Shown (as a tick box) only beside the warning: see clean().
        widget=forms.HiddenInput,
        help_text="Tick to save this source although another source has the same URL or DOI.",
    )

    def clean(self):
        cleaned_data = super().clean()
        url = cleaned_data.get("url")
        checked = not self.instance.pk or "url" in self.changed_data
        if url and checked and not cleaned_data.get("save_anyway"):
            duplicates = duplicates_of_url(url, exclude_pk=self.instance.pk)
            if duplicates:
                self.fields["save_anyway"].widget = forms.CheckboxInput()
                self.add_error(
                    "url", forms.ValidationError(self.duplicate_message(duplicates), code="duplicate")
                )
        return cleaned_data

    @staticmethod
    def duplicate_message(duplicates):
        links = format_html_join(
            mark_safe("; "),
            '<a href="{}">{}</a> ({})',
            ((change_url(s), s, reason) for s, reason in duplicates),
        )
        return format_html(
            "This looks like a source already recorded: {}. Cite that source instead, or tick "
            "\u201cSave anyway\u201d below if this is another document.",
            links,
        )
