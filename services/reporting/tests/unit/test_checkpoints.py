"""A plan's checkpoints, and what evaluating one records."""

from __future__ import annotations

from datetime import date

import pytest

from coso_backbone.contracts.reporting import (
    CheckpointKind,
    PlanBackOnSchedule,
    PlanBehindSchedule,
    PlanCheckpointEvaluated,
    TargetIndicator,
)
from coso_reporting.domain.checkpoints import Checkpoints
from coso_reporting.domain.errors import InvalidPlan
from coso_reporting.domain.plans import Plan
from coso_reporting.domain.progress import TargetProgress

CANDIDATES = TargetIndicator.CANDIDATES_PROPOSED
ADMITTED = TargetIndicator.MEMBERS_ADMITTED


def test_a_years_checkpoints_are_the_quarters_the_six_month_and_the_yearly_summaries() -> None:
    assert Checkpoints().of_period(date(2026, 1, 1), date(2026, 12, 31)) == [
        (date(2026, 3, 31), CheckpointKind.QUARTER),
        (date(2026, 6, 30), CheckpointKind.HALF_YEAR),
        (date(2026, 9, 30), CheckpointKind.QUARTER),
        (date(2026, 12, 31), CheckpointKind.YEAR),
    ]


def test_a_period_ending_off_a_checkpoint_month_has_its_last_day_as_a_checkpoint() -> None:
    assert Checkpoints((6, 12)).of_period(date(2025, 11, 1), date(2026, 8, 15)) == [
        (date(2025, 12, 31), CheckpointKind.YEAR),
        (date(2026, 6, 30), CheckpointKind.HALF_YEAR),
        (date(2026, 8, 15), CheckpointKind.PERIOD_END),
    ]


def test_a_checkpoint_month_out_of_range_is_refused_naming_the_setting() -> None:
    with pytest.raises(InvalidPlan) as refused:
        Checkpoints((0, 6))
    assert refused.value.field == "options.plan_checkpoints.months"


def _plan() -> Plan:
    plan = Plan.adopt("p", "hn", "Kế hoạch 2026", date(2026, 1, 1), date(2026, 12, 31), date(2026, 1, 1))
    plan.set_target(CANDIDATES, 100)
    plan.set_target(ADMITTED, 10)
    plan.pending.clear()
    return plan


def test_a_checkpoint_records_each_target_behind_then_those_back_on_schedule_once() -> None:
    plan = _plan()
    q1 = {CANDIDATES: TargetProgress(100, 10, 0.25), ADMITTED: TargetProgress(10, None, 0.25)}
    plan.evaluate_checkpoint(date(2026, 3, 31), CheckpointKind.QUARTER, q1, tolerance=0.0)
    behind, evaluated = plan.pending
    assert isinstance(behind, PlanBehindSchedule) and isinstance(evaluated, PlanCheckpointEvaluated)
    assert (behind.indicator, behind.achieved, behind.progress, behind.expected_share) == (CANDIDATES, 10, 0.1, 0.25)
    assert evaluated.behind == [CANDIDATES]  # the uncomputable target is neither behind nor back

    plan.pending.clear()
    plan.evaluate_checkpoint(date(2026, 3, 31), CheckpointKind.QUARTER, q1, tolerance=0.0)
    assert plan.pending == []  # evaluated once

    h1 = {CANDIDATES: TargetProgress(100, 55, 0.5)}
    plan.evaluate_checkpoint(date(2026, 6, 30), CheckpointKind.HALF_YEAR, h1, tolerance=0.0)
    back, evaluated = plan.pending
    assert isinstance(back, PlanBackOnSchedule) and back.checkpoint_kind is CheckpointKind.HALF_YEAR
    assert evaluated.behind == []
    replayed = Plan.replay([*_adoption_events(), *plan.pending])
    assert replayed.evaluated == {date(2026, 6, 30)} and replayed.behind == set()


def _adoption_events() -> list:
    plan = Plan.adopt("p", "hn", "Kế hoạch 2026", date(2026, 1, 1), date(2026, 12, 31), date(2026, 1, 1))
    return list(plan.pending)
