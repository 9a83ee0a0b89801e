"""Working days: weekends and public holidays skipped, make-up working days counted.

The calendar is plain Python: which dates are public holidays is given to it (the adapters
read them from the `holidays` package plus the deployment's extra holidays), and it only
counts. Deadlines of the admission pipeline are counted on it.
"""

from __future__ import annotations

import calendar as _months
from collections.abc import Callable, Iterable
from datetime import date, timedelta

SATURDAY = 5


class WorkingCalendar:
    def __init__(
        self,
        is_public_holiday: Callable[[date], bool],
        extra_holidays: Iterable[date] = (),
        make_up_days: Iterable[date] = (),
    ) -> None:
        """`make_up_days` are weekend days worked in exchange for a bridge holiday (ngày làm bù)."""
        self._is_public_holiday = is_public_holiday
        self._extra = frozenset(extra_holidays)
        self._make_up = frozenset(make_up_days)
        self._known: dict[date, bool] = {}

    def is_working_day(self, day: date) -> bool:
        known = self._known.get(day)
        if known is None:
            known = self._known[day] = self._judge(day)
        return known

    def _judge(self, day: date) -> bool:
        if day in self._make_up:
            return True
        if day.weekday() >= SATURDAY or day in self._extra:
            return False
        return not self._is_public_holiday(day)

    def add_working_days(self, start: date, days: int) -> date:
        """The `days`-th working day after `start` (`start` itself is not counted)."""
        if days < 0:
            raise ValueError("working days to add must not be negative")
        day = start
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day


def add_months(start: date, months: int) -> date:
    """Same day `months` later, or the month's last day if it has no such day (31 Jan + 1 = 28/29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, _months.monthrange(year, month)[1]))
