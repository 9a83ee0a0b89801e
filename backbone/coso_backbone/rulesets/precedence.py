"""Which rule is in force for an authority on a day, and where it comes from.

Layers, from the weakest: the defaults of the code (DOMAIN.md), the service's options, and
rule sets adopted as events, this stack's own or received from a superior's stack. For each
rule separately: among the sets that cover the authority, are in force on the day and set
that rule, the most specific authority wins (the nearest in the authority's lineage), then
the latest `effective_from`; for the same authority and day this stack's own adoption beats
one received from a superior, which beats the options, and a later adoption beats an earlier
one. A rule no set gives keeps its default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

EVERYWHERE = ""  # a rule set of the authority "" covers every authority


class Origin(StrEnum):
    """Where a rule in force comes from."""

    DEFAULT = "default"
    OPTIONS = "options"
    RECEIVED = "received"  # adopted by a superior in its own stack, received through a link
    ADOPTED = "adopted"  # adopted here, an event of this stack


_RANK = {Origin.DEFAULT: 0, Origin.OPTIONS: 1, Origin.RECEIVED: 2, Origin.ADOPTED: 3}


@dataclass(frozen=True)
class RuleSet:
    """Values an authority sets for its subtree from a day."""

    authority_id: str
    effective_from: date
    values: Mapping[str, Any]
    origin: Origin
    legal_basis: str | None = None
    source: str | None = None  # the ce-source of the event that adopted it
    position: int = 0  # that event's position in its source (orders adoptions of one source)


@dataclass(frozen=True)
class RuleInForce:
    """One rule's value on a day, and the rule set it comes from (none for a default)."""

    value: Any
    origin: Origin
    authority_id: str | None = None
    effective_from: date | None = None
    legal_basis: str | None = None
    source: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "origin": self.origin.value,
            "authority_id": self.authority_id,
            "effective_from": self.effective_from.isoformat() if self.effective_from else None,
            "legal_basis": self.legal_basis,
            "source": self.source,
        }


def dotted_lineage(authority_id: str) -> list[str]:
    """An authority and the dotted prefixes above it, nearest first: `hn.kcn` -> [hn.kcn, hn]."""
    parts = authority_id.split(".")
    return [".".join(parts[:n]) for n in range(len(parts), 0, -1)]


@dataclass
class Lineage:
    """The authorities whose rule sets cover one authority, nearest first (itself first)."""

    nearest_first: Sequence[str]
    _rank: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self._rank = {}
        for index, authority_id in enumerate(self.nearest_first):
            self._rank.setdefault(authority_id, index)

    def distance(self, authority_id: str) -> int | None:
        """How far up the authority is (0: the authority itself); None if it does not cover it."""
        if authority_id == EVERYWHERE:
            return len(self.nearest_first)
        return self._rank.get(authority_id)


def in_force(
    defaults: Mapping[str, Any], rule_sets: Iterable[RuleSet], lineage: Sequence[str], on: date
) -> dict[str, RuleInForce]:
    """Every rule of `defaults` as in force for the authority of `lineage` on `on`."""
    chain = Lineage(lineage)
    best: dict[str, tuple[tuple[int, date, int, int], RuleSet]] = {}
    for rule_set in rule_sets:
        if rule_set.effective_from > on:
            continue
        distance = chain.distance(rule_set.authority_id)
        if distance is None:
            continue
        key = (-distance, rule_set.effective_from, _RANK[rule_set.origin], rule_set.position)
        for name in rule_set.values:
            held = best.get(name)
            if held is None or key > held[0]:
                best[name] = (key, rule_set)
    found: dict[str, RuleInForce] = {}
    for name, default in defaults.items():
        held = best.get(name)
        if held is None:
            found[name] = RuleInForce(default, Origin.DEFAULT)
            continue
        chosen = held[1]
        found[name] = RuleInForce(
            chosen.values[name],
            chosen.origin,
            chosen.authority_id,
            chosen.effective_from,
            chosen.legal_basis,
            chosen.source,
        )
    return found


def answer(authority_id: str, on: date, rules: Mapping[str, RuleInForce]) -> dict[str, Any]:
    """What `GET /rules` and the `rules` command show: every rule in force and its origin."""
    return {
        "authority_id": authority_id,
        "on": on.isoformat(),
        "rules": {name: rule.as_dict() for name, rule in rules.items()},
    }
