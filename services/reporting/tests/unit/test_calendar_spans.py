"""A period cut into whole years, whole months and edge days covers each of its days once."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

import pytest

from coso_reporting.domain.calendar_spans import CalendarSpans, calendar_spans

D = date.fromisoformat


def _ranges(spans: CalendarSpans) -> list[tuple[date, date]]:
    """Each piece as the first and last day it names, in order."""
    ranges = [(D(a), D(b)) for a, b in spans.days]
    ranges += [(D(f"{a}-01"), _last_of_month(D(f"{b}-01"))) for a, b in spans.months]
    ranges += [(D(f"{a}-01-01"), D(f"{b}-12-31")) for a, b in spans.years]
    return sorted(ranges)


def _last_of_month(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def test_a_whole_year_is_one_year() -> None:
    assert calendar_spans(D("2025-01-01"), D("2025-12-31")) == CalendarSpans(years=[("2025", "2025")])


def test_a_half_year_is_six_months_and_a_partial_month_its_days() -> None:
    assert calendar_spans(D("2025-01-01"), D("2025-06-30")) == CalendarSpans(months=[("2025-01", "2025-06")])
    assert calendar_spans(D("2025-03-10"), D("2025-03-20")) == CalendarSpans(days=[("2025-03-10", "2025-03-20")])


def test_the_running_total_since_1900_is_years_months_and_days() -> None:
    assert calendar_spans(D("1900-01-01"), D("2025-06-15")) == CalendarSpans(
        days=[("2025-06-01", "2025-06-15")], months=[("2025-01", "2025-05")], years=[("1900", "2024")]
    )


def test_without_whole_years_the_months_are_kept() -> None:
    assert calendar_spans(D("2021-01-01"), D("2025-12-31"), whole_years=False) == CalendarSpans(
        months=[("2021-01", "2025-12")]
    )


def test_a_period_ending_before_it_starts_has_no_pieces() -> None:
    assert calendar_spans(D("2025-02-01"), D("2025-01-31")) == CalendarSpans()


@pytest.mark.parametrize("whole_years", [True, False])
def test_the_pieces_cover_each_day_of_the_period_once(whole_years: bool) -> None:
    rng = random.Random(11)
    edges = [D("2024-12-31"), D("2025-01-01"), D("2024-02-29"), D("2024-03-01"), D("2025-06-30"), D("2025-07-01")]
    for _ in range(500):
        start = rng.choice(edges) if rng.random() < 0.3 else D("2022-11-15") + timedelta(days=rng.randrange(1200))
        end = start + timedelta(days=rng.choice([0, 1, 27, 30, 31, 364, 365, rng.randrange(2000)]))
        if rng.random() < 0.2:
            start = D("1900-01-01")
        spans = calendar_spans(start, end, whole_years=whole_years)
        ranges = _ranges(spans)
        assert ranges[0][0] == start and ranges[-1][1] == end, (start, end)
        for (_, last), (first, _) in itertools.pairwise(ranges):
            assert first == last + timedelta(days=1), (start, end)  # no gap, no overlap
        assert whole_years or not spans.years
