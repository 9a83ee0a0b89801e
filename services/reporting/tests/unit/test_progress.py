"""Progress against a target, and behind schedule against the elapsed share of the period."""

from datetime import date

from coso_reporting.domain.progress import TargetProgress, expected_share

YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def test_the_expected_share_is_the_elapsed_part_of_the_period() -> None:
    assert expected_share(*YEAR, date(2025, 12, 31)) == 0.0
    assert expected_share(*YEAR, date(2026, 7, 2)) == 183 / 365
    assert expected_share(*YEAR, date(2027, 3, 1)) == 1.0


def test_a_target_is_behind_schedule_when_progress_trails_the_elapsed_share() -> None:
    half = expected_share(*YEAR, date(2026, 7, 2))
    assert TargetProgress(100, 40, half).behind(0.0) is True
    assert TargetProgress(100, 60, half).behind(0.0) is False


def test_the_tolerance_lets_progress_trail_a_little() -> None:
    half = expected_share(*YEAR, date(2026, 7, 2))
    assert TargetProgress(100, 45, half).behind(0.1) is False
    assert TargetProgress(100, 45, half).behind(0.0) is True


def test_an_indicator_that_cannot_be_computed_has_no_progress_and_no_verdict() -> None:
    progress = TargetProgress(100, None, 0.5)
    assert progress.as_dict(0.0) == {
        "target": 100,
        "achieved": None,
        "progress": None,
        "expected_share": 0.5,
        "behind_schedule": None,
    }
