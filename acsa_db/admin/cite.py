"""Cite a source for many facts of a record at once: ``<id>/cite/`` on the agreement and exercise admins.

The page lists the record and each of its events, parties or participants
with a tick box and the claim the source backs for it (its kind's default
claim preselected), under one source, locator and quote: one save writes a
citation for every ticked fact (``acsa_db.curation.cite_facts``), or none.
Only users who may add citations see the button or open the page.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from ..coverage import describe_fact, uncited_facts
from ..curation import CitingRefused, cite_facts, default_claim, fact_key, facts_of
from ..models import Citation, Source
from .display import change_url
from .workflow import review_statuses, say_if_sent_back


class CiteFactsForm(forms.Form):
    """One source, and for each fact of the record a tick box and a claim."""

    source = forms.ModelChoiceField(
        Source.objects.all(),
        help_text="The source to cite. Type a few letters of its title, publisher or slug.",
    )
    stance = forms.ChoiceField(
        choices=Citation.Stance.choices,
        initial=Citation.Stance.SUPPORTS,
        help_text=Citation._meta.get_field("stance").help_text,
    )
    locator = forms.CharField(
        max_length=200, required=False, help_text=Citation._meta.get_field("locator").help_text
    )
    quote = forms.CharField(
        max_length=300, required=False, help_text=Citation._meta.get_field("quote").help_text
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=Citation._meta.get_field("note").help_text,
    )

    def __init__(self, *args, facts, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        self.facts = facts
        # The citation admin's autocomplete for sources (it lists "source" in autocomplete_fields).
        source = self.fields["source"]
        source.widget = AutocompleteSelect(Citation._meta.get_field("source"), admin_site)
        source.widget.choices = source.choices
        for fact in facts:
            key = fact_key(fact)
            self.fields[f"cite-{key}"] = forms.BooleanField(required=False, label=describe_fact(fact))
            self.fields[f"claim-{key}"] = forms.ChoiceField(
                choices=Citation.Claim.choices, initial=default_claim(fact), label="claim", required=False
            )

    def rows(self):
        """(fact, tick box, claim) for the template, in the order of ``facts``."""
        return [
            (fact, self[f"cite-{fact_key(fact)}"], self[f"claim-{fact_key(fact)}"]) for fact in self.facts
        ]

    def ticked(self):
        """The ticked facts with their claims, as ``cite_facts`` takes them."""
        return [
            (fact, self.cleaned_data.get(f"claim-{fact_key(fact)}") or None)
            for fact in self.facts
            if self.cleaned_data.get(f"cite-{fact_key(fact)}")
        ]

    def clean(self):
        cleaned_data = super().clean()
        if not any(cleaned_data.get(f"cite-{fact_key(fact)}") for fact in self.facts):
            raise forms.ValidationError("Tick at least one fact to cite the source for.", code="no_fact")
        return cleaned_data


class CiteFactsAdmin:
    """On an agreement's or exercise's admin: the "Cite a source for…" page and its button."""

    change_form_template = "admin/acsa_db/record_change_form.html"

    def has_cite_permission(self, request):
        return self.admin_site._registry[Citation].has_add_permission(request)

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/cite/",
                self.admin_site.admin_view(self.cite_view),
                name=f"{opts.app_label}_{opts.model_name}_cite",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and self.has_cite_permission(request):
            opts = self.model._meta
            context["cite_url"] = reverse(f"admin:{opts.app_label}_{opts.model_name}_cite", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def cite_view(self, request, object_id):
        record = self.get_object(request, unquote(object_id))
        if record is None:
            raise Http404(f"No {self.model._meta.verbose_name} with id {object_id!r}.")
        if not (self.has_view_permission(request, record) and self.has_cite_permission(request)):
            raise PermissionDenied
        facts = facts_of(record)
        form = CiteFactsForm(request.POST or None, facts=facts, admin_site=self.admin_site)
        if request.method == "POST" and form.is_valid():
            before = review_statuses([record])
            data = form.cleaned_data
            try:
                written = cite_facts(
                    record,
                    data["source"],
                    form.ticked(),
                    locator=data["locator"],
                    quote=data["quote"],
                    note=data["note"],
                    stance=data["stance"],
                    user=request.user,
                )
            except CitingRefused as refusal:
                for problem in refusal.problems:
                    form.add_error(None, problem)
            else:
                count = len(written)
                messages.success(
                    request,
                    f'{count} citation{"s" if count != 1 else ""} of "{data["source"]}" added to the '
                    f'{record._meta.verbose_name} "{record}".',
                )
                say_if_sent_back(request, before)
                opts = self.model._meta
                return redirect(change_url(record))
        opts = self.model._meta
        uncited = {(type(fact), fact.pk) for fact in uncited_facts(record)}
        context = {
            **self.admin_site.each_context(request),
            "title": f"Cite a source for {record}",
            "subtitle": None,
            "opts": opts,
            "record": record,
            "form": form,
            "rows": [
                (fact, tick, claim, (type(fact), fact.pk) in uncited) for fact, tick, claim in form.rows()
            ],
            "media": self.media + form.media,
            "record_url": change_url(record),
        }
        return TemplateResponse(request, "admin/acsa_db/cite_facts.html", context)


__all__ = ["CiteFactsAdmin", "CiteFactsForm"]
