"""The deadline, calendar and channel settings of `coso.options`, checked at start."""

from __future__ import annotations

from datetime import date

import pytest

from coso_notifications.application.options import NotificationOptions
from coso_notifications.domain.errors import InvalidCalendar, InvalidDeadlineRule, InvalidSubscription
from coso_notifications.domain.rules import Rule


def test_the_defaults_are_the_regulations_and_settings_change_them() -> None:
    book = NotificationOptions.parse(
        {
            "deadline_rules": {"file_expiring": {"working_days": 30, "roles": ["organization_department", "cell"]}},
            "rule_overrides": [
                {"authority": "hn", "effective_from": "2025-07-01", "rule": "decision_overdue", "enabled": False}
            ],
        }
    ).rulebook()
    by_rule = {r.rule: r for r in book.deadline_rules}
    day = date(2025, 7, 1)
    assert book.deadline_rule(by_rule[Rule.DECISION_DUE_SOON], "hp", day).working_days == 5
    assert book.deadline_rule(by_rule[Rule.FILE_EXPIRING], "hp", day).working_days == 30
    assert book.deadline_rule(by_rule[Rule.FILE_EXPIRING], "hp", day).roles == {"organization_department", "cell"}
    assert not book.deadline_rule(by_rule[Rule.DECISION_OVERDUE], "hn.x", day).enabled
    assert book.deadline_rule(by_rule[Rule.DECISION_OVERDUE], "hn.x", date(2025, 6, 30)).enabled
    assert book.in_force("hn.x", day)["decision_overdue_enabled"].origin.value == "options"


@pytest.mark.parametrize(
    ("options", "error", "field"),
    [
        ({"deadline_rules": {"lunch_due": {}}}, InvalidDeadlineRule, "deadline_rules.lunch_due"),
        (
            {"rule_overrides": [{"authority": "hn", "effective_from": "2025-07-01", "rule": "x"}]},
            InvalidDeadlineRule,
            "rule_overrides[0].rule",
        ),
        ({"calendar": {"time_zone": "Mars/Olympus"}}, InvalidCalendar, "calendar.time_zone"),
        (
            {
                "rule_overrides": [
                    {"authority": "hn", "effective_from": "2025-07-01", "rule": "decision_overdue", "working_days": 3}
                ]
            },
            InvalidDeadlineRule,
            "rule_overrides[0].working_days",
        ),
        ({"subscriptions": [{"role": "r", "channel": "email", "target": "nope"}]}, InvalidSubscription, "target"),
    ],
)
def test_bad_settings_are_refused_naming_the_setting(options, error, field) -> None:
    with pytest.raises(error) as refused:
        NotificationOptions.parse(options)
    assert refused.value.field == field
