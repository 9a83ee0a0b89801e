"""Configured rules per authority and effective date; the working-day calendar's own rules."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from coso_admissions.adapters.vietnam_calendar import vietnam_calendar
from coso_admissions.domain.calendar import WorkingCalendar, add_months
from coso_admissions.domain.rules import AdmissionRules, RuleBook

BOOK = RuleBook.from_config(
    [
        {"authority": "", "effective_from": "2000-01-01", "decision_working_days": 60},
        {"authority": "hn", "effective_from": "2025-07-01", "vote_share": "3/4"},
        {"authority": "hn", "effective_from": "2026-01-01", "vote_share": "1/2"},
        {"authority": "hn.kcn-thang-long", "effective_from": "2025-10-01", "probation_months": 18},
    ]
)


def test_without_configuration_the_rules_are_the_defaults_of_the_domain_guide() -> None:
    rules = RuleBook().rules_for("hcm", date(2025, 9, 1))

    assert rules == AdmissionRules()
    assert (rules.vote_share, rules.decision_working_days, rules.probation_months) == (Fraction(2, 3), 60, 12)


def test_an_authority_prefix_applies_from_its_effective_date_and_the_latest_set_wins() -> None:
    assert BOOK.rules_for("hn.ba-dinh", date(2025, 6, 30)).vote_share == Fraction(2, 3)
    assert BOOK.rules_for("hn.ba-dinh", date(2025, 7, 1)).vote_share == Fraction(3, 4)
    assert BOOK.rules_for("hn.ba-dinh", date(2026, 2, 1)).vote_share == Fraction(1, 2)
    assert BOOK.rules_for("hnx", date(2026, 2, 1)).vote_share == Fraction(2, 3)  # a prefix is a dotted one


def test_the_most_specific_authority_wins_once_its_rules_are_in_force() -> None:
    assert BOOK.rules_for("hn.kcn-thang-long", date(2025, 9, 1)).probation_months == 12
    assert BOOK.rules_for("hn.kcn-thang-long", date(2025, 10, 1)).probation_months == 18


def test_a_rule_the_code_does_not_know_is_refused_at_start_up() -> None:
    with pytest.raises(ValueError, match="unknown admission rules"):
        RuleBook.from_config([{"authority": "hn", "effective_from": "2025-01-01", "vote_shares": "1/2"}])


def test_extra_holidays_are_skipped_and_make_up_saturdays_are_worked() -> None:
    plain = WorkingCalendar(lambda day: False)
    configured = WorkingCalendar(lambda day: False, extra_holidays=[date(2026, 3, 2)], make_up_days=[date(2026, 3, 7)])

    assert plain.add_working_days(date(2026, 2, 27), 3) == date(2026, 3, 4)
    assert configured.add_working_days(date(2026, 2, 27), 3) == date(2026, 3, 5)
    assert configured.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 7)


def test_the_vietnam_calendar_knows_tet_and_takes_extra_days_from_configuration() -> None:
    calendar = vietnam_calendar({"extra_holidays": ["2026-02-13"], "make_up_days": ["2026-02-28"]})

    assert not calendar.is_working_day(date(2026, 2, 17))  # Tết Bính Ngọ
    assert not calendar.is_working_day(date(2026, 2, 13))
    assert calendar.is_working_day(date(2026, 2, 28))
    with pytest.raises(ValueError, match="make_up_days"):
        vietnam_calendar({"make_up_days": ["28/02/2026"]})


def test_months_are_added_to_the_last_day_of_a_shorter_month() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2025, 11, 3), -12) == date(2024, 11, 3)
