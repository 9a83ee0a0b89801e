"""Reporting periods: quarters, half-years and years, and which of them have ended.

A period is over when its last day is (strictly before today): only then are its figures
final enough to publish (events dated on the last day may still arrive during that day).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from coso_backbone.contracts.reporting import PeriodKind


@dataclass(frozen=True)
class ReportingPeriod:
    label: str  # '2025-Q3', '2025-H1', '2025'
    kind: PeriodKind
    start: date
    end: date


def periods_of_year(year: int) -> list[ReportingPeriod]:
    """The four quarters, two half-years and the year, in order of their ends (a quarter
    before the half-year or year ending on the same day)."""
    quarters = [
        ReportingPeriod(f"{year}-Q{q}", PeriodKind.QUARTER, date(year, 3 * q - 2, 1), _last_of_month(year, 3 * q))
        for q in (1, 2, 3, 4)
    ]
    halves = [
        ReportingPeriod(f"{year}-H1", PeriodKind.HALF_YEAR, date(year, 1, 1), date(year, 6, 30)),
        ReportingPeriod(f"{year}-H2", PeriodKind.HALF_YEAR, date(year, 7, 1), date(year, 12, 31)),
    ]
    whole = [ReportingPeriod(str(year), PeriodKind.YEAR, date(year, 1, 1), date(year, 12, 31))]
    order = {PeriodKind.QUARTER: 0, PeriodKind.HALF_YEAR: 1, PeriodKind.YEAR: 2}
    return sorted(quarters + halves + whole, key=lambda p: (p.end, order[p.kind]))


def ended_periods(today: date, oldest_end: date) -> list[ReportingPeriod]:
    """Periods whose last day is before `today` and not before `oldest_end`, in order."""
    return [
        period
        for year in range(oldest_end.year, today.year + 1)
        for period in periods_of_year(year)
        if oldest_end <= period.end < today
    ]


def _last_of_month(year: int, month: int) -> date:
    first_of_next = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first_of_next - timedelta(days=1)
