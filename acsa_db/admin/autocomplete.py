"""Autocomplete fields in inline rows that cost no query per row.

Django's autocomplete widget shows the selected object's name, and reads that
object from the database when it renders: one query per row of an inline,
so an exercise with 40 participants costs 40 queries for their countries and
an agreement's citations one query each for their sources. The inline's own
queryset has usually loaded those objects already (``select_related``).

``KnownObjectsInlineMixin`` gives an inline's autocomplete fields a widget
that takes the selected object from the row's instance when it is loaded
there, and queries only when it is not (a new row, a value typed into a
form that failed validation).
"""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect


class KnownObjectAutocompleteSelect(AutocompleteSelect):
    """An autocomplete select that shows the objects it was given without querying them again."""

    known = None  # {str(primary key): object}, set by KnownObjectsForm for its row

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        known = self.known or {}
        if not selected or not selected <= known.keys() or self.field.remote_field.field_name != "id":
            return super().optgroups(name, value, attr)
        default = (None, [], 0)
        if not self.is_required and not self.allow_multiple_selected:
            default[1].append(self.create_option(name, "", "", False, 0))
        for key in sorted(selected):
            obj = known[key]
            label = self.choices.field.label_from_instance(obj)
            default[1].append(self.create_option(name, obj.pk, label, selected, len(default[1])))
        return [default]


class KnownObjectsForm(forms.ModelForm):
    """Hands each autocomplete widget the related object its row's instance already holds."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # inside the admin's add/change wrapper
            if not isinstance(widget, KnownObjectAutocompleteSelect):
                continue
            model_field = self.instance._meta.get_field(name)
            if model_field.is_cached(self.instance):
                related = model_field.get_cached_value(self.instance)
                widget.known = {str(related.pk): related} if related is not None else {}


class KnownObjectsInlineMixin:
    """For an inline with ``autocomplete_fields``: its rows' selected objects come from its queryset.

    List the autocomplete fields in the inline's ``select_related`` (its
    ``get_queryset``) so that the objects are there to take.
    """

    form = KnownObjectsForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and type(field.widget) is AutocompleteSelect:
            field.widget.__class__ = KnownObjectAutocompleteSelect
        return field
