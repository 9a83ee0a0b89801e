"""Annual quality rating of party organizations: score -> level by configurable bands, and the
cap on the share of "excellent" per authority.

Defaults from current regulations: >= 90 excellent (hoàn thành xuất sắc), 70 to < 90 good
(hoàn thành tốt), 50 to < 70 complete (hoàn thành), < 50 not complete (không hoàn thành); at
most 20 % of the rated units may be excellent. Rules are set per authority with an effective
date, like the size rules, the nearest authority up the hierarchy winning.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from coso_backbone.contracts.registry import QualityLevel


@dataclass(frozen=True)
class RatingRule:
    authority_id: str | None
    effective_from: date
    excellent_from: float = 90
    good_from: float = 70
    complete_from: float = 50
    excellent_cap: float = 0.20

    def level_for(self, score: float) -> QualityLevel:
        if score >= self.excellent_from:
            return QualityLevel.EXCELLENT
        if score >= self.good_from:
            return QualityLevel.GOOD
        if score >= self.complete_from:
            return QualityLevel.COMPLETE
        return QualityLevel.NOT_COMPLETE

    def describe(self) -> str:
        return f"rule of {self.authority_id} from {self.effective_from.isoformat()}" if self.authority_id else "default"


DEFAULT_RATING_RULE = RatingRule(None, date.min)


class RatingRules:
    def __init__(self, rules: Iterable[RatingRule] = ()) -> None:
        self._rules = sorted(rules, key=lambda r: r.effective_from)

    def for_authority(self, chain: Sequence[str], on: date) -> RatingRule:
        """`chain`: the authority and its superiors, nearest first, as of `on`."""
        for authority_id in chain:
            in_force = [r for r in self._rules if r.authority_id == authority_id and r.effective_from <= on]
            if in_force:
                return in_force[-1]
        return DEFAULT_RATING_RULE


@dataclass(frozen=True)
class RatingSummary:
    """The levels given to the organizations under one authority in one year."""

    counts: Mapping[QualityLevel, int]
    rule: RatingRule

    @property
    def rated(self) -> int:
        return sum(self.counts.values())

    @property
    def excellent_share(self) -> float:
        return self.counts.get(QualityLevel.EXCELLENT, 0) / self.rated if self.rated else 0.0

    def findings(self) -> list[str]:
        if self.excellent_share > self.rule.excellent_cap:
            return [
                f"{self.excellent_share:.0%} rated excellent, above the cap of {self.rule.excellent_cap:.0%} "
                f"({self.rule.describe()})"
            ]
        return []
