"""Notifications' rules in force: rule sets (options, adopted here, received from a superior) over
the defaults, rule by rule; the `RulesAdopted` contract that carries them, and its refusals."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from coso_backbone.contracts.rules import NotificationRulesAdopted, NotificationRuleValues
from coso_backbone.rulesets.precedence import Origin, RuleSet
from coso_notifications.application.options import NotificationOptions
from coso_notifications.domain.deadlines import DEFAULT_RULES
from coso_notifications.domain.errors import InvalidMinimum
from coso_notifications.domain.rule_book import NotificationRuleBook, adoptable_rules
from coso_notifications.domain.rules import Rule

BY_RULE = {r.rule: r for r in DEFAULT_RULES}
SOON, OVERDUE = BY_RULE[Rule.DECISION_DUE_SOON], BY_RULE[Rule.DECISION_OVERDUE]
DECISION = "Quyết định 12-QĐ/TU của Tỉnh ủy"


def _set(authority: str, day: str, origin: Origin, position: int = 0, **values: Any) -> RuleSet:
    return RuleSet(authority, date.fromisoformat(day), values, origin, DECISION, f"/coso/{origin}", position)


def test_the_contract_offers_every_rule_an_authority_may_adopt_and_no_other() -> None:
    assert set(NotificationRuleValues.model_fields) == set(adoptable_rules())
    assert "decision_overdue_working_days" not in adoptable_rules()  # an overdue rule has no days ahead
    assert not any(name.endswith("_roles") for name in adoptable_rules())  # recipients stay local


def test_without_rule_sets_the_defaults_of_the_regulations_are_in_force() -> None:
    book = NotificationRuleBook()
    rules = book.in_force("hn.kcn", date(2026, 1, 1))
    assert (rules["decision_due_soon_working_days"].value, rules["file_expiring_working_days"].value) == (5, 20)
    assert rules["minimum_official_members"].value == 3
    assert {r.origin for r in rules.values()} == {Origin.DEFAULT}
    assert book.deadline_rule(SOON, "hn.kcn", date(2026, 1, 1)) == SOON


def test_rule_by_rule_the_nearest_authority_then_the_latest_date_then_own_over_received_over_options() -> None:
    book = NotificationRuleBook(
        [
            _set("", "0001-01-01", Origin.OPTIONS, decision_due_soon_working_days=7),
            _set("hn", "2026-01-01", Origin.RECEIVED, 1, decision_due_soon_working_days=10, minimum_official_members=5),
            _set("hn", "2026-01-01", Origin.OPTIONS, 2, decision_due_soon_working_days=8),
            _set("hn.xa", "2026-03-01", Origin.ADOPTED, 3, decision_overdue_enabled=False),
            _set("hn", "2026-06-01", Origin.RECEIVED, 4, decision_due_soon_working_days=12),
        ]
    )
    before = book.in_force("hn.xa", date(2025, 12, 31))
    assert (before["decision_due_soon_working_days"].value, before["decision_due_soon_working_days"].origin) == (
        7,
        Origin.OPTIONS,
    )
    march = book.in_force("hn.xa", date(2026, 3, 1))
    received = march["decision_due_soon_working_days"]
    assert (received.value, received.origin, received.authority_id, received.legal_basis) == (
        10,
        Origin.RECEIVED,
        "hn",
        DECISION,
    )
    assert (march["decision_overdue_enabled"].value, march["decision_overdue_enabled"].origin) == (
        False,
        Origin.ADOPTED,
    )
    assert march["minimum_official_members"].value == 5  # the commune's set says nothing of it
    assert book.deadline_rule(SOON, "hn.xa", date(2026, 3, 1)).working_days == 10
    assert not book.deadline_rule(OVERDUE, "hn.xa", date(2026, 3, 1)).enabled
    assert book.deadline_rule(OVERDUE, "hn.other", date(2026, 3, 1)).enabled  # the commune's own subtree only
    assert book.deadline_rule(SOON, "hn.xa", date(2026, 7, 1)).working_days == 12  # a later decision
    assert book.minimum("hp", date(2026, 7, 1)) == 3
    assert book.widest(SOON) == 12  # the scheduler's window covers every authority's days


def test_a_superior_s_set_covers_the_authorities_its_lineage_puts_under_it() -> None:
    chains = {"xa": ["xa", "province"], "elsewhere": ["elsewhere"]}
    book = NotificationRuleBook(
        [_set("province", "2026-01-01", Origin.RECEIVED, file_expiring_working_days=30)],
        lineage=lambda authority: chains[authority],
    )
    assert book.deadline_rule(BY_RULE[Rule.FILE_EXPIRING], "xa", date(2026, 2, 1)).working_days == 30
    assert book.deadline_rule(BY_RULE[Rule.FILE_EXPIRING], "elsewhere", date(2026, 2, 1)).working_days == 20


def test_options_become_rule_sets_and_a_bad_minimum_is_refused_naming_the_setting() -> None:
    options = NotificationOptions.parse(
        {
            "minimum_official_members": 4,
            "minimum_official_members_overrides": [{"authority": "hn", "effective_from": "2026-01-01", "minimum": 5}],
        }
    )
    book = options.rulebook()
    assert book.minimum("hp", date(2026, 2, 1)) == 4
    assert book.minimum("hn.kcn", date(2026, 2, 1)) == 5
    assert book.minimum("hn.kcn", date(2025, 12, 31)) == 4
    with pytest.raises(InvalidMinimum) as refused:
        NotificationOptions.parse(
            {
                "minimum_official_members_overrides": [
                    {"authority": "hn", "effective_from": "2026-01-01", "minimum": 101}
                ]
            }
        )
    assert refused.value.field == "minimum_official_members_overrides[0].minimum"


def _adopted(values: dict[str, Any], **fields: Any) -> NotificationRulesAdopted:
    data = {"authority_id": "hn", "effective_from": "2026-01-01", "legal_basis": DECISION, "values": values}
    return NotificationRulesAdopted.model_validate({**data, **fields})


def test_a_rule_set_gives_only_the_rules_it_changes() -> None:
    adopted = _adopted({"decision_due_soon_working_days": "10", "file_expiring_enabled": "false"})
    assert adopted.values.given() == {"decision_due_soon_working_days": 10, "file_expiring_enabled": False}


@pytest.mark.parametrize(
    ("values", "fields", "field"),
    [
        ({"decision_due_soon_working_days": -1}, {}, "values.decision_due_soon_working_days"),
        ({"file_expiring_working_days": 366}, {}, "values.file_expiring_working_days"),
        ({"decision_overdue_working_days": 3}, {}, "values.decision_overdue_working_days"),
        ({"decision_overdue_roles": ["cell"]}, {}, "values.decision_overdue_roles"),
        ({"minimum_official_members": 0}, {}, "values.minimum_official_members"),
        ({"plan_behind_schedule_enabled": "maybe"}, {}, "values.plan_behind_schedule_enabled"),
        ({}, {}, "values"),
        ({"minimum_official_members": 5}, {"legal_basis": "  "}, "legal_basis"),
        ({"minimum_official_members": 5}, {"effective_from": "2026-13-01"}, "effective_from"),
    ],
)
def test_a_bad_rule_set_is_refused_naming_the_field(values: dict[str, Any], fields: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        _adopted(values, **fields)
    assert [".".join(str(p) for p in e["loc"]) for e in refused.value.errors()] == [field]
