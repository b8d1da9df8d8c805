"""Columns: django-import-export fields that also know how to set a cleaned value on a model.

``Field.save()`` in the library cleans and sets in one step; the fast import
cleans a whole batch first (to report every problem) and only then builds
instances, so each column has ``assign()``.
"""

from import_export.fields import Field

from ..partial_dates import PartialDate


class Column(Field):
    """A plain column: the cleaned value goes into one attribute."""

    def assign(self, instance, value, related):
        setattr(instance, self.attribute, value)


class ForeignKeyColumn(Column):
    """A column naming another row by natural key; the widget returns its primary key."""

    def assign(self, instance, value, related):
        setattr(instance, f"{self.attribute}_id", value)


class PartialDateColumn(Column):
    """One cell ("2023-09") for the two columns <name> and <name>_precision."""

    def get_value(self, instance):
        return PartialDate.from_columns(
            getattr(instance, self.attribute), getattr(instance, f"{self.attribute}_precision")
        )

    def assign(self, instance, value, related):
        setattr(instance, self.attribute, value.date if value else None)
        setattr(instance, f"{self.attribute}_precision", value.precision if value else None)


class ManyToManyColumn(Column):
    """Codes separated by ";"; set after the row is written."""

    def assign(self, instance, value, related):
        related[self.attribute] = value


class ComputedColumn(Column):
    """A column that a resource reads and writes itself (``clean_related_columns``)."""

    def assign(self, instance, value, related):
        pass
