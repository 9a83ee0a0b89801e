"""The hierarchy of authorities on one day, and who succeeded whom over time.

`Hierarchy` is the tree in force on a day (built from the authorities' timelines or from the
lookup table); `successors_on` follows merges, splits and dissolutions forward to the units that
exist on a later day. Plain Python: the SQL adapter feeds both from its tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from coso_backbone.contracts.registry import AuthorityLevel
from coso_registry.domain.authority import Authority


@dataclass(frozen=True)
class Node:
    """An authority as it stood on the day of a hierarchy."""

    authority_id: str
    name: str
    level: AuthorityLevel
    parent_id: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "authority_id": self.authority_id,
            "name": self.name,
            "level": self.level.value,
            "parent_id": self.parent_id,
        }


@dataclass(frozen=True)
class Succession:
    """`predecessor_id` ceased to exist on `effective_from`; `successor_id` took (part of) it over."""

    predecessor_id: str
    successor_id: str
    effective_from: date
    kind: str  # merged, split or dissolved


class Hierarchy:
    """The tree of authorities in force on one day."""

    def __init__(self, on: date, nodes: Iterable[Node]) -> None:
        self.on = on
        self.nodes: dict[str, Node] = {n.authority_id: n for n in nodes}
        self._children: dict[str | None, list[str]] = {}
        for node in sorted(self.nodes.values(), key=lambda n: n.authority_id):
            parent = node.parent_id if node.parent_id in self.nodes else None
            self._children.setdefault(parent, []).append(node.authority_id)

    @classmethod
    def of(cls, authorities: Iterable[Authority], on: date) -> Hierarchy:
        """The tree on a day, from the authorities' timelines."""
        nodes = []
        for authority in authorities:
            state = authority.state_on(on)
            if state is not None:
                nodes.append(Node(authority.authority_id, state.name, state.level, state.parent_id))
        return cls(on, nodes)

    def __contains__(self, authority_id: object) -> bool:
        return authority_id in self.nodes

    def roots(self) -> list[str]:
        return list(self._children.get(None, []))

    def children(self, authority_id: str) -> list[str]:
        return list(self._children.get(authority_id, []))

    def subtree(self, authority_id: str) -> list[Node]:
        """The authority and everything under it, depth first; empty if it did not exist."""
        if authority_id not in self.nodes:
            return []
        found: list[Node] = []
        stack = [authority_id]
        while stack:
            current = stack.pop()
            found.append(self.nodes[current])
            stack.extend(reversed(self._children.get(current, [])))
        return found

    def ancestors(self, authority_id: str) -> list[str]:
        """Superiors from the direct one up to the root."""
        chain: list[str] = []
        current = self.nodes.get(authority_id)
        while current is not None and current.parent_id in self.nodes and current.parent_id not in chain:
            chain.append(current.parent_id)
            current = self.nodes[current.parent_id]
        return chain

    def tree(self) -> list[dict[str, Any]]:
        """Nested dicts, roots first, children sorted by id."""

        def build(authority_id: str) -> dict[str, Any]:
            return {
                **self.nodes[authority_id].as_dict(),
                "children": [build(child) for child in self._children.get(authority_id, [])],
            }

        return [build(root) for root in self.roots()]


def successors_on(
    authority_id: str,
    on: date,
    exists_on: Mapping[str, tuple[date, date | None]],
    successions: Iterable[Succession],
) -> list[str]:
    """The units that carry an authority on a later day, following successions transitively.

    `exists_on` maps each authority to its (first day, end day or None). An authority that still
    exists on `on` is its own successor; one dissolved without a successor has none.
    """
    forward: dict[str, list[Succession]] = {}
    for succession in successions:
        forward.setdefault(succession.predecessor_id, []).append(succession)

    def alive(unit: str) -> bool:
        first, end = exists_on.get(unit, (date.max, None))
        return first <= on and (end is None or on < end)

    found: list[str] = []
    seen: set[str] = set()
    frontier = [authority_id]
    while frontier:
        unit = frontier.pop(0)
        if unit in seen:
            continue
        seen.add(unit)
        if alive(unit):
            found.append(unit)
            continue
        frontier.extend(s.successor_id for s in forward.get(unit, []) if s.effective_from <= on)
    return sorted(found)


def successions_of(authority: Authority) -> list[Succession]:
    if authority.ending is None:
        return []
    return [
        Succession(authority.authority_id, successor, authority.ending.on, authority.ending.kind)
        for successor in authority.ending.successor_ids
    ]
