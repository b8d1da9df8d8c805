"""Small helpers that admin columns share."""

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
