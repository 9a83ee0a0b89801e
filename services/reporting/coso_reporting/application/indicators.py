"""The indicator queries: own and subtree counts per authority, as JSON-ready answers.

Drawn on the hierarchy of one day, `as_of` (default today): each authority of that day
carries `own` (the records it holds: its own enterprises and their candidates, plus those
of the units it succeeded) and `subtree` (the same summed over it and every authority
below it that day). Counts nobody holds that day (an authority counted before its
registration arrived, or ended without a successor) are listed apart as roots, with
`registered` telling which is which, so no count is hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from coso_reporting.application.ports import AuthorityTrees, IndicatorQueries
from coso_reporting.domain.errors import UnknownAuthority
from coso_reporting.domain.hierarchy import RolledUp, roll_up
from coso_reporting.domain.indicators import LABELS, AuthorityCounts, Counts
from coso_reporting.domain.tree import Tree


class Indicators:
    def __init__(
        self, queries: IndicatorQueries, trees: AuthorityTrees, today: Callable[[], date] = date.today
    ) -> None:
        self._queries = queries
        self._trees = trees
        self._today = today

    def all(self, as_of: date | None = None) -> dict[str, Any]:
        """Every authority of the day: its own counts and the totals of its subtree."""
        tree, recorded, rolled = self._rolled_up(as_of)
        entries = [_entry(tree, unit, rolled) for unit in sorted(tree.units)]
        entries += [_unplaced(recorded[a], rolled.unplaced[a]) for a in sorted(rolled.unplaced)]
        return {**self._header(tree), "authorities": entries}

    def of(self, authority_id: str, as_of: date | None = None) -> dict[str, Any]:
        """One authority, with its direct subordinates; UnknownAuthority if it has no indicators that day."""
        tree, recorded, rolled = self._rolled_up(as_of)
        if authority_id in tree:
            found = _entry(tree, authority_id, rolled)
            children = [_entry(tree, c, rolled) for c in tree.children(authority_id)]
        elif authority_id in rolled.unplaced:
            found, children = _unplaced(recorded[authority_id], rolled.unplaced[authority_id]), []
        else:
            raise UnknownAuthority(
                f"authority {authority_id!r} has no indicators on {tree.day.isoformat()}: it did not exist that day "
                "and nothing is counted under it",
                field="authority_id",
                rule="exists",
            )
        return {**found, "subordinates": children, **self._header(tree)}

    def _rolled_up(self, as_of: date | None) -> tuple[Tree, dict[str, AuthorityCounts], RolledUp]:
        recorded = {a.authority_id: a for a in self._queries.authorities()}
        tree = self._trees.as_of(as_of or self._today())
        return tree, recorded, roll_up(tree, {a: r.own for a, r in recorded.items()})

    def _header(self, tree: Tree) -> dict[str, Any]:
        return {"indicators": dict(LABELS), "as_of": tree.day.isoformat(), "positions": self._queries.positions()}


def _entry(tree: Tree, unit: str, rolled: RolledUp) -> dict[str, Any]:
    return {
        "authority_id": unit,
        "name": tree.name(unit),
        "level": tree.units[unit].level,
        "parent_id": tree.parent(unit),
        "registered": True,
        "own": rolled.own[unit].as_dict(),
        "subtree": rolled.subtree[unit].as_dict(),
    }


def _unplaced(authority: AuthorityCounts, counts: Counts) -> dict[str, Any]:
    return {
        "authority_id": authority.authority_id,
        "name": authority.name,
        "level": authority.level,
        "parent_id": None,
        "registered": authority.registered,
        "own": counts.as_dict(),
        "subtree": counts.as_dict(),
    }
