"""Writing validated rows fast: COPY on PostgreSQL, bulk inserts elsewhere, history in bulk.

Everything here runs inside the import's single transaction, after every
row of the file has been validated; the database's own constraints still
check each row, so a row that slipped past validation refuses the whole file.
"""

import io

from django.conf import settings
from django.db import connection, models
from django.db.models import F
from django.utils import timezone

from ..history import record_links


def history_model(model):
    """The model's history table (django-simple-history), or ``None`` when it keeps none."""
    manager_name = getattr(model._meta, "simple_history_manager_attribute", None)
    if not manager_name or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return None
    return getattr(model, manager_name).model


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"


def _text(value):
    return NULL if value is None else str(value).translate(_COPY_ESCAPES)


def _number(value):
    return NULL if value is None else str(value)


def _moment(value):
    if value is None:
        return NULL
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _boolean(value):
    return NULL if value is None else ("t" if value else "f")


def copy_converter(field):
    """How a field's values are written in PostgreSQL's COPY text format (chosen once per column)."""
    if isinstance(field, models.BooleanField):
        return _boolean
    if isinstance(field, models.DateField | models.TimeField):
        return _moment
    if isinstance(field, models.IntegerField | models.AutoField | models.ForeignKey):
        return _number
    return _text


class Writer:
    """Writes one import's rows, and the history rows that record who imported them."""

    def __init__(self, *, user=None, reason="", batch_size=1000):
        self.user = user
        self.reason = reason[:100]
        self.batch_size = batch_size
        self.now = timezone.now()
        self.deferred = []
        self.changed_records = {}
        self.version_moved = {}
        self.created_records = {}  # records created by this import: their facts are new, not changed
        self.use_copy = connection.vendor == "postgresql"

    # -- inserts -------------------------------------------------------------------------------
    def insert(self, model, instances):
        """Insert new rows; each instance gets its primary key."""
        if not instances:
            return
        if self.use_copy:
            self._assign_ids(model, instances)
            fields = model._meta.concrete_fields
            self._copy(model, fields, ([getattr(i, f.attname) for f in fields] for i in instances))
            for instance in instances:
                instance._state.adding = False
                instance._state.db = connection.alias
        else:
            model.objects.bulk_create(instances, batch_size=self.batch_size)
        if _is_reviewed(model):
            self.created_records.setdefault(model, set()).update(i.pk for i in instances)
        self.record_history(model, instances, "+")

    def _assign_ids(self, model, instances):
        # COPY returns nothing, so the ids come from the table's sequence first.
        table = model._meta.db_table
        column = model._meta.pk.column
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), column, len(instances)],
            )
            for instance, (pk,) in zip(instances, cursor.fetchall(), strict=True):
                instance.pk = pk

    def _copy(self, model, fields, rows):
        """COPY rows (lists of values, in the order of ``fields``) into the model's table."""
        converters = [copy_converter(f) for f in fields]
        buffer = io.StringIO()
        for values in rows:
            buffer.write(
                "\t".join([convert(value) for convert, value in zip(converters, values, strict=True)])
            )
            buffer.write("\n")
        buffer.seek(0)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            copy.write(buffer.getvalue())

    # -- updates -------------------------------------------------------------------------------
    def update(self, model, instances, field_names):
        if not instances:
            return
        if field_names:
            version = _version_field(model)
            if version is not None and version.name not in field_names:
                # An import changes the row: it must also move its version on,
                # so that a curator's form opened before the import does not
                # silently overwrite it.
                for instance in instances:
                    setattr(instance, version.attname, F(version.attname) + 1)
                field_names = [*field_names, version.name]
            model.objects.bulk_update(instances, field_names, batch_size=self.batch_size)
        self.record_history(model, instances, "~")

    def set_many_to_many(self, model, attribute, ids_by_pk):
        """Replace the links of each row (domains of exercises) with the file's."""
        if not ids_by_pk:
            return
        through = getattr(model, attribute).through
        source = f"{model._meta.model_name}_id"
        target = f"{model._meta.get_field(attribute).related_model._meta.model_name}_id"
        through.objects.filter(**{f"{source}__in": list(ids_by_pk)}).delete()
        links = [
            through(**{source: pk, target: other}) for pk, others in ids_by_pk.items() for other in others
        ]
        through.objects.bulk_create(links, batch_size=self.batch_size)
        # The versions this import wrote list these links too (exercise_domain_history).
        record_links(model, list(ids_by_pk), self.now)

    # -- references within the same file ---------------------------------------------------------
    def defer_self_reference(self, model, pk, attribute, key):
        self.deferred.append((model, pk, attribute, key))

    def finish(self):
        """Set the references to rows further down the same file, now that they exist."""
        for model, pk, attribute, key in self.deferred:
            target = model.objects.filter(slug=key).values_list("pk", flat=True).first()
            model.objects.filter(pk=pk).update(**{f"{attribute}_id": target})
            self.record_history(model, [model(pk=pk)], "~")
        self.deferred.clear()
        self._review_changed_records()

    # -- records whose facts changed -------------------------------------------------------------
    def facts_changed(self, model, ids, *, version_moved=False):
        """Note agreements or exercises whose row or facts (parties, events, citations) the import changed.

        ``version_moved``: the rows were updated by this import, which already moved their version on.
        """
        created = self.created_records.get(model, set())
        ids = {i for i in ids if i is not None and i not in created}
        self.changed_records.setdefault(model, set()).update(ids)
        if version_moved:
            self.version_moved.setdefault(model, set()).update(ids)

    def _review_changed_records(self):
        # As review_guard.fact_changed does for one record: a verified or disputed
        # record goes back to needs review, any other gets a new version so that a
        # page opened before the import cannot overwrite it. In bulk, as there may be
        # thousands.
        from ..models.review_guard import REVIEWED, fact_changed

        for model, ids in self.changed_records.items():
            ids = sorted(ids)
            for start in range(0, len(ids), self.batch_size):
                chunk = ids[start : start + self.batch_size]
                for record in model.objects.filter(pk__in=chunk, review_status__in=REVIEWED):
                    fact_changed(record, self.user)
                moved = self.version_moved.get(model, set())
                model.objects.filter(pk__in=[pk for pk in chunk if pk not in moved]).exclude(
                    review_status__in=REVIEWED
                ).update(version=F("version") + 1)
        self.changed_records.clear()
        self.version_moved.clear()

    # -- history --------------------------------------------------------------------------------
    def record_history(self, model, instances, history_type):
        """One history row per written row, naming the importing user (when history is kept).

        The rows are copied inside the database (INSERT ... SELECT from the
        table just written), so each history row holds exactly what the row
        holds now, and no value travels twice between Python and the database.
        """
        history = history_model(model)
        if history is None or not instances:
            return
        quote = connection.ops.quote_name
        own_values = {
            "history_date": connection.ops.adapt_datetimefield_value(self.now),
            "history_user_id": getattr(self.user, "pk", None),
            "history_change_reason": self.reason,
            "history_type": history_type,
        }
        tracked = {f.attname: f for f in history.tracked_fields}
        columns, expressions, params = [], [], []
        for field in history._meta.concrete_fields:
            if field.primary_key:
                continue  # history_id: the history table's own sequence
            columns.append(quote(field.column))
            if field.attname in tracked:
                expressions.append(quote(model._meta.get_field(field.attname).column))
            elif field.attname == "history_relation_id":
                expressions.append(quote(model._meta.pk.column))
            else:
                value = own_values[field.attname] if field.attname in own_values else field.get_default()
                expressions.append("%s")
                params.append(value)
        insert = (
            f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(columns)}) "
            f"SELECT {', '.join(expressions)} FROM {quote(model._meta.db_table)} "
        )
        pks = [instance.pk for instance in instances]
        with connection.cursor() as cursor:
            for start in range(0, len(pks), self.batch_size):
                chunk = pks[start : start + self.batch_size]
                if connection.vendor == "postgresql":
                    cursor.execute(
                        f"{insert}WHERE {quote(model._meta.pk.column)} = ANY(%s)", [*params, chunk]
                    )
                else:
                    marks = ", ".join(["%s"] * len(chunk))
                    cursor.execute(
                        f"{insert}WHERE {quote(model._meta.pk.column)} IN ({marks})", [*params, *chunk]
                    )


def _is_reviewed(model):
    return any(f.name == "review_status" for f in model._meta.fields)


def _version_field(model):
    try:
        return model._meta.get_field("version")
    except Exception:
        return None
