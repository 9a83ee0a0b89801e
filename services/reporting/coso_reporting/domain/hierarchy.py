"""Roll-up of own counts over the hierarchy of one day (domain/tree.py).

Counts stay filed under the authority they were recorded for; the day's tree says which
unit holds them (the authority itself, or its successor once it ended). An authority's
subtree total is what its units hold plus what every unit below it holds. Counts filed
under an authority the day's tree has no holder for (never registered, not yet founded,
ended without a successor) are set apart as unplaced, never added to anybody.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from coso_reporting.domain.indicators import Counts
from coso_reporting.domain.tree import Tree


@dataclass(frozen=True)
class RolledUp:
    """A day's totals: per unit of the day its own (held) counts and its subtree's."""

    own: dict[str, Counts]
    subtree: dict[str, Counts]
    unplaced: dict[str, Counts]  # recorded authority -> counts nobody holds that day


def roll_up(tree: Tree, recorded: Mapping[str, Counts]) -> RolledUp:
    """Own counts per unit of `tree` (records of ended units added to their holder), and the
    totals of each unit's subtree on that day."""
    own = {unit: Counts() for unit in tree.units}
    unplaced: dict[str, Counts] = {}
    for authority_id, counts in recorded.items():
        holder = tree.holder(authority_id)
        if holder is None:
            if not counts.is_zero:
                unplaced[authority_id] = unplaced.get(authority_id, Counts()) + counts
            continue
        own[holder] = own[holder] + counts
    subtree = {unit: Counts() for unit in tree.units}
    for unit, counts in own.items():
        if counts.is_zero:
            continue
        seen: set[str] = set()
        current: str | None = unit
        while current is not None and current not in seen:  # each ancestor once, even on a cycle
            seen.add(current)
            subtree[current] = subtree[current] + counts
            current = tree.parent(current)
    return RolledUp(own, subtree, unplaced)


def sum_by_bucket(own: Mapping[str, Counts], buckets: Mapping[str, str]) -> tuple[dict[str, Counts], Counts]:
    """Own counts summed per bucket (see `Tree.buckets_under`), and their grand total."""
    sums: dict[str, Counts] = {}
    total = Counts()
    for authority_id, counts in own.items():
        bucket = buckets.get(authority_id)
        if bucket is None:
            continue
        sums[bucket] = sums.get(bucket, Counts()) + counts
        total = total + counts
    return sums, total
