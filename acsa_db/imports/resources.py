"""Resources: one per curated table, and the curator's sheets.

Every resource is a django-import-export ``ModelResource`` (the admin's
export and its field lists use them as they are), with columns that name
related rows by natural key: countries by ISO alpha-3 code or ``cow:<code>``,
organizations by acronym, agreement types and domains by code, agreements,
exercises and sources by slug (sources also by URL). Partial dates are one
cell each ("2024-01-29", "2023-09", "2024"). No file ever carries a database id.

Importing goes through ``acsa_db.imports.service`` (all or nothing, every
problem reported at once), which uses the hooks defined here: which columns
a file must have, how a row is cleaned and checked, how rows are matched to
existing ones by natural key and how a batch is written.
"""

from dataclasses import dataclass, field

from django.db import connection, models
from import_export import resources

from ..models import (
    Agreement,
    AgreementEvent,
    AgreementParty,
    AgreementType,
    Citation,
    Country,
    Domain,
    Exercise,
    ExerciseParticipant,
    Organization,
    Source,
)
from ..models.sources import CITATION_TARGET_PATHS, CITATION_TARGETS
from ..partial_dates import PartialDate
from .columns import Column, ComputedColumn, ForeignKeyColumn, ManyToManyColumn, PartialDateColumn
from .escaping import escape_dataset
from .widgets import (
    CodeListWidget,
    CodeWidget,
    CountryWidget,
    IntegerWidget,
    IsoDateTimeWidget,
    IsoDateWidget,
    NaturalKeyWidget,
    OrganizationWidget,
    PartialDateWidget,
    PartyWidget,
    SourceWidget,
    TextWidget,
    cell_text,
    quoted,
)

# The widget that names rows of each related model.
KEY_WIDGETS = {
    Country: CountryWidget,
    Organization: OrganizationWidget,
    AgreementType: CodeWidget,
    Domain: CodeWidget,
    Source: SourceWidget,
    Agreement: NaturalKeyWidget,
    Exercise: NaturalKeyWidget,
}


@dataclass
class CleanRow:
    """A row of a file, cleaned: the instance to write and what goes with it."""

    number: int
    instance: models.Model
    key: tuple
    related: dict = field(default_factory=dict)
    existing_pk: int | None = None


def end_before_start(start, end, end_precision):
    """Whether an end date falls before the start, compared at the end's precision.

    The same rule as the CHECK constraint ``end_not_before_start_constraint``:
    an end known only to the month (or year) may be any day of it.
    """
    if start is None or end is None:
        return False
    if end_precision == "year":
        return end.year < start.year
    if end_precision == "month":
        return (end.year, end.month) < (start.year, start.month)
    return end < start


def rows_matching(model, attname, values, columns):
    """``values_list(*columns)`` of the rows whose ``attname`` is one of ``values``.

    On PostgreSQL the values go as one array parameter (``= ANY(%s)``): a
    batch of a thousand keys is then one parameter for Django to prepare,
    not a thousand.
    """
    if not values:
        return []
    if connection.vendor != "postgresql":
        return list(model.objects.filter(**{f"{attname}__in": values}).values_list(*columns))
    quote = connection.ops.quote_name
    names = [model._meta.pk.column if c == "pk" else model._meta.get_field(c).column for c in columns]
    column = model._meta.get_field(attname).column
    sql = (
        f"SELECT {', '.join(quote(n) for n in names)} FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(column)} = ANY(%s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(values)])
        return cursor.fetchall()


# A record's review and its edit counter are not data: a reviewer sets them in
# the admin, the database moves the version on. A file naming one of them is
# refused, so that no import can make a record verified without a review, nor
# date a review in the future so that later edits look older than it.
REVIEW_COLUMNS = ("review_status", "reviewed_by", "reviewed_at", "version")


class TableResource(resources.ModelResource):
    """A table's file: one row per record, related rows by natural key."""

    #: Columns (besides those the model requires) a file must have.
    extra_required_columns = ()
    #: Foreign keys to the same table: they may name a row further down the same file.
    self_references = ()
    #: The user importing (None on the command line); set by the import service.
    import_user = None
    #: What export queries join, so that exporting is a fixed number of queries.
    export_select_related = ()
    export_prefetch_related = ()

    def get_import_fields(self):
        # Asked for each row: computed once per resource.
        if not hasattr(self, "_import_fields"):
            self._import_fields = super().get_import_fields()
        return self._import_fields

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        """Columns by natural key, partial dates as one cell, text checked like the admin does."""
        kwargs = {"attribute": field_name, "column_name": field_name, "readonly": readonly}
        if django_field.many_to_many:
            return ManyToManyColumn(widget=CodeListWidget(django_field.related_model), **kwargs)
        if django_field.many_to_one:
            related = django_field.related_model
            widget_class = KEY_WIDGETS.get(related, NaturalKeyWidget)
            widget = widget_class(related, required=not django_field.null)
            return ForeignKeyColumn(widget=widget, **kwargs)
        model = django_field.model
        if isinstance(django_field, models.DateTimeField):
            return Column(widget=IsoDateTimeWidget(), **kwargs)
        if isinstance(django_field, models.DateField):
            precision = f"{field_name}_precision"
            if any(f.name == precision for f in model._meta.fields):
                return PartialDateColumn(widget=PartialDateWidget(required=not django_field.null), **kwargs)
            return Column(widget=IsoDateWidget(), **kwargs)
        if isinstance(django_field, models.IntegerField):
            return Column(widget=IntegerWidget(model_field=django_field), **kwargs)
        return Column(widget=TextWidget(model_field=django_field), **kwargs)

    @classmethod
    def table_name(cls):
        return cls._meta.model._meta.db_table

    @classmethod
    def get_display_name(cls):
        return f"{cls.table_name()} (one row per {cls._meta.model._meta.verbose_name})"

    # -- export ----------------------------------------------------------------------
    def get_queryset(self):
        return self.prepare_export_queryset(super().get_queryset())

    def prepare_export_queryset(self, queryset):
        queryset = queryset.select_related(*self.export_select_related)
        if self.export_prefetch_related:
            queryset = queryset.prefetch_related(*self.export_prefetch_related)
        return queryset

    def filter_export(self, queryset, **kwargs):
        return self.prepare_export_queryset(queryset)

    def export(self, queryset=None, **kwargs):
        # The library's own export (a tablib Dataset) is safe to open in a spreadsheet too; the
        # admin and the commands write through exports.write_export instead.
        return escape_dataset(super().export(queryset=queryset, **kwargs))

    def export_rows(self, queryset=None, fields=None):
        """Headers, then each row's cells, unescaped, one row at a time (for streaming exports).

        ``fields``: the names of the fields to export (the admin's export form's choice); all if None.
        """
        if queryset is None:
            queryset = self.get_queryset()
        else:
            queryset = self.prepare_export_queryset(queryset)
        fields = self.get_export_fields(fields)
        yield [field.column_name for field in fields]
        for instance in self.iter_queryset(queryset):
            yield [self.export_field(f, instance) for f in fields]

    # -- import: columns ---------------------------------------------------------------
    def import_columns(self):
        return [f.column_name for f in self.get_import_fields()]

    def required_columns(self):
        required = list(self.extra_required_columns)
        for f in self.get_import_fields():
            widget = f.widget
            if getattr(widget, "required", False) and getattr(widget, "default", None) in (None, ""):
                required.append(f.column_name)
        return list(dict.fromkeys(required))

    def key_columns(self):
        return list(self._meta.import_id_fields)

    # -- import: cleaning ------------------------------------------------------------------
    def prepare_batch(self, rows):
        """Resolve the batch's natural keys with one query per column."""
        for f in self.get_import_fields():
            preload = getattr(f.widget, "preload", None)
            if preload is not None:
                preload([row.get(f.column_name) for _number, row in rows], rows)

    def forget(self):
        for f in self.get_import_fields():
            forget = getattr(f.widget, "forget", None)
            if forget is not None:
                forget()

    def cleaning_plan(self):
        """(column, field, clean, assign, is a self-reference) of each column cleaned cell by cell.

        Worked out once per resource: a file may have a million rows.
        """
        if not hasattr(self, "_cleaning_plan"):
            self._cleaning_plan = [
                (f.column_name, f, f.widget.clean, f.assign, f.attribute in self.self_references)
                for f in self.get_import_fields()
                if not isinstance(f, ComputedColumn)
            ]
        return self._cleaning_plan

    def new_instance(self):
        """A new, unsaved instance with the model's defaults.

        Built from the defaults worked out once, positionally (as Django's
        ``Model.from_db`` does): the keyword path asks each field for its
        default on every row. No field of these models has a callable default.
        """
        model = self._meta.model
        if not hasattr(self, "_defaults"):
            self._defaults = [f.get_default() for f in model._meta.concrete_fields]
        return model(*self._defaults)

    def clean_row(self, number, row, deferred):
        """Clean one row: a ``CleanRow`` and a list of (column, reason) problems.

        A self-reference to a key that is not in the database yet is put in
        ``deferred`` as (row number, column, key): the service accepts it if
        the key is further up or down the same file.
        """
        instance = self.new_instance()
        related = {}
        errors = []
        for column, f, clean, assign, self_reference in self.cleaning_plan():
            if column not in row:
                continue
            if self_reference:
                text = cell_text(row[column])
                if text and f.widget.resolve(text) is None:
                    deferred.append((number, column, text))
                    related.setdefault("deferred", {})[f.attribute] = text
                    continue
            try:
                value = clean(row[column], row=row)
            except ValueError as error:
                errors.append((column, str(error)))
                continue
            assign(instance, value, related)
        # Every column of the row is checked, so that all its problems show at once.
        # A rule across columns sees None where a cell failed, and its problem
        # is dropped when that column is already explained.
        self.clean_related_columns(instance, row, related, errors)
        failed = {column for column, _reason in errors}
        errors.extend(
            problem for problem in self.check_row(instance, related, row) if problem[0] not in failed
        )
        return CleanRow(number, instance, self.natural_key(instance), related), errors

    def clean_related_columns(self, instance, row, related, errors):
        """Columns that depend on each other (a citation's target); none by default."""

    def check_row(self, instance, related, row):
        """Rules across columns, as (column, reason) pairs; the database enforces them too."""
        return []

    def natural_key(self, instance):
        return tuple(
            getattr(instance, self._meta.model._meta.get_field(name).attname) for name in self.key_columns()
        )

    def key_text(self, row):
        return ", ".join(f"{name} {quoted(cell_text(row.get(name)))}" for name in self.key_columns())

    # -- import: matching and writing --------------------------------------------------------
    def existing_pks(self, keys):
        """Map each natural key that is already in the database to its primary key (one query)."""
        names = self.key_columns()
        attnames = [self._meta.model._meta.get_field(name).attname for name in names]
        rows = rows_matching(self._meta.model, attnames[0], {key[0] for key in keys}, ["pk", *attnames])
        wanted = set(keys)
        return {tuple(values): pk for pk, *values in rows if tuple(values) in wanted}

    def update_fields(self, header):
        """The model fields a file with this header sets on existing rows."""
        names = []
        for f in self.get_import_fields():
            if f.column_name not in header or isinstance(f, (ManyToManyColumn, ComputedColumn)):
                continue
            if f.attribute in self.self_references:
                continue  # written after all rows exist
            names.append(f.attribute)
            if isinstance(f, PartialDateColumn):
                names.append(f"{f.attribute}_precision")
        return names

    def write_batch(self, rows, writer, header):
        """Insert new rows, update those that changed; returns (created, updated, unchanged)."""
        model = self._meta.model
        fields = self.update_fields(header)
        links = [
            f for f in self.get_import_fields() if isinstance(f, ManyToManyColumn) and f.column_name in header
        ]
        new_rows = [row for row in rows if row.existing_pk is None]
        existing_rows = [row for row in rows if row.existing_pk is not None]
        for row in existing_rows:
            row.instance.pk = row.existing_pk
        # A row the file leaves as it is gets no update, no history row and no
        # new version: re-importing a file changes nothing.
        changed_rows = self.changed_rows(existing_rows, fields, links)
        writer.insert(model, [row.instance for row in new_rows])
        writer.update(model, [row.instance for row in changed_rows], fields)
        written = new_rows + changed_rows
        for f in links:
            writer.set_many_to_many(
                model, f.attribute, {row.instance.pk: row.related.get(f.attribute, []) for row in written}
            )
        for row in rows:
            for attribute, key in row.related.get("deferred", {}).items():
                writer.defer_self_reference(model, row.instance.pk, attribute, key)
        for record_model, ids, *own_rows in self.records_of_facts(written, header):
            writer.facts_changed(record_model, ids, version_moved=bool(own_rows))
        return len(new_rows), len(changed_rows), len(existing_rows) - len(changed_rows)

    def changed_rows(self, rows, fields, links):
        """The rows whose values in the file differ from the database's (one query, plus one per link column)."""
        if not rows:
            return []
        model = self._meta.model
        attnames = [model._meta.get_field(name).attname for name in fields]
        pks = [row.existing_pk for row in rows]
        current = {
            values["pk"]: values for values in model.objects.filter(pk__in=pks).values("pk", *attnames)
        }
        current_links = {}
        for f in links:
            through = getattr(model, f.attribute).through
            source = f"{model._meta.model_name}_id"
            target = f"{model._meta.get_field(f.attribute).related_model._meta.model_name}_id"
            by_pk = current_links.setdefault(f.attribute, {})
            for pk, other in through.objects.filter(**{f"{source}__in": pks}).values_list(source, target):
                by_pk.setdefault(pk, []).append(other)
        changed = []
        for row in rows:
            old = current.get(row.existing_pk, {})
            if any(getattr(row.instance, name) != old.get(name) for name in attnames) or any(
                sorted(row.related.get(f.attribute, []))
                != sorted(current_links[f.attribute].get(row.existing_pk, []))
                for f in links
            ):
                changed.append(row)
        return changed

    def records_of_facts(self, rows, header):
        """(model, ids) of the agreements or exercises whose facts these rows change."""
        return []


class CountryResource(TableResource):
    class Meta:
        model = Country
        fields = ("iso3", "iso2", "iso_numeric", "cow_code", "cow_abbrev", "name")
        import_id_fields = ("iso3",)

    def key_columns(self):
        return ["iso3", "cow_code"]

    def natural_key(self, instance):
        # A country is identified by its ISO code, or by its COW code when ISO lists none.
        return ("iso3", instance.iso3) if instance.iso3 else ("cow_code", instance.cow_code)

    def key_text(self, row):
        iso3 = cell_text(row.get("iso3"))
        return f"iso3 {quoted(iso3)}" if iso3 else f"cow_code {quoted(cell_text(row.get('cow_code')))}"

    def check_row(self, instance, related, row):
        if not instance.iso3 and instance.cow_code is None:
            return [("iso3", "give an ISO alpha-3 code, a COW code (column cow_code), or both")]
        problems = []
        for name, length in (("iso3", 3), ("iso2", 2)):
            value = getattr(instance, name)
            if value and (len(value) != length or value != value.upper() or not value.isalpha()):
                problems.append((name, f"{quoted(value)} is not {length} capital letters"))
        if instance.iso_numeric and (len(instance.iso_numeric) != 3 or not instance.iso_numeric.isdigit()):
            problems.append(("iso_numeric", f"{quoted(instance.iso_numeric)} is not three digits (036)"))
        return problems

    def existing_pks(self, keys):
        iso3 = [value for kind, value in keys if kind == "iso3"]
        cow = [value for kind, value in keys if kind == "cow_code"]
        found = {}
        for pk, iso, code in Country.objects.filter(
            models.Q(iso3__in=iso3) | models.Q(cow_code__in=cow, iso3__isnull=True)
        ).values_list("pk", "iso3", "cow_code"):
            found[("iso3", iso) if iso else ("cow_code", code)] = pk
        return found


class OrganizationResource(TableResource):
    class Meta:
        model = Organization
        fields = ("acronym", "name", "url")
        import_id_fields = ("acronym",)


class AgreementTypeResource(TableResource):
    class Meta:
        model = AgreementType
        fields = ("code", "name", "description")
        import_id_fields = ("code",)


class DomainResource(TableResource):
    class Meta:
        model = Domain
        fields = ("code", "name")
        import_id_fields = ("code",)


class SourceResource(TableResource):
    self_references = ("relays",)
    export_select_related = ("publisher_country", "relays")

    class Meta:
        model = Source
        fields = (
            "slug",
            "title",
            "publisher",
            "authors",
            "kind",
            "url",
            "archive_url",
            "published",
            "accessed_on",
            "language",
            "publisher_country",
            "relays",
            "relays_description",
            "notes",
        )
        import_id_fields = ("slug",)

    def check_row(self, instance, related, row):
        if related.get("deferred", {}).get("relays") == instance.slug:
            return [("relays", "a source cannot relay itself")]
        if instance.relays_id and instance.relays_id == self._own_pk(instance):
            return [("relays", "a source cannot relay itself")]
        return []

    def _own_pk(self, instance):
        return self.fields["relays"].widget.resolve(instance.slug) if instance.slug else None


class AgreementResource(TableResource):
    self_references = ("supersedes",)
    export_select_related = ("type", "supersedes")

    class Meta:
        model = Agreement
        fields = (
            "slug",
            "title",
            "short_title",
            "type",
            "supersedes",
            "text_url",
            "summary",
            "notes",
        )
        import_id_fields = ("slug",)

    def records_of_facts(self, rows, header):
        return [(self._meta.model, [row.existing_pk for row in rows if row.existing_pk is not None], True)]

    def check_row(self, instance, related, row):
        problems = []
        own = self.fields["supersedes"].widget.resolve(instance.slug) if instance.slug else None
        if related.get("deferred", {}).get("supersedes") == instance.slug or (
            own and instance.supersedes_id == own
        ):
            problems.append(("supersedes", "an agreement cannot supersede itself"))
        return problems


class PartyColumnsMixin:
    """Tables whose rows name exactly one of a country and an organization."""

    def check_row(self, instance, related, row):
        for column in ("country", "organization"):
            if cell_text(row.get(column)) and getattr(instance, f"{column}_id") is None:
                return []  # that cell's own problem explains the row
        if (instance.country_id is None) == (instance.organization_id is None):
            return [
                (
                    "country",
                    "give exactly one of a country (column country) and an organization (column organization)",
                )
            ]
        return []

    def existing_pks(self, keys):
        # keys are (record id, country id, organization id)
        record = self.key_columns()[0]
        attname = f"{record}_id"
        rows = self._meta.model.objects.filter(**{f"{attname}__in": {key[0] for key in keys}}).values_list(
            "pk", attname, "country_id", "organization_id"
        )
        wanted = set(keys)
        return {tuple(values): pk for pk, *values in rows if tuple(values) in wanted}


class AgreementPartyResource(PartyColumnsMixin, TableResource):
    export_select_related = ("agreement", "country", "organization")

    def records_of_facts(self, rows, header):
        return [(Agreement, [row.instance.agreement_id for row in rows])]

    class Meta:
        model = AgreementParty
        fields = ("agreement", "country", "organization", "role")
        import_id_fields = ("agreement", "country", "organization")

    def key_text(self, row):
        party = cell_text(row.get("country")) or cell_text(row.get("organization"))
        return f"agreement {quoted(cell_text(row.get('agreement')))} and party {quoted(party)}"


class ExerciseParticipantResource(PartyColumnsMixin, TableResource):
    export_select_related = ("exercise", "country", "organization")

    def records_of_facts(self, rows, header):
        return [(Exercise, [row.instance.exercise_id for row in rows])]

    class Meta:
        model = ExerciseParticipant
        fields = ("exercise", "country", "organization", "role", "forces", "note")
        import_id_fields = ("exercise", "country", "organization")

    def key_text(self, row):
        party = cell_text(row.get("country")) or cell_text(row.get("organization"))
        return f"exercise {quoted(cell_text(row.get('exercise')))} and participant {quoted(party)}"


class AgreementEventResource(TableResource):
    """Events; ``party`` is the code of one of the agreement's own parties (JPN, NATO)."""

    party = ComputedColumn(attribute="party", column_name="party", widget=PartyWidget())
    export_select_related = ("agreement", "party__country", "party__organization")

    class Meta:
        model = AgreementEvent
        fields = ("agreement", "kind", "date", "party", "place", "note")
        import_id_fields = ("agreement", "kind", "date")

    def records_of_facts(self, rows, header):
        return [(Agreement, [row.instance.agreement_id for row in rows])]

    def dehydrate_party(self, event):
        return event.party.party_key if event.party_id else ""

    def clean_related_columns(self, instance, row, related, errors):
        text = cell_text(row.get("party"))
        if not text or instance.agreement_id is None:
            return
        try:
            party = self.fields["party"].widget.clean(text)
        except ValueError as error:
            errors.append(("party", str(error)))
            return
        kind, pk = party
        match = AgreementParty.objects.filter(
            agreement_id=instance.agreement_id, **{f"{kind}_id": pk}
        ).first()
        if match is None:
            errors.append(
                (
                    "party",
                    f"{quoted(text)} is not a party to this agreement (add it to agreement_party first)",
                )
            )
        else:
            instance.party_id = match.pk

    def update_fields(self, header):
        fields = super().update_fields(header)
        return fields + ["party"] if "party" in header else fields

    def existing_pks(self, keys):
        rows = AgreementEvent.objects.filter(agreement_id__in={key[0] for key in keys}).values_list(
            "pk", "agreement_id", "kind", "date"
        )
        wanted = set(keys)
        return {tuple(values): pk for pk, *values in rows if tuple(values) in wanted}


class ExerciseResource(TableResource):
    self_references = ("part_of",)
    export_select_related = ("host", "part_of")
    export_prefetch_related = ("domains",)

    class Meta:
        model = Exercise
        fields = (
            "slug",
            "name",
            "series",
            "kind",
            "status",
            "domains",
            "start_date",
            "end_date",
            "location",
            "host",
            "part_of",
            "scenario",
            "summary",
            "notes",
        )
        import_id_fields = ("slug",)

    def records_of_facts(self, rows, header):
        return [(self._meta.model, [row.existing_pk for row in rows if row.existing_pk is not None], True)]

    def check_row(self, instance, related, row):
        problems = []
        if end_before_start(instance.start_date, instance.end_date, instance.end_date_precision):
            start = PartialDate.from_columns(instance.start_date, instance.start_date_precision)
            end = PartialDate.from_columns(instance.end_date, instance.end_date_precision)
            problems.append(("end_date", f"the end ({end}) is before the start ({start})"))
        if "part_of" not in self.fields:  # the curator's sheet has no such column
            return problems
        own = self.fields["part_of"].widget.resolve(instance.slug) if instance.slug else None
        if related.get("deferred", {}).get("part_of") == instance.slug or (
            own and instance.part_of_id == own
        ):
            problems.append(("part_of", "an exercise cannot be part of itself"))
        return problems


class CitationResource(TableResource):
    """Citations: the source, which fact it backs, and what it says.

    The fact is named by ``target`` (agreement, agreement_event,
    agreement_party, exercise or exercise_participant) and the columns that
    identify it: ``agreement`` or ``exercise`` (a slug), ``party`` (a party's
    code, for parties and participants), ``event_kind`` and ``event_date``
    (for events).
    """

    target = ComputedColumn(attribute="target", column_name="target", widget=TextWidget(required=True))
    agreement = ComputedColumn(
        attribute="agreement", column_name="agreement", widget=NaturalKeyWidget(Agreement)
    )
    exercise = ComputedColumn(attribute="exercise", column_name="exercise", widget=NaturalKeyWidget(Exercise))
    party = ComputedColumn(attribute="party", column_name="party", widget=PartyWidget())
    event_kind = ComputedColumn(attribute="event_kind", column_name="event_kind", widget=TextWidget())
    event_date = ComputedColumn(attribute="event_date", column_name="event_date", widget=PartialDateWidget())
    export_select_related = ("source", *CITATION_TARGET_PATHS)

    class Meta:
        model = Citation
        fields = (
            "source",
            "target",
            "agreement",
            "exercise",
            "party",
            "event_kind",
            "event_date",
            "claim",
            "stance",
            "locator",
            "quote",
            "note",
        )
        import_id_fields = ("source", "target", "claim")

    # -- export -------------------------------------------------------------------------------
    def dehydrate_target(self, citation):
        return citation.target_name or ""

    def dehydrate_agreement(self, citation):
        record = citation.agreement or getattr(citation.agreement_event, "agreement", None)
        record = record or getattr(citation.agreement_party, "agreement", None)
        return record.slug if record else ""

    def dehydrate_exercise(self, citation):
        record = citation.exercise or getattr(citation.exercise_participant, "exercise", None)
        return record.slug if record else ""

    def dehydrate_party(self, citation):
        party = citation.agreement_party or citation.exercise_participant
        return party.party_key if party else ""

    def dehydrate_event_kind(self, citation):
        return citation.agreement_event.kind if citation.agreement_event_id else ""

    def dehydrate_event_date(self, citation):
        return str(citation.agreement_event.partial_date or "") if citation.agreement_event_id else ""

    # -- import --------------------------------------------------------------------------------
    def required_columns(self):
        return ["source", "target", "claim"]

    def clean_related_columns(self, instance, row, related, errors):
        target = cell_text(row.get("target"))
        if target not in CITATION_TARGETS:
            errors.append(("target", f"{quoted(target)} is not one of: {', '.join(CITATION_TARGETS)}"))
            return
        record_column = "exercise" if target.startswith("exercise") else "agreement"
        try:
            record_pk = self.fields[record_column].widget.clean(row.get(record_column))
        except ValueError as error:
            errors.append((record_column, str(error)))
            return
        if record_pk is None:
            errors.append((record_column, f"a {record_column} slug is required for a citation of {target}"))
            return
        if target in ("agreement", "exercise"):
            setattr(instance, f"{target}_id", record_pk)
            return
        if target == "agreement_event":
            kind = cell_text(row.get("event_kind"))
            try:
                date = self.fields["event_date"].widget.clean(row.get("event_date"))
            except ValueError as error:
                errors.append(("event_date", str(error)))
                return
            match = AgreementEvent.objects.filter(
                agreement_id=record_pk, kind=kind, date=date.date if date else None
            ).values_list("pk", flat=True)
            if not match:
                errors.append(
                    ("event_kind", f"the agreement has no {quoted(kind)} event dated {quoted(date or '')}")
                )
                return
            instance.agreement_event_id = match[0]
            return
        try:
            party = self.fields["party"].widget.clean(row.get("party"))
        except ValueError as error:
            errors.append(("party", str(error)))
            return
        if party is None:
            errors.append(("party", f"a party code is required for a citation of {target}"))
            return
        kind, pk = party
        model = AgreementParty if target == "agreement_party" else ExerciseParticipant
        match = model.objects.filter(**{f"{record_column}_id": record_pk, f"{kind}_id": pk}).values_list(
            "pk", flat=True
        )
        if not match:
            errors.append(
                ("party", f"{quoted(cell_text(row.get('party')))} is not a party to this {record_column}")
            )
            return
        setattr(instance, f"{target}_id", match[0])

    def natural_key(self, instance):
        target = instance.target_name
        return (
            instance.source_id,
            target,
            getattr(instance, f"{target}_id") if target else None,
            instance.claim,
        )

    def key_text(self, row):
        return f"source {quoted(cell_text(row.get('source')))}, the same fact and claim {quoted(cell_text(row.get('claim')))}"

    def existing_pks(self, keys):
        found = {}
        rows = Citation.objects.filter(source_id__in={key[0] for key in keys}).values_list(
            "pk", "source_id", *[f"{name}_id" for name in CITATION_TARGETS], "claim"
        )
        wanted = set(keys)
        for pk, source_id, *targets, claim in rows:
            for name, target_id in zip(CITATION_TARGETS, targets, strict=True):
                if target_id is not None and (source_id, name, target_id, claim) in wanted:
                    found[(source_id, name, target_id, claim)] = pk
        return found

    def update_fields(self, header):
        return [name for name in ("stance", "locator", "quote", "note") if name in header]

    def records_of_facts(self, rows, header):
        by_target = {}
        for row in rows:
            name = row.instance.target_name
            by_target.setdefault(name, []).append(getattr(row.instance, f"{name}_id"))
        agreements = by_target.get("agreement", []) + list(
            AgreementEvent.objects.filter(pk__in=by_target.get("agreement_event", [])).values_list(
                "agreement_id", flat=True
            )
        )
        agreements += AgreementParty.objects.filter(pk__in=by_target.get("agreement_party", [])).values_list(
            "agreement_id", flat=True
        )
        exercises = by_target.get("exercise", []) + list(
            ExerciseParticipant.objects.filter(pk__in=by_target.get("exercise_participant", [])).values_list(
                "exercise_id", flat=True
            )
        )
        return [(Agreement, agreements), (Exercise, exercises)]


# The per-table files, in the order an empty database takes them (each names
# rows of the tables before it).
TABLE_RESOURCES = [
    CountryResource,
    OrganizationResource,
    AgreementTypeResource,
    DomainResource,
    SourceResource,
    AgreementResource,
    AgreementPartyResource,
    AgreementEventResource,
    ExerciseResource,
    ExerciseParticipantResource,
    CitationResource,
]
