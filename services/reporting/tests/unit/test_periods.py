"""Reporting periods and which of them are over."""

from datetime import date

from coso_backbone.contracts.reporting import PeriodKind
from coso_reporting.domain.periods import ended_periods, periods_of_year


def test_a_year_has_four_quarters_two_halves_and_itself_ordered_by_their_ends() -> None:
    periods = periods_of_year(2024)
    assert [p.label for p in periods] == [
        "2024-Q1",
        "2024-Q2",
        "2024-H1",
        "2024-Q3",
        "2024-Q4",
        "2024-H2",
        "2024",
    ]
    q1 = periods[0]
    assert (q1.start, q1.end, q1.kind) == (date(2024, 1, 1), date(2024, 3, 31), PeriodKind.QUARTER)
    assert periods[1].end == date(2024, 6, 30) and periods[3].end == date(2024, 9, 30)


def test_a_period_is_over_the_day_after_its_last_day() -> None:
    assert [p.label for p in ended_periods(date(2025, 6, 30), date(2025, 1, 1))] == ["2025-Q1"]
    assert [p.label for p in ended_periods(date(2025, 7, 1), date(2025, 1, 1))] == ["2025-Q1", "2025-Q2", "2025-H1"]


def test_periods_that_ended_before_the_oldest_day_are_not_listed() -> None:
    assert [p.label for p in ended_periods(date(2026, 1, 2), date(2025, 10, 1))] == ["2025-Q4", "2025-H2", "2025"]
