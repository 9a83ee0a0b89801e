"""Deadline rules over the working-day calendar (their settings in force: test_rule_book.py)."""

from __future__ import annotations

from datetime import date

import pytest

from coso_notifications.adapters.working_days import national_calendar
from coso_notifications.domain.calendar import WorkingCalendar
from coso_notifications.domain.deadlines import DeadlineKind, DeadlineRule, Timing, covers
from coso_notifications.domain.errors import InvalidDeadlineRule
from coso_notifications.domain.rules import Rule

PLAIN = WorkingCalendar()
SOON = DeadlineRule(Rule.DECISION_DUE_SOON, DeadlineKind.DECISION_DUE, Timing.BEFORE, 5)
OVERDUE = DeadlineRule(Rule.DECISION_OVERDUE, DeadlineKind.DECISION_DUE, Timing.OVERDUE)


def test_working_days_skip_weekends() -> None:
    friday = date(2025, 11, 28)
    assert PLAIN.add_working_days(friday, 1) == date(2025, 12, 1)
    assert PLAIN.working_days_after(friday, date(2025, 12, 2)) == 2


def test_vietnams_calendar_skips_the_lunar_new_year_and_honours_make_up_days() -> None:
    calendar = national_calendar("VN")
    # Tết 2026: 16-20 February (Monday to Friday) are holidays.
    assert calendar.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    made_up = national_calendar("VN", extra_working_days=[date(2026, 2, 14)], extra_holidays=[date(2026, 2, 23)])
    assert made_up.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert made_up.add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)


def test_a_due_soon_rule_fires_within_its_working_days_and_not_before() -> None:
    due = date(2025, 12, 5)  # Friday
    assert not SOON.fires(due, date(2025, 11, 27), PLAIN)  # Thursday: 6 working days left
    assert SOON.fires(due, date(2025, 11, 28), PLAIN)  # Friday: 5 left
    assert SOON.fires(due, due, PLAIN)
    assert not SOON.fires(due, date(2025, 12, 6), PLAIN)  # past due: that is the overdue rule's


def test_an_overdue_rule_fires_from_the_day_after_the_due_date() -> None:
    due = date(2025, 12, 5)
    assert not OVERDUE.fires(due, due, PLAIN)
    assert OVERDUE.fires(due, date(2025, 12, 6), PLAIN)


def test_a_disabled_rule_never_fires() -> None:
    off = DeadlineRule(Rule.DECISION_OVERDUE, DeadlineKind.DECISION_DUE, Timing.OVERDUE, enabled=False)
    assert not off.fires(date(2025, 1, 1), date(2025, 12, 6), PLAIN)


def test_an_authority_covers_its_subtree_only() -> None:
    assert covers("hn.kcn-thang-long", "hn")
    assert covers("hn", "hn")
    assert not covers("hnx.kcn", "hn")
    assert covers("anything", "")


def test_a_rule_with_negative_working_days_is_refused_naming_the_setting() -> None:
    with pytest.raises(InvalidDeadlineRule) as refused:
        DeadlineRule(Rule.FILE_EXPIRING, DeadlineKind.FILE_EXPIRY, Timing.BEFORE, -1)
    assert refused.value.field == "deadline_rules.file_expiring.working_days"
