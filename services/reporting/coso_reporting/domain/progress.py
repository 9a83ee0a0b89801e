"""Progress of a target as of a date, and whether it is behind schedule.

Progress is achieved / target. The *expected share* is the part of the period that has
passed by the date (days elapsed, the date included, over the period's days). A target is
behind schedule when its progress trails the expected share by more than the tolerance
(configuration `options.behind_schedule_tolerance`, default 0: any shortfall counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


def expected_share(period_start: date, period_end: date, as_of: date) -> float:
    """The share of the period elapsed on `as_of` (0 before it starts, 1 from its last day)."""
    total = (period_end - period_start).days + 1
    elapsed = (as_of - period_start).days + 1
    return min(1.0, max(0.0, elapsed / total))


@dataclass(frozen=True)
class TargetProgress:
    target: int
    achieved: int | None  # None: the indicator cannot be computed yet
    expected_share: float

    @property
    def ratio(self) -> float | None:
        if self.achieved is None:
            return None
        if self.target == 0:
            return 1.0
        return self.achieved / self.target

    def behind(self, tolerance: float) -> bool | None:
        ratio = self.ratio
        if ratio is None:
            return None
        return ratio + tolerance < self.expected_share

    def as_dict(self, tolerance: float) -> dict[str, object]:
        ratio = self.ratio
        return {
            "target": self.target,
            "achieved": self.achieved,
            "progress": None if ratio is None else round(ratio, 4),
            "expected_share": round(self.expected_share, 4),
            "behind_schedule": self.behind(tolerance),
        }
