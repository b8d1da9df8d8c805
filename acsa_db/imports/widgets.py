"""Widgets: how one cell is read from a file and written to one, by natural key, never by id.

Each widget's ``clean()`` raises ``ValueError`` with a reason a curator can
act on; the import service adds the file, row and column. Widgets that look
rows up (countries, sources, agreements, ...) resolve a whole batch of keys
with one query (``preload``) and then answer from a small cache, so a file
costs one query per batch and column, not one per row.
"""

import datetime
import functools
import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Q
from import_export import widgets

from ..models import Country, Organization, Source
from ..partial_dates import FORMATS_HELP, PartialDate
from .escaping import unescape_formula

SLUG_PATTERN = re.compile(r"^[-a-zA-Z0-9_]+\Z")
LIST_SEPARATOR = ";"
_validate_url = URLValidator()


def cell_text(value):
    """A cell as text, surrounding blanks removed (as admin forms do).

    A cell escaped on export (a leading apostrophe before a formula
    character) is unescaped and kept exactly, blanks included: it is the
    value the database held.
    """
    if value is None:
        return ""
    text = str(value)
    unescaped = unescape_formula(text)
    if unescaped is not text:
        return unescaped
    return text.strip()


def quoted(text, limit=60):
    text = str(text)
    return f'"{text[:limit]}…"' if len(text) > limit else f'"{text}"'


class TextWidget(widgets.Widget):
    """Text, checked against the model field: required, length, choices, slug, URL, its validators."""

    def __init__(self, *, model_field=None, required=False, **kwargs):
        super().__init__(**kwargs)
        self.required = required or (model_field is not None and not model_field.blank)
        self.nullable = model_field is not None and model_field.null
        self.max_length = getattr(model_field, "max_length", None)
        self.choices = [str(value) for value, _label in model_field.flatchoices] if model_field else []
        internal_type = model_field.get_internal_type() if model_field else ""
        self.is_slug = internal_type == "SlugField"
        self.is_url = internal_type == "URLField"
        # The field's own rules (a source URL's characters), after the checks above, which
        # word the common ones for a file.
        self.validators = list(model_field.validators) if model_field is not None else []
        self.default = (
            model_field.get_default() if model_field is not None and model_field.has_default() else None
        )

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            if self.default not in (None, ""):
                return self.default
            if self.required:
                raise ValueError("a value is required; the cell is empty")
            return None if self.nullable else ""
        if self.max_length and len(text) > self.max_length:
            raise ValueError(f"{len(text)} characters long; at most {self.max_length} are allowed")
        if self.choices and text not in self.choices:
            raise ValueError(f"{quoted(text)} is not one of: {', '.join(self.choices)}")
        if self.is_slug and not SLUG_PATTERN.match(text):
            raise ValueError(
                f"{quoted(text)} is not a slug: use letters, digits, hyphens and underscores only"
            )
        if self.is_url:
            try:
                _validate_url(text)
            except ValidationError:
                raise ValueError(
                    f"{quoted(text)} is not a URL (it must start with http:// or https://)"
                ) from None
        for validator in self.validators:
            try:
                validator(text)
            except ValidationError as error:
                raise ValueError(" ".join(error.messages)) from None
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class IntegerWidget(widgets.Widget):
    def __init__(self, *, model_field=None, **kwargs):
        super().__init__(**kwargs)
        self.required = model_field is not None and not model_field.blank
        self.minimum = (
            0 if model_field is not None and "Positive" in model_field.get_internal_type() else None
        )

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError("a whole number is required; the cell is empty")
            return None
        try:
            number = int(text)
        except ValueError:
            raise ValueError(f"{quoted(text)} is not a whole number") from None
        if self.minimum is not None and number < self.minimum:
            raise ValueError(f"{number} is negative")
        return number

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class IsoDateWidget(widgets.Widget):
    """A full date, written 2024-01-29."""

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f'{quoted(text)} is not a date: write it as "2024-01-29"') from None

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class IsoDateTimeWidget(widgets.Widget):
    """A moment, written 2024-01-29T10:30:00+00:00 (UTC when no offset is given)."""

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f'{quoted(text)} is not a date and time: write it as "2024-01-29T10:30:00+00:00"'
            ) from None
        return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


@functools.lru_cache(maxsize=1 << 16)
def _parse_partial_date(text):
    try:
        return PartialDate.parse(text), None
    except ValueError as error:
        return None, str(error)


def parse_partial_date(text):
    """``PartialDate.parse``, remembered: a file repeats its dates, and the values are immutable."""
    value, error = _parse_partial_date(text)
    if error:
        raise ValueError(error)
    return value


class PartialDateWidget(widgets.Widget):
    """A partial date: "2024-01-29", "2023-09" or "2024"."""

    def __init__(self, *, required=False, **kwargs):
        super().__init__(**kwargs)
        self.required = required

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError(f"a date is required; the cell is empty. {FORMATS_HELP}")
            return None
        return parse_partial_date(text)

    def render(self, value, obj=None, **kwargs):
        return str(value) if value else ""


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """A row of another table, named by its natural key (a slug, a code, an acronym).

    ``clean()`` returns the row's primary key. ``preload()`` resolves a batch's
    keys in one query; the cache is bounded so that a file of any length
    keeps memory flat.
    """

    CACHE_LIMIT = 50_000
    key_field = "slug"
    noun = None  # "agreement", for messages; defaults to the model's verbose name
    hint = ""

    def __init__(self, model, key_field=None, *, required=False, **kwargs):
        super().__init__(model, field=key_field or self.key_field, **kwargs)
        self.key_field = key_field or self.key_field
        self.required = required
        self._cache = {}

    # -- keys ----------------------------------------------------------------------
    def normalize(self, text):
        return text

    def key_of(self, obj):
        return getattr(obj, self.key_field)

    def lookup(self, keys):
        """Map each of ``keys`` that exists to its primary key (one query)."""
        rows = self.model.objects.filter(**{f"{self.key_field}__in": keys}).values_list(self.key_field, "pk")
        return dict(rows)

    def preload(self, values, rows=None):
        keys = {self.normalize(cell_text(value)) for value in values} - {""} - self._cache.keys()
        if not keys:
            return
        if len(self._cache) + len(keys) > self.CACHE_LIMIT:
            self._cache.clear()
        found = self.lookup(list(keys))
        for key in keys:
            self._cache[key] = found.get(key)

    def forget(self):
        self._cache.clear()

    def resolve(self, text):
        key = self.normalize(text)
        if key not in self._cache:
            self.preload([key])
        return self._cache.get(key)

    # -- the widget interface ---------------------------------------------------------
    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError(f"a {self.noun_text} is required; the cell is empty")
            return None
        pk = self.resolve(text)
        if pk is None:
            raise ValueError(self.unknown_message(text))
        return pk

    @property
    def noun_text(self):
        return self.noun or str(self.model._meta.verbose_name)

    def unknown_message(self, text):
        message = f"unknown {self.noun_text} {quoted(text)}: no {self.noun_text} has this {self.key_field.replace('_', ' ')}"
        return f"{message}{self.hint}"

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(self.key_of(value))


class CountryWidget(NaturalKeyWidget):
    """A country by ISO alpha-3 code (JPN), or cow:<code> for a state ISO does not list."""

    key_field = "iso3"
    noun = "country"

    def normalize(self, text):
        text = text.strip()
        if text.lower().startswith("cow:"):
            return f"cow:{text[4:].strip()}"
        return text.upper()

    def key_of(self, obj):
        return obj.key

    def lookup(self, keys):
        iso3 = [key for key in keys if not key.startswith("cow:")]
        cow_codes = {}
        for key in keys:
            if key.startswith("cow:") and key[4:].isdigit():
                cow_codes[int(key[4:])] = key
        found = {}
        condition = Q(iso3__in=iso3) | Q(cow_code__in=list(cow_codes))
        for pk, iso, cow in Country.objects.filter(condition).values_list("pk", "iso3", "cow_code"):
            if iso in iso3:
                found[iso] = pk
            if cow in cow_codes:
                found[cow_codes[cow]] = pk
        return found

    def unknown_message(self, text):
        key = self.normalize(text)
        if key.startswith("cow:"):
            if not key[4:].isdigit():
                return f'{quoted(text)} is not a country code: a COW code is a number ("cow:345")'
            return f"unknown country {quoted(text)}: no country has COW code {key[4:]}"
        return (
            f"unknown country {quoted(text)}: no country has ISO alpha-3 code {key} "
            '(write "cow:<number>" for a historic state without one)'
        )


class OrganizationWidget(NaturalKeyWidget):
    key_field = "acronym"
    noun = "organization"


class CodeWidget(NaturalKeyWidget):
    """A row of a controlled vocabulary (agreement types, domains) by its code."""

    key_field = "code"


class SourceWidget(NaturalKeyWidget):
    """A source by its slug or by its URL."""

    noun = "source"
    hint = " (add the source first, or import the sources file before this one)"

    def __init__(self, model=Source, key_field="slug", **kwargs):
        super().__init__(model, key_field, **kwargs)

    def lookup(self, keys):
        urls = [key for key in keys if "://" in key]
        slugs = [key for key in keys if "://" not in key]
        found = {}
        for pk, slug, url in Source.objects.filter(Q(slug__in=slugs) | Q(url__in=urls)).values_list(
            "pk", "slug", "url"
        ):
            found[slug] = pk
            if url:
                found[url] = pk
        return found

    def unknown_message(self, text):
        if "://" in text:
            return f"no source has the URL {quoted(text, 120)}{self.hint}"
        return f"unknown source {quoted(text)}: no source has this slug{self.hint}"


class PartyWidget(NaturalKeyWidget):
    """A party code: a country (JPN, cow:345) or else an organization's acronym (NATO).

    Returns ``("country", pk)`` or ``("organization", pk)``.
    """

    noun = "party"

    def __init__(self, **kwargs):
        super().__init__(Country, **kwargs)
        self.countries = CountryWidget(Country)
        self.organizations = OrganizationWidget(Organization)

    def preload(self, values, rows=None):
        self.countries.preload(values)
        self.organizations.preload(values)

    def forget(self):
        self.countries.forget()
        self.organizations.forget()

    def resolve(self, text):
        country = self.countries.resolve(text)
        organization = self.organizations.resolve(text)
        if country and organization:
            raise ValueError(f"{quoted(text)} names both a country and an organization")
        if country:
            return ("country", country)
        if organization:
            return ("organization", organization)
        return None

    def unknown_message(self, text):
        return f"unknown party {quoted(text)}: no country has this ISO alpha-3 code and no organization this acronym"


class PartyListWidget(PartyWidget):
    """Parties as a list: "JPN;DEU" or "JPN; NATO"."""

    def split(self, value):
        return [part.strip() for part in cell_text(value).split(LIST_SEPARATOR) if part.strip()]

    def preload(self, values, rows=None):
        codes = [code for value in values for code in self.split(value)]
        super().preload(codes)

    def clean(self, value, row=None, **kwargs):
        codes = self.split(value)
        if not codes:
            if self.required:
                raise ValueError('at least one party is required, as codes separated by ";" (JPN;DEU)')
            return []
        parties, unknown, seen = [], [], set()
        for code in codes:
            party = self.resolve(code)
            if party is None:
                unknown.append(code)
            elif party in seen:
                raise ValueError(f"{quoted(code)} is listed twice")
            else:
                seen.add(party)
                parties.append(party)
        if unknown:
            raise ValueError("; ".join(self.unknown_message(code) for code in unknown))
        return parties


class CodeListWidget(widgets.ManyToManyWidget):
    """Rows of a vocabulary as codes separated by ";" (air;sea)."""

    def __init__(self, model, field="code", **kwargs):
        super().__init__(model, separator=LIST_SEPARATOR, field=field, **kwargs)
        self.codes = None

    def clean(self, value, row=None, **kwargs):
        if self.codes is None:
            self.codes = dict(self.model.objects.values_list(self.field, "pk"))
        codes = [part.strip() for part in cell_text(value).split(LIST_SEPARATOR) if part.strip()]
        unknown = [code for code in codes if code not in self.codes]
        if unknown:
            raise ValueError(
                f"unknown {self.model._meta.verbose_name} {', '.join(quoted(c) for c in unknown)}: "
                f"use one of {', '.join(sorted(self.codes))}"
            )
        return sorted({self.codes[code] for code in codes})

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return LIST_SEPARATOR.join(sorted(getattr(item, self.field) for item in value.all()))
