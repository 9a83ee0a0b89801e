"""Plans and targets: the rules of adopting a plan, setting and splitting its targets."""

from datetime import date

import pytest

from coso_backbone.contracts.reporting import PlanAdopted, TargetIndicator, TargetSet, TargetSplit
from coso_reporting.domain.errors import InvalidPlan
from coso_reporting.domain.plans import Plan

CANDIDATES = TargetIndicator.CANDIDATES_PROPOSED


def adopted() -> Plan:
    return Plan.adopt("p1", "hn", "Kế hoạch năm 2026", date(2026, 1, 1), date(2026, 12, 31), date(2025, 12, 20))


def test_a_plan_whose_period_ends_before_it_starts_is_refused_naming_period_end() -> None:
    with pytest.raises(InvalidPlan) as refused:
        Plan.adopt("p1", "hn", "Kế hoạch", date(2026, 12, 31), date(2026, 1, 1), date(2026, 1, 1))
    assert (refused.value.field, refused.value.rule) == ("period_end", "not_before_period_start")


def test_a_plan_with_a_blank_title_is_refused() -> None:
    with pytest.raises(InvalidPlan) as refused:
        Plan.adopt("p1", "hn", "   ", date(2026, 1, 1), date(2026, 12, 31), date(2026, 1, 1))
    assert (refused.value.field, refused.value.rule) == ("title", "not_blank")


def test_a_target_split_among_subordinates_records_the_shares_and_replays_to_the_same_plan() -> None:
    plan = adopted()
    plan.set_target(CANDIDATES, 100)
    plan.split_target(CANDIDATES, {"hn.a": 60, "hn.b": 40})
    assert [type(e) for e in plan.pending] == [PlanAdopted, TargetSet, TargetSplit]
    replayed = Plan.replay(plan.pending)
    assert replayed.targets == {CANDIDATES: 100}
    assert replayed.splits == {CANDIDATES: {"hn.a": 60, "hn.b": 40}}
    assert replayed.version == 3


def test_shares_that_do_not_sum_to_the_target_are_refused() -> None:
    plan = adopted()
    plan.set_target(CANDIDATES, 100)
    with pytest.raises(InvalidPlan) as refused:
        plan.split_target(CANDIDATES, {"hn.a": 60, "hn.b": 30})
    assert (refused.value.field, refused.value.rule) == ("shares", "sum_equals_target")
    assert "90" in refused.value.message and "100" in refused.value.message


def test_a_target_cannot_be_split_before_it_is_set() -> None:
    with pytest.raises(InvalidPlan) as refused:
        adopted().split_target(CANDIDATES, {"hn.a": 1})
    assert (refused.value.field, refused.value.rule) == ("indicator", "target_set")


def test_a_split_target_cannot_be_changed_to_a_value_its_shares_do_not_sum_to() -> None:
    plan = adopted()
    plan.set_target(CANDIDATES, 10)
    plan.split_target(CANDIDATES, {"hn.a": 10})
    with pytest.raises(InvalidPlan) as refused:
        plan.set_target(CANDIDATES, 12)
    assert (refused.value.field, refused.value.rule) == ("value", "equals_split_sum")


def test_the_plans_own_authority_cannot_take_a_share() -> None:
    plan = adopted()
    plan.set_target(CANDIDATES, 10)
    with pytest.raises(InvalidPlan) as refused:
        plan.split_target(CANDIDATES, {"hn": 10})
    assert refused.value.rule == "subordinate"
