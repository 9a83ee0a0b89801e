"""The hierarchy of authorities as it stood on one day, and where records of ended units go.

Registry's hierarchy is effective-dated: an authority has periods (name, level, superior)
from a date until the next change, and may end (merged, split, dissolved) with successors.
A report "as of" a day uses that day's tree. Records (enterprises, candidates, members …)
stay filed under the authority they were recorded for; the tree answers which unit *of its
day* holds them: the authority itself while it exists, else its successor on that day,
followed through later mergers. So today's report counts the history of merged or
dissolved units under their successor, and a report dated before the merger still shows
the old units as they were.

A split unit's records go to its first successor: the records do not say which part they
belong to (registry's events move enterprises to the parts explicitly when it matters).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

# Roots whose held authorities a tree keeps worked out (`Tree.buckets`): a tree is kept for a
# day and asked for the same few subtrees by every report of a dashboard's load.
ROOTS_KEPT = 64


@dataclass(frozen=True)
class AuthorityPeriod:
    """An authority's particulars from `valid_from` until the day before `valid_to` (None: still)."""

    authority_id: str
    name: str | None
    level: str | None
    parent_id: str | None
    valid_from: date
    valid_to: date | None = None

    def holds_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


@dataclass(frozen=True)
class Succession:
    """`authority_id` ceased to exist on `effective_from`; `successor_id` took over its records."""

    authority_id: str
    successor_id: str
    effective_from: date


class Tree:
    """The authorities that existed on `day`, their superiors, and the holders of ended units."""

    def __init__(self, day: date, periods: Iterable[AuthorityPeriod], successions: Iterable[Succession] = ()) -> None:
        self.day = day
        self.units: dict[str, AuthorityPeriod] = {p.authority_id: p for p in periods if p.holds_on(day)}
        self._successor: dict[str, str] = {}
        for succession in sorted(successions, key=lambda s: s.effective_from):
            if succession.effective_from <= day:
                self._successor.setdefault(succession.authority_id, succession.successor_id)
        self._children: dict[str, list[str]] = {}
        for unit in self.units.values():
            parent = unit.parent_id
            if parent is not None and parent != unit.authority_id and parent in self.units:
                self._children.setdefault(parent, []).append(unit.authority_id)
        for children in self._children.values():
            children.sort()
        self._buckets: dict[str, Mapping[str, str]] = {}

    def __contains__(self, authority_id: object) -> bool:
        return authority_id in self.units

    def holder(self, authority_id: str) -> str | None:
        """The unit of this day answering for `authority_id`'s records; None when there is none
        (not registered, not yet founded on that day, or ended without a successor)."""
        current, seen = authority_id, set()
        while current not in self.units:
            successor = self._successor.get(current)
            if successor is None or current in seen:
                return None
            seen.add(current)
            current = successor
        return current

    def parent(self, authority_id: str) -> str | None:
        unit = self.units.get(authority_id)
        return unit.parent_id if unit is not None and unit.parent_id in self.units else None

    def children(self, authority_id: str) -> list[str]:
        """Direct subordinates on this day, sorted by id."""
        return list(self._children.get(authority_id, []))

    def roots(self) -> list[str]:
        return sorted(a for a in self.units if self.parent(a) is None)

    def subtree(self, root: str) -> set[str]:
        """`root` and every unit below it on this day (empty if `root` did not exist)."""
        if root not in self.units:
            return set()
        found, stack = set(), [root]
        while stack:
            current = stack.pop()
            if current not in found:
                found.add(current)
                stack.extend(self._children.get(current, []))
        return found

    def held_within(self, root: str) -> set[str]:
        """Every authority id whose records `root`'s subtree holds on this day: its units, and
        the ended units whose records passed (through successors) to one of them. Records
        filed under any other id are outside the subtree (`buckets_under` leaves them out)."""
        return set(self.buckets(root))

    def buckets_under(self, root: str, recorded: Iterable[str]) -> dict[str, str]:
        """Each recorded authority id held within `root`'s subtree, mapped to the direct
        subordinate of `root` whose subtree holds it (`root` itself for its own records).
        Summing records by bucket gives the subordinates' subtree totals in one pass."""
        buckets = self.buckets(root)
        return {authority_id: buckets[authority_id] for authority_id in recorded if authority_id in buckets}

    def buckets(self, root: str) -> Mapping[str, str]:
        """Every authority id held within `root`'s subtree (`held_within`) mapped to its
        bucket (`buckets_under`). Worked out once per root: the tree is immutable, and a
        nation's 4,400 units and their predecessors took milliseconds per report (the last
        `ROOTS_KEPT` roots are kept)."""
        found = self._buckets.get(root)
        if found is None:
            found = MappingProxyType(self._worked_out(root))
            if len(self._buckets) >= ROOTS_KEPT:
                self._buckets = {}  # replaced, not emptied: another thread may be reading it
            self._buckets[root] = found
        return found

    def _worked_out(self, root: str) -> dict[str, str]:
        bucket: dict[str, str] = {}
        if root not in self.units:
            return bucket
        bucket[root] = root
        for child in self._children.get(root, []):
            for unit in self.subtree(child):
                bucket[unit] = child
        for ended in self._successor:
            holder = self.holder(ended)
            if holder is not None and holder in bucket:
                bucket[ended] = bucket[holder]
        return bucket

    def name(self, authority_id: str) -> str:
        unit = self.units.get(authority_id)
        return (unit.name if unit is not None else None) or authority_id
