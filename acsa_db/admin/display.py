"""Small helpers that admin columns share."""

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from ..partial_dates import format_partial_date


def admin_link(obj, label=None):
    """A link to an object's change page."""
    if obj is None:
        return "–"
    return format_html('<a href="{}">{}</a>', change_url(obj), label if label is not None else str(obj))


def partial_date(date, precision):
    return format_partial_date(date, precision, empty="–")


# Styled by acsa_db/static/acsa_db/admin.css (the CSP allows no style attribute).
CONTRADICTS_STYLE = mark_safe(' class="acsa-contradicts"')


def citation_list(citations):
    """Citations as a list of source links; contradicting ones stand out."""
    citations = list(citations)
    if not citations:
        return format_html('<span class="acsa-uncited">{}</span>', "no citation")
    return format_html_join(
        mark_safe("<br>"),
        '<a href="{}" title="{}"{}>{}</a> <small>({}{})</small>',
        (
            (
                change_url(c),
                c.source.title,
                # Safe constant markup: format_html_join would escape a plain string.
                CONTRADICTS_STYLE if c.stance == "contradicts" else "",
                c.source.slug,
                c.get_claim_display(),
                ", contradicts" if c.stance == "contradicts" else "",
            )
            for c in citations
        ),
    )


def change_url(obj):
    """The address of an object's change page in the admin (the one place that builds it)."""
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def date_range(start, start_precision, end, end_precision):
    """A record's start and end in one column: "2024-07-12 – 2024-08-02", one date when they are the same.

    An unknown end is "?", an unknown start "–" as in the single date columns.
    """
    first = partial_date(start, start_precision)
    if end is None:
        return first if start is None else f"{first} – ?"
    last = partial_date(end, end_precision)
    if (start, start_precision) == (end, end_precision):
        return first
    return f"{first} – {last}"


class PartialDatesShownAdmin:
    """Read-only partial dates at their precision: "2024-07", not "July 1, 2024".

    Django shows a read-only date field (a viewer's or reviewer's page, an
    inline they may not change) in its own date format, as if the day were
    known. For each date with a ``<name>_precision`` partner this mixin puts
    a display of the pair in the date's place, and leaves the precision out,
    on pages where the fields are read-only. Editable forms keep their fields
    (PartialDateFormMixin shows them as "2024-07" already). For a ModelAdmin
    and an inline alike.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Instance attributes: Django looks read-only names up on the admin (lookup_field).
        for name, label in self._partial_date_fields():
            setattr(self, f"{name}_at_precision", _partial_date_display(name, label))

    def _partial_date_fields(self):
        names = {f.name for f in self.model._meta.concrete_fields}
        return [
            (f.name, f.verbose_name)
            for f in self.model._meta.concrete_fields
            if f.get_internal_type() == "DateField" and f"{f.name}_precision" in names
        ]

    def _all_read_only(self, request, obj):
        if isinstance(self, InlineModelAdmin):
            # An inline that may add rows shows a form for them: its fields stay fields.
            return not self.has_change_permission(request, obj) and not self.has_add_permission(request, obj)
        return obj is not None and not self.has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        dates = dict(self._partial_date_fields())
        read_only = set(self.get_readonly_fields(request, obj))
        if not self._all_read_only(request, obj):
            dates = {name: label for name, label in dates.items() if name in read_only}
        if not dates:
            return fieldsets

        def shown(fields):
            result = []
            for name in fields:
                if isinstance(name, (list, tuple)):
                    result.append(tuple(shown(name)))
                elif name in dates:
                    result.append(f"{name}_at_precision")
                elif name.removesuffix("_precision") not in dates:
                    result.append(name)
            return result

        return [(title, {**options, "fields": shown(options["fields"])}) for title, options in fieldsets]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # The displays that get_fieldsets puts in the dates' place (an inline's form builder
        # leaves out only the read-only names).
        all_read_only = self._all_read_only(request, obj)
        return fields + [
            f"{name}_at_precision"
            for name, _ in self._partial_date_fields()
            if all_read_only or name in fields
        ]


def _partial_date_display(name, label):
    @admin.display(description=label)
    def display(obj):
        return format_partial_date(getattr(obj, name), getattr(obj, f"{name}_precision"), empty="–")

    return display
