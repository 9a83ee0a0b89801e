"""The indicator queries: own and subtree counts per authority, as JSON-ready answers.

Each authority's entry carries `own` (its own enterprises and their candidates) and
`subtree` (the same summed over the authority and every authority below it).
"""

from __future__ import annotations

from typing import Any

from coso_reporting.application.ports import IndicatorQueries
from coso_reporting.domain.errors import UnknownAuthority
from coso_reporting.domain.hierarchy import subordinates, subtree_totals
from coso_reporting.domain.indicators import LABELS, AuthorityCounts, Counts


class Indicators:
    def __init__(self, queries: IndicatorQueries) -> None:
        self._queries = queries

    def all(self) -> dict[str, Any]:
        """Every authority: its own counts and the totals of its subtree."""
        authorities = self._known()
        totals = subtree_totals(authorities)
        return {
            **self._header(),
            "authorities": [_entry(a, totals[a.authority_id]) for a in authorities],
        }

    def of(self, authority_id: str) -> dict[str, Any]:
        """One authority, with its direct subordinates; UnknownAuthority if it has no indicators."""
        authorities = self._known()
        by_id = {a.authority_id: a for a in authorities}
        found = by_id.get(authority_id)
        if found is None:
            raise UnknownAuthority(
                f"authority {authority_id!r} has no indicators: it is not registered and nothing is counted under it",
                field="authority_id",
                rule="exists",
            )
        totals = subtree_totals(authorities)
        children = subordinates(authorities).get(authority_id, [])
        return {
            **_entry(found, totals[authority_id]),
            "subordinates": [_entry(by_id[c], totals[c]) for c in children],
            **self._header(),
        }

    def _known(self) -> list[AuthorityCounts]:
        return sorted((a for a in self._queries.authorities() if a.known), key=lambda a: a.authority_id)

    def _header(self) -> dict[str, Any]:
        return {"indicators": dict(LABELS), "positions": self._queries.positions()}


def _entry(authority: AuthorityCounts, subtree: Counts) -> dict[str, Any]:
    return {
        "authority_id": authority.authority_id,
        "name": authority.name,
        "level": authority.level,
        "parent_id": authority.parent_id,
        "registered": authority.registered,
        "own": authority.own.as_dict(),
        "subtree": subtree.as_dict(),
    }
