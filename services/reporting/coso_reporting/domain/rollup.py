"""Rolling records up the hierarchy of a day: one row per direct subordinate (its whole
subtree) and one for the authority's own units, with totals.

Records stay filed under the authority they were recorded for; `Tree.buckets_under` says
which direct subordinate of the report's authority holds each (following successors of
merged or dissolved units), so one pass over the records sums every row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from coso_reporting.domain.tree import Tree

OWN_UNITS = "Trực thuộc trực tiếp"


def roll_up(
    tree: Tree, root: str, records: Iterable[tuple[str, Mapping[str, int]]], columns: Sequence[str]
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """`records` are (authority recorded for, values); answers the rows and the totals.

    Rows: each direct subordinate of `root` on the tree's day (even with zeros), then
    `root`'s own units when they have anything or when there is no subordinate.
    Records outside `root`'s subtree are left out.
    """
    buckets = tree.buckets(root)
    sums: dict[str, dict[str, int]] = {}
    totals = dict.fromkeys(columns, 0)
    for authority, values in records:
        bucket = buckets.get(authority)
        if bucket is None:
            continue
        row = sums.setdefault(bucket, dict.fromkeys(columns, 0))
        for column, value in values.items():
            if column in totals:
                row[column] += value
                totals[column] += value
    rows = [
        {"key": child, "label": tree.name(child), "values": sums.get(child, dict.fromkeys(columns, 0))}
        for child in tree.children(root)
    ]
    own = sums.get(root)
    if (own is not None and any(own.values())) or not rows:
        rows.append({"key": root, "label": OWN_UNITS, "values": own or dict.fromkeys(columns, 0)})
    return rows, totals


def within(tree: Tree, root: str, authorities: Iterable[str]) -> set[str]:
    """The recorded authorities whose records `root`'s subtree holds on the tree's day."""
    return set(tree.buckets_under(root, authorities))
