"""Writing history rows with the right user, outside a normal admin save.

Every curated table has a ``<table>_history`` table (django-simple-history).
``save()`` and ``delete()`` write a row there through signals, naming the user
of the current admin request (``HistoryRequestMiddleware``). Two kinds of
writes need help:

- writes outside a request (management commands, scripts, an import run from
  the shell): wrap them in ``changes_by(user)``;
- bulk writes, which send no signals: use ``bulk_create_recorded`` and
  ``bulk_update_recorded`` instead of ``bulk_create`` / ``bulk_update``.
  ``QuerySet.update()`` and raw SQL are never recorded.

Imports do not go through ``save()``: their writer (``acsa_db.imports.Writer``)
copies each written row into its history table inside the database, naming
the importing user, calls ``record_links`` so that its versions of an
exercise list its domains, and sends each verified or disputed agreement or
exercise whose facts it changed back to review (``acsa_db.models.review_guard.fact_changed``).
"""

from contextlib import contextmanager
from types import SimpleNamespace

from django.db import connection
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history, bulk_update_with_history


@contextmanager
def changes_by(user):
    """Attribute every history row written inside the block (in this thread) to ``user``.

    A save that sets ``_history_user`` on its instance still names that user.
    """
    context = HistoricalRecords.context
    had_request = hasattr(context, "request")
    previous = getattr(context, "request", None)
    # simple-history reads the user from the current request; a stand-in carries it.
    context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if had_request:
            context.request = previous
        else:
            del context.request


def bulk_create_recorded(objs, model, user, reason=None, batch_size=500):
    """``bulk_create`` that also writes one history row per object, naming ``user``."""
    return bulk_create_with_history(
        objs, model, batch_size=batch_size, default_user=user, default_change_reason=reason
    )


def bulk_update_recorded(objs, model, fields, user, reason=None, batch_size=500):
    """``bulk_update`` that also writes one history row per object, naming ``user``."""
    return bulk_update_with_history(
        objs, model, fields, batch_size=batch_size, default_user=user, default_change_reason=reason
    )


class HistoricalRecordsWithLinks(HistoricalRecords):
    """``HistoricalRecords`` whose many-to-many history tables follow the ``<table>_history`` names.

    simple-history names the history of an m2m field's links (``m2m_fields``)
    after the app and model (``acsa_db_historicalexercise_domains``) and has
    no option for it; here it is the link table's name plus ``_history``
    (``exercise_domain_history``). Each row there is one link as it stood at
    one version of the record (``history_id`` is that version's row).
    """

    def get_meta_options_m2m(self, through_model):
        options = super().get_meta_options_m2m(through_model)
        options["db_table"] = f"{through_model._meta.db_table}_history"
        return options


def record_links(model, pks, history_date):
    """Attach the links of ``pks`` as they stand now to their history rows dated ``history_date``.

    simple-history writes a version's links (``m2m_fields``) when it writes the
    version, on ``save()``; a writer that adds history rows in bulk (imports)
    calls this once the links are written, so that its versions list their
    domains too. Only the latest history row of each record at that date gets
    them. One ``INSERT ... SELECT`` per field and batch: no value travels
    through Python.
    """
    manager_name = getattr(model._meta, "simple_history_manager_attribute", None)
    if not manager_name or not pks:
        return
    history = getattr(model, manager_name).model
    quote = connection.ops.quote_name
    moment = connection.ops.adapt_datetimefield_value(history_date)
    for field in history._history_m2m_fields:
        links = HistoricalRecords.m2m_models[field]
        through = field.remote_field.through
        own = field.m2m_column_name()  # the link table's column naming the record
        copied = [f.column for f in through._meta.concrete_fields]
        latest = (
            f"SELECT MAX(h.history_id) FROM {quote(history._meta.db_table)} h "
            f"WHERE h.{quote(model._meta.pk.column)} = l.{quote(own)} AND h.history_date = %s"
        )
        for start in range(0, len(pks), 1000):
            chunk = list(pks[start : start + 1000])
            marks = ", ".join(["%s"] * len(chunk))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {quote(links._meta.db_table)} "
                    f"({', '.join(quote(c) for c in copied)}, {quote('history_id')}) "
                    f"SELECT {', '.join(f'l.{quote(c)}' for c in copied)}, ({latest}) "
                    f"FROM {quote(through._meta.db_table)} l WHERE l.{quote(own)} IN ({marks}) "
                    f"AND ({latest}) IS NOT NULL",
                    [moment, *chunk, moment],
                )


# The change reason of the first history row of each row load_fixtures loads.
LOADED_FROM_SEED = "Loaded from the seeded data set, version {version}"


def record_initial_versions(models, reason, history_date):
    """Write a first history row (``+``, no user, ``reason``) for each row of ``models`` that has none.

    ``loaddata`` saves raw, which simple-history does not record: without this
    the seeded records' history pages would be empty, and the first edit of
    one would show no values before it. Rows that have a history already
    (loaded before, or written since) get nothing, so loading again adds no
    row. An exercise's first version lists its domains (``record_links``).
    Returns ``{model: rows written}``.
    """
    written = {}
    for model in models:
        manager = getattr(model, model._meta.simple_history_manager_attribute)
        pk_name = model._meta.pk.attname
        missing = list(model._base_manager.exclude(pk__in=manager.values(pk_name)).order_by(pk_name))
        manager.bulk_history_create(
            missing, batch_size=500, default_change_reason=reason, default_date=history_date
        )
        record_links(model, [row.pk for row in missing], history_date)
        written[model] = len(missing)
    return written
