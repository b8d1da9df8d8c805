"""Partial dates: a DATE plus the precision it is known to.

"September 2023" is stored as ``2023-09-01`` with precision ``month``, never as
a day that pretends to be known. A model declares the two columns explicitly
(``<name>`` and ``<name>_precision``) so that SQL users see plain columns; this
module holds what the models, forms and imports share:

- ``PartialDate``: the value, parsed from and shown as "2024-01-29", "2023-09"
  or "2024";
- ``Precision``: the choices of the ``_precision`` column;
- ``partial_date_constraints()``: the CHECK constraints that keep the two
  columns consistent, in SQL that SQLite and PostgreSQL both run without any
  Django-registered function (so they hold for sqlite3 and psql users too);
- ``PartialDateFormField`` and ``PartialDateFormMixin`` for the admin.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

FORMATS_HELP = 'Write "2024-01-29" (day), "2023-09" (month) or "2024" (year).'

# ASCII digits only: "२०२४" or "２０２４" is not one of the documented forms.
_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$", re.ASCII)


class Precision(models.TextChoices):
    DAY = "day", "day"
    MONTH = "month", "month"
    YEAR = "year", "year"


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the day, the month or the year."""

    date: datetime.date
    precision: str

    def __post_init__(self):
        if self.precision not in Precision.values:
            raise ValueError(f"unknown precision {self.precision!r}")
        if self.precision in (Precision.MONTH, Precision.YEAR) and self.date.day != 1:
            raise ValueError(f"a {self.precision}-precision date must be the first of the month")
        if self.precision == Precision.YEAR and self.date.month != 1:
            raise ValueError("a year-precision date must be the first of January")

    @classmethod
    def parse(cls, text):
        """Parse "2024-01-29", "2023-09" or "2024"; raise ``ValueError`` otherwise."""
        if not isinstance(text, str):
            raise ValueError(f"{text!r} is not a date. {FORMATS_HELP}")
        value = text.strip()
        match = _PATTERN.match(value)
        if not match:
            raise ValueError(f'"{text}" is not a date. {FORMATS_HELP}')
        year = int(match["year"])
        month = int(match["month"] or 1)
        day = int(match["day"] or 1)
        if match["day"]:
            precision = Precision.DAY
        elif match["month"]:
            precision = Precision.MONTH
        else:
            precision = Precision.YEAR
        try:
            date = datetime.date(year, month, day)
        except ValueError:
            raise ValueError(f'"{text}" is not a date: no such {precision}. {FORMATS_HELP}') from None
        if year < 1800:
            raise ValueError(f'"{text}" is before 1800, outside the range this database records.')
        return cls(date, str(precision))

    @classmethod
    def from_columns(cls, date, precision):
        """The value of a pair of columns, or ``None`` when the date is unknown."""
        if date is None:
            return None
        if isinstance(date, str):
            date = datetime.date.fromisoformat(date)
        return cls(date, precision or Precision.DAY)

    @property
    def last_day(self):
        """The last day of the period this date stands for."""
        if self.precision == Precision.YEAR:
            return datetime.date(self.date.year, 12, 31)
        if self.precision == Precision.MONTH:
            days = calendar.monthrange(self.date.year, self.date.month)[1]
            return datetime.date(self.date.year, self.date.month, days)
        return self.date

    def __str__(self):
        if self.precision == Precision.YEAR:
            return f"{self.date.year:04d}"
        if self.precision == Precision.MONTH:
            return f"{self.date.year:04d}-{self.date.month:02d}"
        return self.date.isoformat()


def format_partial_date(date, precision, empty=""):
    """Show a pair of columns at their precision ("2023-09"), or ``empty``."""
    value = PartialDate.from_columns(date, precision)
    return str(value) if value else empty


# --- SQL that both engines run --------------------------------------------------------


class DateText(models.Func):
    """A date column formatted as text, in SQL native to each engine.

    Django's own Extract functions compile to a Python function that Django
    registers on its SQLite connections; a CHECK constraint using them would
    fail for anyone writing with the plain sqlite3 shell. ``strftime`` and
    ``to_char`` are built in.
    """

    output_field = models.CharField()
    # strftime's "%" is doubled twice: once for Func's template, once for the
    # "%" formatting Django applies to a constraint's SQL (and a cursor's).
    _FORMATS = {
        "year": ("%%%%Y", "YYYY"),
        "month": ("%%%%Y-%%%%m", "YYYY-MM"),
        "day": ("%%%%d", "DD"),
        "month_day": ("%%%%m-%%%%d", "MM-DD"),
    }

    def __init__(self, expression, part):
        self.part = part
        super().__init__(expression)

    def as_sqlite(self, compiler, connection, **extra_context):
        fmt = self._FORMATS[self.part][0]
        return self.as_sql(compiler, connection, template=f"strftime('{fmt}', %(expressions)s)")

    def as_postgresql(self, compiler, connection, **extra_context):
        fmt = self._FORMATS[self.part][1]
        return self.as_sql(compiler, connection, template=f"to_char(%(expressions)s, '{fmt}')")


def _named(prefix, name, rule):
    return f"{prefix}_{name}_{rule}"


def partial_date_constraints(name, prefix, *, required=False):
    """CHECK constraints for the columns ``<name>`` and ``<name>_precision``.

    - the precision is known exactly when the date is (and the date is required
      when ``required``);
    - month precision means the first of the month, year precision 1 January.
    """
    precision = f"{name}_precision"
    null_date = models.Q(**{f"{name}__isnull": True})
    if required:
        presence = models.Q(**{f"{name}__isnull": False, f"{precision}__isnull": False})
    else:
        presence = (null_date & models.Q(**{f"{precision}__isnull": True})) | models.Q(
            **{f"{name}__isnull": False, f"{precision}__isnull": False}
        )
    day_one = models.lookups.Exact(DateText(models.F(name), "day"), "01")
    first_of_year = models.lookups.Exact(DateText(models.F(name), "month_day"), "01-01")
    consistent = (
        null_date
        | models.Q(**{precision: Precision.DAY})
        | (models.Q(**{precision: Precision.MONTH}) & models.Q(day_one))
        | (models.Q(**{precision: Precision.YEAR}) & models.Q(first_of_year))
    )
    return [
        models.CheckConstraint(
            condition=models.Q(**{f"{precision}__in": Precision.values})
            | models.Q(**{f"{precision}__isnull": True}),
            name=_named(prefix, precision, "valid"),
            violation_error_message=f"The precision of {name} must be day, month or year.",
        ),
        models.CheckConstraint(
            condition=presence,
            name=_named(prefix, name, "precision_present"),
            violation_error_message=(
                f"{name.capitalize()} and its precision must be given together."
                if not required
                else f"{name.capitalize()} is required, with its precision."
            ),
        ),
        models.CheckConstraint(
            condition=consistent,
            name=_named(prefix, name, "precision_consistent"),
            violation_error_message=(
                f"A month-precision {name} must be the 1st of the month; "
                f"a year-precision {name} must be 1 January."
            ),
        ),
    ]


def end_not_before_start_constraint(start, end, prefix):
    """CHECK that an end date is not before the start, each at its precision.

    An end known only to the month (or year) may fall on any day of it, so the
    comparison is made at the end's precision: an end of "2024-07" is not
    before a start of 2024-07-12.
    """
    end_precision = f"{end}_precision"
    either_unknown = models.Q(**{f"{start}__isnull": True}) | models.Q(**{f"{end}__isnull": True})
    same_day_or_later = models.Q(**{f"{end}__gte": models.F(start)})
    same_month_or_later = models.Q(**{end_precision: Precision.MONTH}) & models.Q(
        models.lookups.GreaterThanOrEqual(
            DateText(models.F(end), "month"), DateText(models.F(start), "month")
        )
    )
    same_year_or_later = models.Q(**{end_precision: Precision.YEAR}) & models.Q(
        models.lookups.GreaterThanOrEqual(DateText(models.F(end), "year"), DateText(models.F(start), "year"))
    )
    return models.CheckConstraint(
        condition=either_unknown | same_day_or_later | same_month_or_later | same_year_or_later,
        name=f"{prefix}_{end}_not_before_{start}",
        violation_error_message=f"The {end.replace('_', ' ')} cannot be before the {start.replace('_', ' ')}.",
    )


def precision_field(name, *, required=False):
    """The ``<name>_precision`` column that goes with a partial date."""
    return models.CharField(
        max_length=5,
        choices=Precision.choices,
        null=not required,
        blank=not required,
        help_text=f"How precisely {name} is known: day, month or year. "
        f"For month and year, {name} holds the first day of the period.",
    )


# --- Forms -----------------------------------------------------------------------------


class PartialDateFormField(forms.CharField):
    """A text field that takes "2024-01-29", "2023-09" or "2024"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", FORMATS_HELP)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("maxlength", 12)
        self.widget.attrs.setdefault("placeholder", "YYYY-MM-DD, YYYY-MM or YYYY")
        self.widget.attrs.setdefault("size", 12)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return PartialDate.parse(value)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None

    def prepare_value(self, value):
        return str(value) if isinstance(value, PartialDate) else value

    def has_changed(self, initial, data):
        # The initial value is the text shown ("2024-01"), the data a PartialDate:
        # compare them as text, or every unchanged date would count as an edit.
        try:
            value = self.to_python(data)
        except ValidationError:
            return True
        return (str(value) if value else "") != (str(initial) if initial else "")


class PartialDateFormMixin:
    """A ModelForm mixin that edits each partial date as one text field.

    List the date columns in ``partial_date_fields``; their ``_precision``
    columns are set from what the curator typed and are left out of the form.
    """

    partial_date_fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.partial_date_fields:
            if name not in self.fields:
                continue
            model_field = self._meta.model._meta.get_field(name)
            self.fields[name] = PartialDateFormField(
                required=not model_field.null,
                label=model_field.verbose_name.capitalize(),
                help_text=f"{model_field.help_text} {FORMATS_HELP}".strip(),
            )
            self.fields.pop(f"{name}_precision", None)
            if self.instance.pk or getattr(self.instance, name, None):
                value = PartialDate.from_columns(
                    getattr(self.instance, name), getattr(self.instance, f"{name}_precision")
                )
                self.initial[name] = str(value) if value else ""

    def _get_validation_exclusions(self):
        # The precision columns are set by this form although they are not
        # fields of it: keep the model's constraints on them in validation, so
        # that "end before start" is a form error, not a database error.
        exclusions = super()._get_validation_exclusions()
        for name in self.partial_date_fields:
            if name in self.fields:
                exclusions.discard(f"{name}_precision")
        return exclusions

    def clean(self):
        cleaned_data = super().clean()
        for name in self.partial_date_fields:
            if name not in self.fields or name not in cleaned_data:
                continue
            value = cleaned_data[name]
            cleaned_data[name] = value.date if value else None
            setattr(self.instance, f"{name}_precision", value.precision if value else None)
        return cleaned_data
