"""Plans recorded in reporting's event store, with progress from the projection's dated history."""

from __future__ import annotations

from datetime import date

import pytest

from coso_backbone.contracts.admissions import CandidateProposed, JobCategory, SourceChannel
from coso_backbone.contracts.reporting import TargetIndicator
from coso_backbone.envelope import Envelope
from coso_backbone.eventstore import EventStore
from coso_reporting.adapters.fact_queries import SqlFactQueries
from coso_reporting.adapters.plans import SqlIndicatorHistory, SqlPlanQueries, SqlPlanUnitOfWork
from coso_reporting.adapters.trees import SqlAuthorityTrees
from coso_reporting.application.commands import AdoptPlan, SetTarget, Share, SplitTarget
from coso_reporting.application.plans import Plans
from coso_reporting.application.reports import Reports
from coso_reporting.application.state_cache import StateCache
from coso_reporting.domain.errors import DuplicatePlan, InvalidPlan, UnknownAuthority, UnknownPlan

CANDIDATES = TargetIndicator.CANDIDATES_PROPOSED


class CountedHistory(SqlIndicatorHistory):
    """The dated history, counting how often a plan's progress reads it."""

    reads = 0

    def counts_between(self, start, end, authorities=None):
        self.reads += 1
        return super().counts_between(start, end, authorities)


def proposed(world, candidate_id: str, enterprise_id: str, authority_id: str, on: date) -> Envelope:
    event = CandidateProposed(
        candidate_id=candidate_id,
        enterprise_id=enterprise_id,
        authority_id=authority_id,
        source_channel=SourceChannel.ENTERPRISE_TRADE_UNION,
        job_category=JobCategory.PRODUCTION_WORKER,
        proposed_on=on,
    )
    return world.admissions.record(f"candidate-{candidate_id}", event)


@pytest.fixture
def plans(world, projection) -> Plans:
    projection.deliver(
        [
            world.authority("hn"),
            world.authority("hn.a", parent_id="hn"),
            world.authority("hn.b", parent_id="hn"),
            world.enterprise("e1", "hn.a"),
            world.enterprise("e2", "hn.b"),
            proposed(world, "c1", "e1", "hn.a", date(2026, 2, 1)),
            proposed(world, "c2", "e1", "hn.a", date(2026, 5, 10)),
            proposed(world, "c3", "e2", "hn.b", date(2026, 3, 1)),
            proposed(world, "c4", "e2", "hn.b", date(2025, 12, 1)),  # before the period
            # Its enterprise is not known yet: counts under hn.b until e3 arrives under hn.a.
            proposed(world, "c5", "e3", "hn.b", date(2026, 2, 2)),
            world.enterprise("e3", "hn.a"),
        ]
    )
    engine = projection.engine
    store = EventStore(engine)
    return Plans(
        lambda: SqlPlanUnitOfWork(store),
        SqlPlanQueries(engine),
        SqlIndicatorHistory(engine),
        SqlAuthorityTrees(engine),
        today=lambda: date(2026, 3, 31),
    )


def adopt(plans: Plans) -> str:
    answer = plans.adopt(
        AdoptPlan(
            plan_id="hn-2026",
            authority_id="hn",
            title="Kế hoạch phát triển đảng viên năm 2026",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
        )
    )
    return str(answer["plan_id"])


def test_progress_as_of_a_date_counts_the_subtree_within_the_period_and_flags_who_is_behind(plans: Plans) -> None:
    plan_id = adopt(plans)
    plans.set_target(SetTarget(plan_id=plan_id, indicator=CANDIDATES, value=10))
    plans.split_target(
        SplitTarget(
            plan_id=plan_id,
            indicator=CANDIDATES,
            shares=[Share(authority_id="hn.a", value=6), Share(authority_id="hn.b", value=4)],
        )
    )
    [target] = plans.progress(plan_id, date(2026, 3, 31))["targets"]
    # c1, c3 and c5 (moved to hn.a with its enterprise); c4 is before the period, c2 after the date.
    assert (target["target"], target["achieved"], target["behind_schedule"]) == (10, 3, False)
    split = {s["authority_id"]: (s["achieved"], s["behind_schedule"]) for s in target["split"]}
    assert split == {"hn.a": (2, False), "hn.b": (1, False)}
    [later] = plans.progress(plan_id, date(2026, 9, 30))["targets"]
    assert (later["achieved"], later["behind_schedule"]) == (4, True)
    assert {s["authority_id"]: s["behind_schedule"] for s in later["split"]} == {"hn.a": True, "hn.b": True}


def test_a_subordinates_plan_counts_its_own_subtree_and_its_shares_theirs(plans: Plans, world, projection) -> None:
    projection.deliver(
        [
            world.authority("hn.a.x", parent_id="hn.a"),
            world.enterprise("e4", "hn.a.x"),
            proposed(world, "c6", "e4", "hn.a.x", date(2026, 3, 5)),
            proposed(world, "c7", "e4", "hn.a.x", date(2026, 3, 6)),
        ]
    )
    plans.adopt(
        AdoptPlan(
            plan_id="hn.a-2026",
            authority_id="hn.a",
            title="Kế hoạch năm 2026",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
        )
    )
    plans.set_target(SetTarget(plan_id="hn.a-2026", indicator=CANDIDATES, value=8))
    plans.split_target(
        SplitTarget(plan_id="hn.a-2026", indicator=CANDIDATES, shares=[Share(authority_id="hn.a.x", value=8)])
    )

    [target] = plans.progress("hn.a-2026", date(2026, 3, 31))["targets"]

    # c1 and c5 filed under hn.a itself, c6 and c7 under hn.a.x; hn.b's c3 is not hn.a's.
    assert target["achieved"] == 4
    assert {s["authority_id"]: s["achieved"] for s in target["split"]} == {"hn.a.x": 2}


def test_a_target_reporting_cannot_compute_yet_has_no_achievement(plans: Plans) -> None:
    plan_id = adopt(plans)
    plans.set_target(SetTarget(plan_id=plan_id, indicator=TargetIndicator.MEMBERS_ADMITTED, value=50))
    [target] = plans.progress(plan_id)["targets"]
    assert (target["achieved"], target["behind_schedule"]) == (None, None)


def test_a_share_for_an_authority_that_is_not_a_direct_subordinate_is_refused(plans: Plans) -> None:
    plan_id = adopt(plans)
    plans.set_target(SetTarget(plan_id=plan_id, indicator=CANDIDATES, value=10))
    with pytest.raises(InvalidPlan) as refused:
        plans.split_target(
            SplitTarget(plan_id=plan_id, indicator=CANDIDATES, shares=[Share(authority_id="dn", value=10)])
        )
    assert (refused.value.field, refused.value.rule) == ("shares.authority_id", "subordinate")


def test_plans_are_listed_by_authority_and_refused_twice_or_for_unknown_authorities(plans: Plans) -> None:
    adopt(plans)
    assert [p["plan_id"] for p in plans.plans("hn")["plans"]] == ["hn-2026"]
    assert plans.plans("hn.a")["plans"] == []
    with pytest.raises(DuplicatePlan):
        adopt(plans)
    with pytest.raises(UnknownAuthority) as refused:
        plans.adopt(
            AdoptPlan(authority_id="nowhere", title="x", period_start=date(2026, 1, 1), period_end=date(2026, 2, 1))
        )
    assert refused.value.field == "authority_id"
    with pytest.raises(UnknownPlan):
        plans.progress("missing")


def test_the_monthly_trend_of_a_subtree_has_every_month_of_the_period(plans: Plans, projection) -> None:
    reports = Reports(SqlIndicatorHistory(projection.engine), SqlAuthorityTrees(projection.engine))
    months = reports.trend("hn", date(2026, 1, 1), date(2026, 5, 31))["months"]
    assert [(m["month"], m["candidates_proposed"]) for m in months] == [
        ("2026-01", 0),
        ("2026-02", 2),
        ("2026-03", 1),
        ("2026-04", 0),
        ("2026-05", 1),
    ]
    only_b = reports.trend("hn.b", date(2026, 1, 1), date(2026, 5, 31))["months"]
    assert [m["candidates_proposed"] for m in only_b] == [0, 0, 1, 0, 0]


def test_admissions_are_reported_by_source_channel_and_job_category_over_the_subtree(plans: Plans, projection) -> None:
    reports = Reports(SqlIndicatorHistory(projection.engine), SqlAuthorityTrees(projection.engine))
    report = reports.admissions("hn", date(2026, 1, 1), date(2026, 12, 31))
    union = next(r for r in report["rows"] if r["source_channel"] == "enterprise_trade_union")
    assert union["by_job_category"]["production_worker"] == 4  # c1, c2, c3, c5; c4 is before the period
    assert (report["total"], report["totals"]["production_worker"]) == (4, 4)
    assert reports.admissions("hn.a", date(2026, 1, 1), date(2026, 12, 31))["total"] == 3  # c1, c2 and c5
    by_unit = {
        u["authority_id"]: (u["by_source_channel"]["enterprise_trade_union"], u["total"])
        for u in report["subordinates"]
    }
    assert by_unit == {"hn.a": (3, 3), "hn.b": (1, 1)}


def test_progress_is_kept_while_the_projection_and_the_plan_stay_as_they_were(world, projection) -> None:
    """As the service wires it (bootstrap.py): made again when a batch moves the projection's
    state, or when the plan's own targets change (which moves no checkpoint)."""
    projection.deliver([world.authority("hn"), world.enterprise("e1", "hn")])
    engine = projection.engine
    history = CountedHistory(engine)
    plans = Plans(
        lambda: SqlPlanUnitOfWork(EventStore(engine)),
        SqlPlanQueries(engine),
        history,
        SqlAuthorityTrees(engine),
        today=lambda: date(2026, 3, 31),
        cache=StateCache(SqlFactQueries(engine).projection_state),
    )
    plan_id = adopt(plans)
    plans.set_target(SetTarget(plan_id=plan_id, indicator=CANDIDATES, value=10))

    first = plans.progress(plan_id)
    assert plans.progress(plan_id) is first and history.reads == 1
    assert first["targets"][0]["achieved"] == 0

    projection.deliver([proposed(world, "c1", "e1", "hn", date(2026, 2, 1))])
    moved = plans.progress(plan_id)
    assert history.reads == 2 and moved["targets"][0]["achieved"] == 1

    plans.set_target(SetTarget(plan_id=plan_id, indicator=CANDIDATES, value=20))
    assert plans.progress(plan_id)["targets"][0]["target"] == 20 and history.reads == 3
    assert plans.progress(plan_id, date(2026, 2, 15)) is not plans.progress(plan_id)  # another day
