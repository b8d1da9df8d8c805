"""PostgreSQL's query plans as data: ``EXPLAIN (FORMAT JSON)`` and a walk over its nodes.

Plan tests ask about nodes (which index a scan used, whether a subplan runs)
instead of searching the text of ``EXPLAIN``, whose wording changes between
versions and where a name can match by accident (an alias, a sort key).
"""

import json

from django.db import connection


def explain(sql, params=(), *, disable=()):
    """The top node of ``sql``'s plan, with the planner's ``enable_<method>`` off for each of ``disable``.

    ``disable`` uses ``SET LOCAL``: it lasts until the end of the test's transaction.
    """
    with connection.cursor() as cursor:
        for method in disable:
            cursor.execute(f"SET LOCAL enable_{method} = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        [[document]] = cursor.fetchall()
    if isinstance(document, str):  # psycopg2 decodes json columns; keep working if it does not
        document = json.loads(document)
    return document[0]["Plan"]


def nodes(plan):
    """Every node of the plan, the top one first, then depth first (subplans and init plans included)."""
    yield plan
    for child in plan.get("Plans", ()):
        yield from nodes(child)


def node_types(plan):
    """The plan's node types, in the order of ``nodes``: "Bitmap Heap Scan", "Hash Join", ..."""
    return [node["Node Type"] for node in nodes(plan)]


def uses_index(plan, name, node_type=None):
    """Whether a node of the plan reads the index ``name`` (with that ``node_type``, when given)."""
    return any(
        node.get("Index Name") == name and (node_type is None or node["Node Type"] == node_type)
        for node in nodes(plan)
    )


def indexes_used(plan):
    """The names of the indexes the plan reads."""
    return {node["Index Name"] for node in nodes(plan) if "Index Name" in node}


def scans_of(plan, table, alias=None):
    """The nodes that read ``table`` itself, under ``alias`` when given (Django's subqueries say U0, U1...)."""
    return [
        node
        for node in nodes(plan)
        if node.get("Relation Name") == table and (alias is None or node.get("Alias") == alias)
    ]


def has_subplan(plan):
    """Whether part of the plan runs as a subplan (once per row of its parent)."""
    return any(node.get("Parent Relationship") == "SubPlan" for node in nodes(plan))


def joins(plan, join_type):
    """The join nodes of the given type ("Inner", "Anti", "Semi", ...)."""
    return [node for node in nodes(plan) if node.get("Join Type") == join_type]
