"""Plans evaluated at their checkpoints by the worker's loop, with a clock the test moves: a
target behind schedule is recorded once in the plan's stream, for the relay to publish."""

from __future__ import annotations

from datetime import date

from coso_backbone.contracts.admissions import CandidateProposed, JobCategory, SourceChannel
from coso_backbone.contracts.reporting import CheckpointKind, TargetIndicator
from coso_backbone.eventstore import EventStore
from coso_reporting.adapters.plans import SqlIndicatorHistory, SqlPlanQueries, SqlPlanUnitOfWork
from coso_reporting.adapters.trees import SqlAuthorityTrees
from coso_reporting.application.commands import AdoptPlan, SetTarget
from coso_reporting.application.plan_checkpoints import PlanCheckpoints
from coso_reporting.application.plans import Plans
from coso_reporting.domain.checkpoints import Checkpoints


def _proposed(world, candidate_id: str, on: date):
    event = CandidateProposed(
        candidate_id=candidate_id,
        enterprise_id="e1",
        authority_id="hn.a",
        source_channel=SourceChannel.ENTERPRISE_TRADE_UNION,
        job_category=JobCategory.PRODUCTION_WORKER,
        proposed_on=on,
    )
    return world.admissions.record(f"candidate-{candidate_id}", event)


def test_a_target_behind_at_a_checkpoint_is_recorded_once_and_its_recovery_at_the_next(world, projection) -> None:
    projection.deliver(
        [
            world.authority("hn"),
            world.authority("hn.a", parent_id="hn"),
            world.enterprise("e1", "hn.a"),
            _proposed(world, "c1", date(2026, 2, 1)),
            _proposed(world, "c2", date(2026, 5, 10)),
        ]
    )
    engine = projection.engine
    store = EventStore(engine)
    today = [date(2026, 3, 31)]
    plans = Plans(
        lambda: SqlPlanUnitOfWork(store),
        SqlPlanQueries(engine),
        SqlIndicatorHistory(engine),
        SqlAuthorityTrees(engine),
        today=lambda: today[0],
    )
    plans.adopt(
        AdoptPlan(
            plan_id="hn-2026",
            authority_id="hn",
            title="Kế hoạch phát triển đảng viên năm 2026",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
            adopted_on=date(2026, 1, 5),
        )
    )
    plans.set_target(SetTarget(plan_id="hn-2026", indicator=TargetIndicator.CANDIDATES_PROPOSED, value=8))
    evaluator = PlanCheckpoints(
        plans, lambda: SqlPlanUnitOfWork(store), SqlPlanQueries(engine), Checkpoints(), lambda: today[0]
    )

    def recorded() -> list[tuple[str, dict]]:
        return [(e.event_type, e.data) for e in store.read_stream("plan-hn-2026")][2:]

    assert evaluator.evaluate() == 0  # 31 March is not over yet
    today[0] = date(2026, 7, 1)  # the worker was down since 31 March: both checkpoints are evaluated
    assert evaluator.evaluate() == 2
    assert evaluator.evaluate() == 0
    kinds = [(t, d.get("checkpoint"), d.get("checkpoint_kind")) for t, d in recorded()]
    assert kinds == [
        # 31 March: 1 of 8 (12.5 %) while 24.7 % of the year has passed.
        ("PlanBehindSchedule", "2026-03-31", CheckpointKind.QUARTER.value),
        ("PlanCheckpointEvaluated", "2026-03-31", CheckpointKind.QUARTER.value),
        # 30 June: 2 of 8 (25 %) while 49.6 % has passed: still behind, recorded again.
        ("PlanBehindSchedule", "2026-06-30", CheckpointKind.HALF_YEAR.value),
        ("PlanCheckpointEvaluated", "2026-06-30", CheckpointKind.HALF_YEAR.value),
    ]
    behind = recorded()[2][1]
    assert (behind["authority_id"], behind["target"], behind["achieved"], behind["title"]) == (
        "hn",
        8,
        2,
        "Kế hoạch phát triển đảng viên năm 2026",
    )

    # The target is lowered; at the end of September it is back on schedule.
    plans.set_target(SetTarget(plan_id="hn-2026", indicator=TargetIndicator.CANDIDATES_PROPOSED, value=2))
    today[0] = date(2026, 10, 1)
    assert evaluator.evaluate() == 1
    assert [t for t, _ in recorded()][-2:] == ["PlanBackOnSchedule", "PlanCheckpointEvaluated"]


def test_checkpoints_older_than_the_catch_up_window_or_before_adoption_are_not_announced(world, projection) -> None:
    projection.deliver([world.authority("hn")])
    engine = projection.engine
    store = EventStore(engine)
    plans = Plans(
        lambda: SqlPlanUnitOfWork(store),
        SqlPlanQueries(engine),
        SqlIndicatorHistory(engine),
        SqlAuthorityTrees(engine),
    )
    plans.adopt(
        AdoptPlan(
            plan_id="hn-2025",
            authority_id="hn",
            title="Kế hoạch năm 2025",
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
            adopted_on=date(2025, 7, 15),
        )
    )
    plans.set_target(SetTarget(plan_id="hn-2025", indicator=TargetIndicator.ENTERPRISES_REGISTERED, value=5))
    evaluator = PlanCheckpoints(
        plans, lambda: SqlPlanUnitOfWork(store), SqlPlanQueries(engine), Checkpoints(), lambda: date(2026, 1, 10)
    )
    assert evaluator.evaluate() == 1  # 31 December; 30 September is more than 92 days ago
    wider = PlanCheckpoints(
        plans,
        lambda: SqlPlanUnitOfWork(store),
        SqlPlanQueries(engine),
        Checkpoints(),
        lambda: date(2026, 1, 10),
        catch_up_days=200,
    )
    assert wider.evaluate() == 1  # 30 September; never 30 June, before the plan was adopted
    kinds = [e.data.get("checkpoint") for e in store.read_stream("plan-hn-2025") if e.event_type.endswith("Evaluated")]
    assert sorted(kinds) == ["2025-09-30", "2025-12-31"]
