"""The working-day calendar of Vietnam, from the maintained `holidays` package.

Public holidays (Tết included) come from `holidays.country_holidays("VN")`; the deployment
adds what the package does not know under `coso.options.calendar`:

    calendar:
      extra_holidays: [2026-02-13]   # e.g. a bridge day granted by the government
      make_up_days: [2026-02-28]     # a Saturday worked in exchange (ngày làm bù)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import holidays

from coso_admissions.domain.calendar import WorkingCalendar


def vietnam_calendar(options: Mapping[str, Any] | None = None) -> WorkingCalendar:
    options = options or {}
    public = holidays.country_holidays("VN")
    return WorkingCalendar(
        lambda day: day in public,
        extra_holidays=_dates(options.get("extra_holidays", ()), "extra_holidays"),
        make_up_days=_dates(options.get("make_up_days", ()), "make_up_days"),
    )


def _dates(values: Iterable[Any], name: str) -> list[date]:
    days = []
    for value in values:
        try:
            days.append(value if isinstance(value, date) else date.fromisoformat(str(value)))
        except ValueError:
            raise ValueError(f"calendar.{name}: {value!r} is not a date (YYYY-MM-DD)") from None
    return days
