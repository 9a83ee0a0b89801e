"""Where the coverage report of a day starts: the kept counts or the nearer kept end of a half
year, and which changes by month and by day it adds or takes out (no database)."""

from __future__ import annotations

import pytest

from coso_reporting.adapters.half_years import StartingPoint, half_years_between, starting_point

KEPT = ("2021-06", "2025-12")  # the first and last half years whose ends are kept


@pytest.mark.parametrize(
    ("day", "kept", "expected"),
    [
        # Nothing kept by half year: the kept counts, less every change after the day.
        ("2024-03-15", None, StartingPoint(None, -1, "2024-03", "9999-12", "2024-03-15", "2024-03-31")),
        # Early in a half year: the end of the one before, plus its months before the day's
        # and its days up to the day.
        ("2024-03-15", KEPT, StartingPoint("2023-12", 1, "2023-12", "2024-02", "2024-03-00", "2024-03-15")),
        ("2024-01-10", KEPT, StartingPoint("2023-12", 1, "2023-12", "2023-12", "2024-01-00", "2024-01-10")),
        ("2024-09-30", KEPT, StartingPoint("2024-06", 1, "2024-06", "2024-08", "2024-09-00", "2024-09-30")),
        # Late in a half year: its own end, less the months after the day's and the days left of it.
        ("2024-04-10", KEPT, StartingPoint("2024-06", -1, "2024-04", "2024-06", "2024-04-10", "2024-04-31")),
        ("2024-12-31", KEPT, StartingPoint("2024-12", -1, "2024-12", "2024-12", "2024-12-31", "2024-12-31")),
        # After the last kept half year: the kept counts (nothing kept changed since).
        ("2026-03-01", KEPT, StartingPoint(None, -1, "2026-03", "9999-12", "2026-03-01", "2026-03-31")),
        # Before the first kept half year, or early in it: its end, less what came after the day.
        ("2020-05-01", KEPT, StartingPoint("2021-06", -1, "2020-05", "2021-06", "2020-05-01", "2020-05-31")),
        ("2021-02-15", KEPT, StartingPoint("2021-06", -1, "2021-02", "2021-06", "2021-02-15", "2021-02-31")),
    ],
)
def test_a_day_starts_from_the_nearer_kept_end(day: str, kept: tuple[str, str] | None, expected: StartingPoint) -> None:
    assert starting_point(day, kept) == expected


def test_the_half_years_between_two_months_are_every_one_from_the_first_to_the_last() -> None:
    assert half_years_between("2021-11", "2023-02") == ["2021-12", "2022-06", "2022-12", "2023-06"]
    assert half_years_between("2024-02-10", "2024-06-30") == ["2024-06"]
