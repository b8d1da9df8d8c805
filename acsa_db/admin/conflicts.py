"""No lost updates: what a curator is told when someone else saved the record first."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.timezone import localtime

from .display import change_url


def _last_change(record):
    """Who saved the record last and when, from its history (None when it has none)."""
    history = getattr(type(record), "history", None)
    if history is None:
        return None
    return history.filter(id=record.pk).select_related("history_user").order_by("-history_id").first()


def conflict_message(record, seen_version):
    """The refusal, with links to the current version and to its history."""
    opts = record._meta
    history_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[record.pk])
    current = type(record)._default_manager.filter(pk=record.pk).values_list("version", flat=True).first()
    last = _last_change(record)
    by = ""
    if last is not None:
        who = last.history_user.get_username() if last.history_user else "a script or import"
        by = f" by {who} at {localtime(last.history_date):%Y-%m-%d %H:%M}"
    return format_html(
        "Not saved: this {name} was changed{by} after you opened it (you started from version {seen}, "
        'it is now at version {current}). Saving would overwrite that change. <a href="{change}" '
        'target="_blank" rel="noopener">Open the current version</a> in a new tab, see '
        '<a href="{history}" target="_blank" rel="noopener">what changed</a>, and make your '
        "changes again there.",
        name=opts.verbose_name,
        by=by,
        seen=seen_version if seen_version is not None else "unknown",
        current=current,
        change=change_url(record),
        history=history_url,
    )
