"""Size rules of party organizations, configurable per authority with an effective date.

Defaults from current regulations: founding a party organization needs at least 3 official
members; a grassroots organization with at least 30 may be a grassroots committee (đảng bộ cơ
sở). An authority's rule applies to its subtree from its effective date; the nearest authority
up the hierarchy with a rule in force wins, else the default.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

DEFAULT_MIN_FOUNDING_MEMBERS = 3
DEFAULT_MIN_COMMITTEE_MEMBERS = 30


@dataclass(frozen=True)
class SizeRule:
    authority_id: str | None  # None: the default for every authority
    effective_from: date
    min_founding_members: int = DEFAULT_MIN_FOUNDING_MEMBERS
    min_committee_members: int = DEFAULT_MIN_COMMITTEE_MEMBERS

    def describe(self) -> str:
        where = (
            f"rule of {self.authority_id} from {self.effective_from.isoformat()}" if self.authority_id else "default"
        )
        return where


DEFAULT_RULE = SizeRule(None, date.min)


class SizeRules:
    def __init__(self, rules: Iterable[SizeRule] = ()) -> None:
        self._rules = sorted(rules, key=lambda r: r.effective_from)

    def for_authority(self, chain: Sequence[str], on: date) -> SizeRule:
        """`chain`: the authority and its superiors, nearest first, as of `on`."""
        for authority_id in chain:
            in_force = [r for r in self._rules if r.authority_id == authority_id and r.effective_from <= on]
            if in_force:
                return in_force[-1]
        return DEFAULT_RULE
