"""What the curated tables' admins share: history, no lost updates, the review workflow.

Each piece is a mixin that calls ``super()`` everywhere, so that other
mixins (django-import-export's, for instance) compose with them:

- ``HistoryAdmin``: the history page of every curated table, with what
  changed, and revert for users who may change the record;
- ``ConcurrentEditAdmin``: the version check of the change form and of
  list-editable rows (``VersionedRecord`` models);
- ``ReviewWorkflowAdmin``: the transitions of ``acsa_db.review.WORKFLOW`` (send
  for review, verify, dispute), as actions and as buttons on the record's
  page, and the message when an edit sent a verified or disputed record back
  to review (agreements and exercises);
- ``FactAdmin``: the pages of an event, party, participant or citation, whose
  changes concern the agreement or exercise they belong to.

The rules themselves live in ``acsa_db.review`` (the transitions' table) and
``acsa_db.models.review_guard`` (what every write obeys), and the models'
``save()`` and ``delete()`` apply them whoever writes: the admin builds its
buttons and actions from the table and only says what happened.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from .. import review
from ..coverage import describe_fact, uncited_facts
from ..models import EditConflict, ReviewStatus
from .conflicts import conflict_message
from .display import PartialDatesShownAdmin, change_url
from .forms import ChangelistVersionedForm
from .history import RecordHistoryAdmin

REVIEW_FIELDS = review.REVIEW_FIELDS


def review_statuses(records):
    """``{(model, pk): (record, review_status)}`` as the database has them now."""
    statuses = {}
    for record in records:
        if record is None or record.pk is None:
            continue
        status = (
            type(record)._base_manager.filter(pk=record.pk).values_list("review_status", flat=True).first()
        )
        statuses[(type(record), record.pk)] = (record, status)
    return statuses


def say_if_sent_back(request, statuses_before):
    """Tell the user which reviewed records their edit sent back to needs review."""
    after = review_statuses([record for record, _ in statuses_before.values()])
    for key, (record, before) in statuses_before.items():
        if before in review.REVIEWED and after.get(key, (None, None))[1] == ReviewStatus.NEEDS_REVIEW:
            messages.warning(
                request,
                f'The {record._meta.verbose_name} "{record}" was {before}; as its facts changed, '
                "it needs review again.",
            )


class HistoryAdmin(PartialDatesShownAdmin, RecordHistoryAdmin):
    """The history page lists every saved version with who, when and what changed.

    Reverting (saving an old version again) needs the permission to change
    the record: simple-history's own revert view checks only the permission
    to view on POST.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
            try:
                with transaction.atomic():
                    return super().history_form_view(request, object_id, version_id, extra_context)
            except EditConflict as conflict:
                messages.error(request, conflict_message(conflict.record, conflict.record.version))
                return HttpResponseRedirect(request.get_full_path())
        return super().history_form_view(request, object_id, version_id, extra_context)


class ConcurrentEditAdmin:
    """Refuses the second of two concurrent saves, on the change page and in list-editable rows."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if any("based_on_version" in options.get("fields", ()) for _, options in fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": (*options["fields"], "based_on_version")}), *rest]

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", ChangelistVersionedForm)
        return super().get_changelist_form(request, **kwargs)

    def save_model(self, request, obj, form, change):
        if getattr(request, "_edit_conflict", None) is not None:
            # The second pass after a conflict shows the form again; it never saves.
            raise request._edit_conflict
        seen = form.cleaned_data.get("based_on_version")
        if change and seen is not None:
            # The database refuses the save (EditConflict) if the row moved past this version.
            obj.version = seen
        super().save_model(request, obj, form, change)

    def _answer_conflict(self, request, view, *args):
        """Run the view; if the database refused a save, run it again to show the refusal with the input.

        Another save got in between the form's version check and this one, so
        nothing was written (the transaction rolled back). The second pass
        reads the record at its new version: the form's own check then refuses
        the same POST, and the page comes back with the curator's input and
        the conflict message, as when the form caught it first.
        """
        try:
            return view(request, *args)
        except EditConflict as conflict:
            request._edit_conflict = conflict
        try:
            return view(request, *args)
        except EditConflict as conflict:
            # Not expected (the form refuses a stale version first); say it without the input.
            messages.error(request, conflict_message(conflict.record, conflict.record.version))
            return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._answer_conflict(request, super().changeform_view, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        return self._answer_conflict(request, super().changelist_view, extra_context)


class ReviewWorkflowAdmin:
    """draft → needs review → verified or disputed, on an agreement's or exercise's admin."""

    change_form_template = "admin/acsa_db/review_change_form.html"
    # One changelist action per transition of the table (set below the class).
    actions = tuple(f"{name}_action" for name in review.WORKFLOW)

    # --- permissions -------------------------------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        for name in review.WORKFLOW:
            if not review.may(request.user, self.model, name):
                actions.pop(f"{name}_action", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.review_status == ReviewStatus.VERIFIED and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        verified = [obj for obj in objs if obj.review_status == ReviewStatus.VERIFIED]
        if verified and not request.user.is_superuser:
            # Say why, rather than Django's "no permission to delete agreement".
            perms_needed = set(perms_needed) - {self.model._meta.verbose_name}
            protected = list(protected) + [
                f"{obj} (verified: only a superuser can delete a verified record)" for obj in verified
            ]
        return deleted, counts, perms_needed, protected

    # --- the record's page -------------------------------------------------------------

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + [name for name in (*REVIEW_FIELDS, "citation_check") if name not in fields]

    @admin.display(description="citation check")
    def citation_check(self, record):
        if not record.pk:
            return "–"
        missing = uncited_facts(record)
        if not missing:
            return "Every fact has a supporting citation."
        return format_html(
            '<span class="acsa-uncited">No supporting citation yet:</span> {}',
            format_html_join(
                mark_safe("; "), '<a href="{}">{}</a>', ((change_url(f), describe_fact(f)) for f in missing)
            ),
        )

    def review_buttons(self, request, record):
        """The transitions this user may ask for on this record, as (name, label)."""
        if record is None or not record.pk:
            return []
        return [(transition.name, transition.label) for transition in review.available(request.user, record)]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            opts = self.model._meta
            context["review_buttons"] = self.review_buttons(request, obj)
            context["review_url_name"] = f"admin:{opts.app_label}_{opts.model_name}_review"
            context["record_version"] = obj.version
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/review/<str:transition>/",
                self.admin_site.admin_view(self.review_transition_view),
                name=f"{opts.app_label}_{opts.model_name}_review",
            ),
            *super().get_urls(),
        ]

    def review_transition_view(self, request, object_id, transition):
        """A button of the record's page: POST only, with the version the page showed."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if transition not in review.WORKFLOW:
            raise Http404(f"No review transition {transition!r}.")
        record = self.get_object(request, unquote(object_id))
        if record is None:
            raise Http404
        if not review.may(request.user, record, transition):
            raise PermissionDenied
        try:
            seen = int(request.POST["based_on_version"])
        except (KeyError, ValueError):
            seen = None
        try:
            record = review.apply(record, transition, request.user, expected_version=seen)
        except review.ReviewRefused as refusal:
            messages.error(request, str(refusal))
        except EditConflict:
            messages.error(request, conflict_message(record, seen))
        else:
            message = review.WORKFLOW[transition].message
            messages.success(request, f'The {record._meta.verbose_name} "{record}" {message}.')
        return redirect(change_url(record))

    def save_model(self, request, obj, form, change):
        # The model's save() and its facts' apply the review rules; this only notes what to say.
        obj._review_before_edit = review_statuses([obj]) if change else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        say_if_sent_back(request, getattr(form.instance, "_review_before_edit", {}))

    # --- changelist actions ------------------------------------------------------------

    def _run_transition(self, request, queryset, transition):
        done, refusals = 0, []
        for record in queryset:
            try:
                review.apply(record, transition.name, request.user)
            except review.ReviewRefused as refusal:
                refusals.append(str(refusal))
            else:
                done += 1
        if done:
            noun = self.model._meta.verbose_name if done == 1 else self.model._meta.verbose_name_plural
            messages.success(request, f"{done} {noun} {transition.done}.")
        for refusal in refusals:
            messages.error(request, refusal)


def _transition_action(transition):
    """The changelist action of one transition: ``verify_action`` runs ``verify`` on the selection."""

    def action(model_admin, request, queryset):
        model_admin._run_transition(request, queryset, transition)

    action.__name__ = f"{transition.name}_action"
    return admin.action(description=transition.action_label)(action)


for _transition in review.WORKFLOW.values():
    setattr(ReviewWorkflowAdmin, f"{_transition.name}_action", _transition_action(_transition))


class FactAdmin:
    """An event's, party's, participant's or citation's own page: a change is a change of its record."""

    def save_model(self, request, obj, form, change):
        # The fact's save() sends its records back to review (acsa_db.review.fact_write).
        stored = type(obj)._base_manager.filter(pk=obj.pk).first() if change else None
        obj._review_before_edit = review_statuses([*(stored.records() if stored else []), *obj.records()])
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        say_if_sent_back(request, getattr(form.instance, "_review_before_edit", {}))

    def delete_model(self, request, obj):
        before = review_statuses(obj.records())
        super().delete_model(request, obj)
        say_if_sent_back(request, before)

    def delete_queryset(self, request, queryset):
        # One by one: QuerySet.delete() calls no delete(), and each fact's delete() is
        # what sends its record back to review.
        facts = list(queryset)
        before = review_statuses([record for fact in facts for record in fact.records()])
        with transaction.atomic():
            for fact in facts:
                fact.delete()
        say_if_sent_back(request, before)
