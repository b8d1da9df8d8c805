"""Changelist counts that stay cheap on large tables: exact when they are cheap, PostgreSQL's estimate when not.

Django's changelist counts every matching row (``SELECT COUNT(*)``) to number
its pages, and counts the whole table a second time for "N results (M
total)". On a table of a million citations each count reads the whole table
or index, so a page that shows 100 rows takes time in proportion to the
table. ``EstimatedCountPaginator`` counts the list exactly under a short
statement timeout (``count_timeout_ms``): a list of a few hundred or thousand
rows gets its exact count in a few milliseconds. Only when that count runs
out of time does the paginator take PostgreSQL's planner estimate for the
query (``EXPLAIN``), which costs the same whatever the size, and the page
says "about". The first pages' rows are found by reading the ids of at most
``exact_limit + 1`` rows, in the list's order. On SQLite (small, local
databases) the count is Django's.

The estimate comes from the table statistics that ANALYZE (or autovacuum)
keeps: close for a whole table, rougher for a filtered list. It is never
below the rows known to exist. A page number past the real last page, which
an estimate too high could offer, lands on the admin's own "invalid page"
redirect rather than an error.
"""

import json

from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import OperationalError, connections, transaction
from django.db.models import QuerySet
from django.utils.functional import cached_property


def planner_estimate(queryset):
    """The number of rows PostgreSQL's planner expects ``queryset`` to return (one EXPLAIN, no scan)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter known to match nothing (``pk__in=[]``, ``none()``): no query
        return 0
    with connections[queryset.db].cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


# PostgreSQL's SQLSTATE for a statement cancelled by statement_timeout (query_canceled).
QUERY_CANCELED = "57014"


def count_within(queryset, timeout_ms):
    """``queryset``'s exact row count, or None when PostgreSQL cannot count it within ``timeout_ms``.

    The count runs in a savepoint with ``SET LOCAL statement_timeout``; the
    savepoint is always rolled back (the count wrote nothing), which also
    undoes the timeout, so the rest of the request's transaction runs without it.
    """
    connection = connections[queryset.db]
    try:
        with transaction.atomic(using=queryset.db):
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{int(timeout_ms)}ms"])
            count = queryset.order_by().count()
            transaction.set_rollback(True, using=queryset.db)
    except OperationalError as error:
        cause = error.__cause__
        if (
            getattr(cause, "pgcode", None) == QUERY_CANCELED
            or getattr(cause, "sqlstate", None) == QUERY_CANCELED
        ):
            return None
        raise
    return count


class EstimatedCountPaginator(Paginator):
    """A paginator whose count is exact unless counting takes too long; then estimated, on PostgreSQL."""

    # The ids of the first pages (up to the admin's "Show all" limit, list_max_show_all)
    # are read in one query.
    exact_limit = 200
    # Long enough to count a few hundred thousand index entries, short enough that a list
    # too large to count in time still opens at once.
    count_timeout_ms = 150

    count_is_estimate = False

    @cached_property
    def first_ids(self):
        """The ids of the list's first ``exact_limit + 1`` rows, in its order.

        One query serves the first pages and the whole of a short list (a
        single page, "Show all"): the filters (a search, the agreements behind
        the contradicting citations) are worked out once for all of them.
        """
        return list(self.object_list.values_list("pk", flat=True)[: self.exact_limit + 1])

    @cached_property
    def count(self):
        queryset = self.object_list
        if not isinstance(queryset, QuerySet) or connections[queryset.db].vendor != "postgresql":
            return super().count
        # Counted even when the first ids would do, so that a page costs the same queries at
        # any size. Only the primary keys are counted or estimated: the changelist's
        # annotations (citation counts, dates) would otherwise be computed or planned for
        # every row.
        ids = queryset.order_by().values("pk")
        exact = count_within(ids, self.count_timeout_ms)
        if exact is not None:
            return exact
        self.count_is_estimate = True
        return max(planner_estimate(ids), len(self.first_ids))

    def ids(self, bottom, top):
        """The ids of rows ``bottom`` to ``top`` of the list, in its order."""
        if top <= len(self.first_ids) or len(self.first_ids) <= self.exact_limit:
            return self.first_ids[bottom:top]
        return list(self.object_list.values_list("pk", flat=True)[bottom:top])

    def page(self, number):
        """The page's rows: their ids first, by a lean query, then the rows with their annotations.

        The changelist's queryset carries per-row annotations (citation counts,
        signature dates) and joins (a citation's source and every kind of fact
        it may cite). Asked for a page of it directly, or with the page's ids as
        a subquery (``id IN (SELECT id ... LIMIT 100)``), PostgreSQL may join or
        annotate every row that passes the filters before it sorts and cuts:
        past eight joins it no longer reorders them, and the subquery becomes a
        semi-join at the top of the plan (seconds on a million citations). The
        ids alone are one index-ordered query; the second reads those rows by
        primary key. Two queries at any size, and still a queryset in the same
        order (list-editable forms need one).
        """
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        self.page_ids = self.ids(bottom, top)
        return self._get_page(rows_with_ids(queryset, self.page_ids), number, self)


def rows_with_ids(queryset, ids):
    """The rows of ``queryset`` whose primary key is in ``ids``, in the queryset's order."""
    # An empty list asks too (an empty id list would skip the query): a list costs the
    # same number of queries whether or not it has rows.
    return queryset.filter(pk__in=ids) if ids else queryset.filter(pk__in=queryset.values("pk")[:0])


class LargeTableChangeList(ChangeList):
    """A changelist that reads its rows by their ids, on a single page or "Show all" too.

    The paginator finds the ids of the page's rows; the rows are then read by
    those ids from the admin's queryset before filters and search (with its
    annotations, joins and order), since the ids already passed them: a
    costly filter (the agreements behind the contradicting citations, a
    year's signatures, a full-text match) is not worked out a second time. A
    list that fits on one page, or is shown whole, goes through the same
    queries, so the number of queries is the same whether it spans one page
    or many.
    """

    def get_results(self, request):
        super().get_results(request)
        if not isinstance(self.paginator, EstimatedCountPaginator):  # an admin that set its own
            return
        if (self.show_all and self.can_show_all) or not self.multi_page:
            ids = self.paginator.ids(0, self.result_count)
        else:
            ids = self.paginator.page_ids
        unfiltered = self.apply_select_related(self.root_queryset).order_by(*self.queryset.query.order_by)
        self.result_list = rows_with_ids(unfiltered, ids)


class LargeTableAdmin:
    """For the admins of tables that grow large: estimated counts, no second count of the whole table.

    With ``show_full_result_count`` off, a filtered list says "N results (Show
    all)" instead of counting the unfiltered table as well.
    """

    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def get_changelist(self, request, **kwargs):
        return LargeTableChangeList
