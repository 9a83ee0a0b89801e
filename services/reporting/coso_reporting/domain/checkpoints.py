"""A plan's checkpoints: the days its progress is evaluated for being behind schedule.

Configuration (`options.plan_checkpoints.months`, default `[3, 6, 9, 12]`): a checkpoint falls on
the last day of each listed month within the plan's period, and on the period's last day. The
end of June is the 6-month summary (*sơ kết*), the end of December the yearly summary (*tổng
kết*), March and September the ends of quarters.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from coso_backbone.contracts.reporting import CheckpointKind
from coso_reporting.domain.errors import InvalidPlan

DEFAULT_MONTHS: tuple[int, ...] = (3, 6, 9, 12)

CHECKPOINT_LABELS: dict[CheckpointKind, str] = {
    CheckpointKind.QUARTER: "cuối quý",
    CheckpointKind.HALF_YEAR: "sơ kết 6 tháng",
    CheckpointKind.YEAR: "tổng kết năm",
    CheckpointKind.MONTH: "cuối tháng",
    CheckpointKind.PERIOD_END: "kết thúc kế hoạch",
}


def _kind_of_month(month: int) -> CheckpointKind:
    if month == 12:
        return CheckpointKind.YEAR
    if month == 6:
        return CheckpointKind.HALF_YEAR
    if month in (3, 9):
        return CheckpointKind.QUARTER
    return CheckpointKind.MONTH


@dataclass(frozen=True)
class Checkpoints:
    months: Sequence[int] = DEFAULT_MONTHS

    def __post_init__(self) -> None:
        bad = [m for m in self.months if not 1 <= m <= 12]
        if bad:
            raise InvalidPlan(
                f"checkpoint months must be between 1 and 12, not {bad}",
                field="options.plan_checkpoints.months",
                rule="between 1 and 12",
            )

    def of_period(self, period_start: date, period_end: date) -> list[tuple[date, CheckpointKind]]:
        """The checkpoints within the period, in order; the period's last day is always one."""
        found: dict[date, CheckpointKind] = {}
        for year in range(period_start.year, period_end.year + 1):
            for month in sorted(set(self.months)):
                day = date(year, month, calendar.monthrange(year, month)[1])
                if period_start <= day <= period_end:
                    found[day] = _kind_of_month(month)
        found.setdefault(period_end, CheckpointKind.PERIOD_END)
        return sorted(found.items())
