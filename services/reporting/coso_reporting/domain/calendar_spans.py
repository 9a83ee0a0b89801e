"""A period cut into the coarsest calendar pieces the kept counts have: whole years, whole
months, and the days at its edges.

The projection keeps the own counts per day, and the same sums per month and per year
(adapters/tables.py). A sum over a period is then the sum over its whole years, plus its
whole months outside those years, plus its days outside those months: the first of
January 2025 to the 31st of December 2025 is one year, 2025-01-01 to 2025-06-30 six
months, 2025-03-10 to 2025-12-31 the days of March from the 10th on, then April to
December. The pieces do not overlap and cover every day of the period, so the sum is
the same as the day by day one. Keys are ISO strings (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`),
which compare as the dates they name; each piece is a closed range of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class CalendarSpans:
    """Closed ranges of days, of months and of years that together make up one period."""

    days: list[tuple[str, str]] = field(default_factory=list)
    months: list[tuple[str, str]] = field(default_factory=list)
    years: list[tuple[str, str]] = field(default_factory=list)


def calendar_spans(start: date, end: date, *, whole_years: bool = True) -> CalendarSpans:
    """The period from `start` to `end` (both included) as days, whole months and (with
    `whole_years`) whole years; empty if it ends before it starts."""
    spans = CalendarSpans()
    if end < start:
        return spans
    first_whole = start if start.day == 1 else _next_month(start)
    last_whole = end if _is_last_of_month(end) else date(end.year, end.month, 1) - timedelta(days=1)
    if first_whole > last_whole:  # no whole month within: every day
        spans.days.append((start.isoformat(), end.isoformat()))
        return spans
    if start < first_whole:
        spans.days.append((start.isoformat(), (first_whole - timedelta(days=1)).isoformat()))
    if whole_years:
        _split_months(spans, first_whole, last_whole)
    else:
        spans.months.extend(_months(first_whole, last_whole))
    if last_whole < end:
        spans.days.append(((last_whole + timedelta(days=1)).isoformat(), end.isoformat()))
    return spans


def _split_months(spans: CalendarSpans, first: date, last: date) -> None:
    """Whole months from `first` (a first of month) to `last` (a last of month): the years
    they fill entirely as years, the others as months."""
    first_year = first.year if first.month == 1 else first.year + 1
    last_year = last.year if last.month == 12 else last.year - 1
    if first_year > last_year:  # no whole year within
        spans.months.extend(_months(first, last))
        return
    if first.year < first_year:
        spans.months.extend(_months(first, date(first.year, 12, 31)))
    spans.years.append((f"{first_year:04d}", f"{last_year:04d}"))
    if last.year > last_year:
        spans.months.extend(_months(date(last.year, 1, 1), last))


def _months(first: date, last: date) -> list[tuple[str, str]]:
    return [(f"{first.year:04d}-{first.month:02d}", f"{last.year:04d}-{last.month:02d}")]


def _next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def _is_last_of_month(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1
