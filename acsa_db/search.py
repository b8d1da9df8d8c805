"""Full-text search over sources, agreements and exercises.

On PostgreSQL each of the three tables has a GIN index on a text-search
document made of its prose columns (migration 0004): ``to_tsvector('simple',
...)``. The ``simple`` configuration lowercases words and neither stems nor
drops stop words, which suits titles in English, Japanese, German or French
alike; words match by prefix, so "reciproc" finds "reciprocal". The admin's
search box uses it for those columns and keeps ``icontains`` for the others
(URLs, the parties' country names). A citation is found by its source's
document (``source__title`` and the like) and by its note and quote, which
have trigram indexes for ``icontains`` (migration 0008), as has a source's
URL. SQLite has no such index: there the admin keeps Django's own
``icontains`` search over every search field.

A query uses the index only if its expression is the index's expression: both
come from ``SearchDocument.vector()``, and a test reads the query plan.
"""

import re
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.contrib.admin.utils import lookup_spawns_duplicates
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.exceptions import FieldDoesNotExist
from django.db import connections
from django.db.models import F, Lookup, Q
from django.utils.text import smart_split, unescape_string_literal

CONFIG = "simple"


@dataclass(frozen=True)
class SearchDocument:
    """The columns of one table that full-text search reads, and the index over them."""

    table: str
    fields: tuple
    index_name: str

    def vector(self):
        return SearchVector(*self.fields, config=CONFIG)


# The migration that creates the indexes spells out the same columns: change both together.
DOCUMENTS = {
    "source": SearchDocument("source", ("slug", "title", "publisher", "authors", "notes"), "source_search"),
    "agreement": SearchDocument("agreement", ("slug", "title", "short_title", "summary"), "agreement_search"),
    "exercise": SearchDocument(
        "exercise", ("slug", "name", "series", "location", "summary"), "exercise_search"
    ),
}

_WORD = re.compile(r"\w+")


def prefix_query(text):
    """A tsquery matching every word of ``text`` as a prefix ("japan:* & germ:*"), or None.

    Only word characters reach the query, so no input can make to_tsquery fail
    on its own syntax (& | ! : * parentheses).
    """
    words = _WORD.findall(text)
    if not words:
        return None
    return SearchQuery(" & ".join(f"{word}:*" for word in words), config=CONFIG, search_type="raw")


def _documents_searched(model, search_fields):
    """The full-text documents that cover some of ``search_fields``, and the fields left over.

    Returns ``({relation: document}, other_fields)``: relation "" is the
    model's own document; "source" is the document of the source a citation
    cites, which covers ``source__title`` and the like.
    """
    documents = {}
    if model._meta.db_table in DOCUMENTS:
        documents[""] = DOCUMENTS[model._meta.db_table]
    other_fields = []
    for name in search_fields:
        relation, _, field = name.rpartition("__")
        if relation and relation not in documents and "__" not in relation:
            try:
                related = model._meta.get_field(relation)
            except FieldDoesNotExist:
                related = None
            if (
                related is not None
                and related.many_to_one
                and related.related_model._meta.db_table in DOCUMENTS
            ):
                documents[relation] = DOCUMENTS[related.related_model._meta.db_table]
        if relation in documents and field in documents[relation].fields:
            continue
        other_fields.append(name)
    return documents, other_fields


def admin_search_results(model_admin, request, queryset, search_term, default_search):
    """``ModelAdmin.get_search_results`` with full-text search on PostgreSQL.

    Mirrors Django's rules: the term is split into words (quoted phrases stay
    whole) and a row must match every word, each in one of the search fields.
    The document's columns match by full-text prefix; the admin's other search
    fields still match with ``icontains``. ``default_search`` is the admin's
    own ``get_search_results``, used unchanged on SQLite.
    """
    if not search_term.strip() or connections[queryset.db].vendor != "postgresql":
        return default_search(request, queryset, search_term)
    model = queryset.model
    search_fields = list(model_admin.get_search_fields(request))
    documents, other_fields = _documents_searched(model, search_fields)
    if not documents:
        return default_search(request, queryset, search_term)
    bits = [
        unescape_string_literal(bit) if bit.startswith(('"', "'")) and bit[0] == bit[-1] else bit
        for bit in smart_split(search_term)
    ]
    # Each word is one condition on the row, whose alternatives the indexes answer together
    # (a bitmap OR), and the words' conditions together (a bitmap AND): the table's own document
    # through its GIN index, a column of the table (a source's URL) through its trigram index,
    # and a to-many relation (an agreement's parties' countries) as ``id = ANY(ARRAY(...))``
    # through the primary key (see ``_contains``). A related table's document (a citation's
    # source) stays a set of ids, through the foreign key.
    if "" in documents:
        queryset = queryset.alias(search_document=documents[""].vector())
    conditions = []
    for bit in bits:
        query = prefix_query(bit)
        if query is None:
            # No word in it ("–", "%"): only a substring search can match it, as Django's would.
            alternatives = [_contains(model, name, bit) for name in search_fields]
        else:
            alternatives = [
                Q(search_document=query)
                if not relation
                else _matches_document(model, relation, document, query)
                for relation, document in documents.items()
            ]
            alternatives += [_contains(model, name, bit) for name in other_fields]
        conditions.append(reduce(or_, alternatives))
    if not conditions:
        return queryset, False
    # No condition joins the listed table to another: no row can appear twice.
    return queryset.filter(reduce(and_, conditions)), False


def _matches_document(model, relation, document, query):
    """The rows whose related row's document matches ``query``, as a set of ids."""
    related_model = model._meta.get_field(relation).related_model
    matching = related_model._default_manager.alias(search_document=document.vector())
    return Q(**{f"{relation}__in": matching.filter(search_document=query).values("pk")})


def _contains(model, name, text):
    """``name`` contains ``text`` (case-insensitive); through a to-many relation, as an array of ids.

    A lookup across a to-many relation (the parties' country names) joins one
    row per related row; as ``id = ANY(ARRAY(SELECT ...))`` it lists each
    record once, and the planner can read it through the primary key beside
    the other alternatives' indexes; as ``id IN (SELECT ...)`` PostgreSQL would
    check it row by row (docs/performance.md, "Behind the code's choices").
    """
    lookup = {f"{name}__icontains": text}
    if lookup_spawns_duplicates(model._meta, name):
        matching = model._default_manager.filter(**lookup).order_by().values("pk")
        return Q(_EqualsAny(F("pk"), ArraySubquery(matching)))
    return Q(**lookup)


class _EqualsAny(Lookup):
    """``lhs = ANY(rhs)``, ``rhs`` an array (Django's lookups would parenthesise it, which SQL refuses)."""

    lookup_name = "equals_any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)
