"""The plans' use cases: adopt a plan, set and split its targets, and its progress as of a date.

Achievements come from the projection's dated history, summed over the period up to the
date and rolled up each authority's subtree on the hierarchy of that date (`as_of`,
default today): records of units merged or dissolved by then count under their successor,
and a share given to a unit that has ended achieves nothing from then on (its records
count for its successor, under the successor's share if it has one). Shares are given to
today's direct subordinates of the plan's authority. `ACHIEVED_BY` says which target indicators
come from the indicator counts; the fact projection (`PlanAchievements`) measures the others
(members admitted, of whom production workers; organizations founded; enterprises that gained
a trade union or a party organization). A target no source measures answers `achieved: null`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from coso_backbone.contracts.reporting import TargetIndicator
from coso_reporting.application.commands import AdoptPlan, SetTarget, SplitTarget
from coso_reporting.application.ports import (
    AuthorityTrees,
    IndicatorHistory,
    PlanAchievements,
    PlanQueries,
    PlanUnitOfWork,
)
from coso_reporting.application.state_cache import StateCache
from coso_reporting.domain.errors import DuplicatePlan, InvalidPlan, UnknownAuthority, UnknownPlan
from coso_reporting.domain.indicators import Counts
from coso_reporting.domain.plans import TARGET_LABELS, Plan, stream_of_plan
from coso_reporting.domain.progress import TargetProgress, expected_share
from coso_reporting.domain.tree import Tree

if TYPE_CHECKING:
    from coso_reporting.application.assigned_plans import ReceivedPlanQueries

ACHIEVED_BY: dict[TargetIndicator, Callable[[Counts], int]] = {
    TargetIndicator.CANDIDATES_PROPOSED: lambda counts: counts.candidates_proposed,
    TargetIndicator.ENTERPRISES_REGISTERED: lambda counts: counts.enterprises,
}


class Plans:
    def __init__(
        self,
        unit_of_work: Callable[[], PlanUnitOfWork],
        queries: PlanQueries,
        history: IndicatorHistory,
        trees: AuthorityTrees,
        tolerance: float = 0.0,
        today: Callable[[], date] = date.today,
        received: ReceivedPlanQueries | None = None,
        achievements: PlanAchievements | None = None,
        cache: StateCache[dict[str, Any]] | None = None,
    ) -> None:
        self._unit_of_work = unit_of_work
        # Progress answers kept while the projection's state holds (application/state_cache.py),
        # per plan version: its own targets change it without moving a checkpoint.
        self._cache = cache
        self._achievements = achievements  # the fact projection's measures, if wired
        self._received = received  # superiors' plans: shown and measured, never changed here
        self._queries = queries
        self._history = history
        self._trees = trees
        self._tolerance = tolerance
        self._today = today

    # --- commands ------------------------------------------------------------
    def adopt(self, command: AdoptPlan) -> dict[str, Any]:
        adopted_on = command.adopted_on or self._today()
        if command.authority_id not in self._trees.as_of(adopted_on):
            raise UnknownAuthority(
                f"authority {command.authority_id} is not registered or did not exist on {adopted_on.isoformat()}",
                field="authority_id",
                rule="exists",
            )
        plan_id = command.plan_id or str(uuid.uuid4())
        plan = Plan.adopt(
            plan_id,
            command.authority_id,
            command.title,
            command.period_start,
            command.period_end,
            adopted_on,
        )
        with self._unit_of_work() as uow:
            if uow.stream_version(stream_of_plan(plan_id)) != 0:
                raise DuplicatePlan(f"plan {plan_id} is already adopted", field="plan_id", rule="unique")
            uow.record(stream_of_plan(plan_id), 0, plan.pending, plan.authority_id)
            uow.commit()
        return {"plan_id": plan_id}

    def set_target(self, command: SetTarget) -> dict[str, Any]:
        with self._unit_of_work() as uow:
            plan = self._load_own(uow, command.plan_id)
            plan.set_target(command.indicator, command.value)
            uow.record(stream_of_plan(plan.plan_id), plan.version, plan.pending, plan.authority_id)
            uow.commit()
        return plan.as_dict()

    def split_target(self, command: SplitTarget) -> dict[str, Any]:
        shares: dict[str, int] = {}
        for share in command.shares:
            if share.authority_id in shares:
                raise InvalidPlan(
                    f"authority {share.authority_id} has two shares", field="shares.authority_id", rule="unique"
                )
            shares[share.authority_id] = share.value
        with self._unit_of_work() as uow:
            plan = self._load_own(uow, command.plan_id)
            direct = set(self._trees.as_of(self._today()).children(plan.authority_id))
            strangers = sorted(set(shares) - direct - {plan.authority_id})
            if strangers:
                raise InvalidPlan(
                    f"not a direct subordinate of {plan.authority_id}: {', '.join(strangers)}",
                    field="shares.authority_id",
                    rule="subordinate",
                )
            plan.split_target(command.indicator, shares)
            uow.record(stream_of_plan(plan.plan_id), plan.version, plan.pending, plan.authority_id)
            uow.commit()
        return plan.as_dict()

    # --- queries -------------------------------------------------------------
    def plan(self, plan_id: str) -> dict[str, Any]:
        plan, received_from = self._find(plan_id)
        return _marked(plan.as_dict(), received_from)

    def plans(self, authority_id: str | None = None) -> dict[str, Any]:
        """This stack's plans, then those received from superiors (marked `received_from`)."""
        received = self._received.plans(authority_id) if self._received is not None else []
        return {"plans": self._queries.plans(authority_id) + received}

    def authority_of(self, plan_id: str) -> str:
        """The authority whose plan it is (this stack's or a superior's received one), or UnknownPlan."""
        return self._find(plan_id)[0].authority_id

    def progress(self, plan_id: str, as_of: date | None = None) -> dict[str, Any]:
        """Each target's achievement over the period up to `as_of` (default today), and its shares'.
        With a cache, an answer is shared: callers must not change it."""
        plan, received_from = self._find(plan_id)
        day = as_of or self._today()
        if self._cache is None:
            return self._progress(plan, received_from, day)
        request = ("progress", plan_id, received_from, plan.version, day)
        return self._cache.get(request, lambda: self._progress(plan, received_from, day))

    def _progress(self, plan: Plan, received_from: str | None, day: date) -> dict[str, Any]:
        share = expected_share(plan.period_start, plan.period_end, day)
        tree = self._trees.as_of(day)
        totals = self._achieved(tree, plan, min(day, plan.period_end))
        targets = []
        for indicator, value in plan.targets.items():

            def achieved(authority_id: str, indicator: TargetIndicator = indicator) -> int | None:
                if indicator not in self._measured:
                    return None
                return totals.get(authority_id, {}).get(indicator, 0) if day >= plan.period_start else 0

            entry = {
                "indicator": indicator.value,
                "label": TARGET_LABELS[indicator],
                **TargetProgress(value, achieved(plan.authority_id), share).as_dict(self._tolerance),
                "split": [
                    {
                        "authority_id": authority_id,
                        "name": tree.name(authority_id),
                        **TargetProgress(part, achieved(authority_id), share).as_dict(self._tolerance),
                    }
                    for authority_id, part in plan.splits.get(indicator, {}).items()
                ],
            }
            targets.append(entry)
        return {
            **_marked(plan.as_dict(), received_from),
            "authority_name": tree.name(plan.authority_id),
            "superior_name": _superior_name(tree, plan.authority_id),
            "as_of": day.isoformat(),
            "expected_share": round(share, 4),
            "behind_schedule_tolerance": self._tolerance,
            "targets": targets,
        }

    def measure(self, plan: Plan, day: date) -> dict[TargetIndicator, TargetProgress]:
        """The plan's own targets' progress over its period up to `day` (no shares)."""
        share = expected_share(plan.period_start, plan.period_end, day)
        totals = self._achieved(self._trees.as_of(day), plan, min(day, plan.period_end))
        measured = {}
        for indicator, value in plan.targets.items():
            achieved = None
            if indicator in self._measured:
                achieved = totals.get(plan.authority_id, {}).get(indicator, 0) if day >= plan.period_start else 0
            measured[indicator] = TargetProgress(value, achieved, share)
        return measured

    @property
    def _measured(self) -> set[TargetIndicator]:
        """The target indicators some source measures."""
        return set(ACHIEVED_BY) | (set(self._achievements.indicators) if self._achievements is not None else set())

    def _achieved(self, tree: Tree, plan: Plan, end: date) -> dict[str, dict[TargetIndicator, int]]:
        """What the plan's targets achieved from its start to `end` over the subtree of its
        authority and of each of its direct subordinates (the shares), on `tree`'s day: only
        its targets' indicators are read (each of the fact projection's is a statement over
        the period's records)."""
        root, start = plan.authority_id, plan.period_start
        if end < start:
            return {}
        recorded: dict[str, dict[TargetIndicator, int]] = {}
        # A subordinate's plan reads its subtree's counts only: a commune's read the nation's
        # 4,400 (30 ms of 33); a top authority's reads them all, as naming them would.
        held = tree.held_within(root) if tree.parent(root) is not None else None
        counted = [indicator for indicator in ACHIEVED_BY if indicator in plan.targets]
        if counted:
            for authority_id, counts in self._history.counts_between(start, end, held).items():
                recorded[authority_id] = {indicator: ACHIEVED_BY[indicator](counts) for indicator in counted}
        if self._achievements is not None:
            wanted = [indicator for indicator in self._achievements.indicators if indicator in plan.targets]
            if wanted:
                for authority_id, values in self._achievements.between(start, end, held, wanted).items():
                    recorded.setdefault(authority_id, {}).update(values)
        # Summed per direct subordinate (`root` for its own units), then those sums for `root`.
        buckets = tree.buckets(root)
        totals: dict[str, dict[TargetIndicator, int]] = {}
        for authority_id, values in recorded.items():
            bucket = buckets.get(authority_id)
            if bucket is None:
                continue
            sums = totals.setdefault(bucket, {})
            for indicator, value in values.items():
                sums[indicator] = sums.get(indicator, 0) + value
        whole: dict[TargetIndicator, int] = {}
        for sums in totals.values():
            for indicator, value in sums.items():
                whole[indicator] = whole.get(indicator, 0) + value
        totals[root] = whole
        return totals

    def _find(self, plan_id: str) -> tuple[Plan, str | None]:
        """This stack's plan of that id, else a received one: (plan, ce-source it came from or None)."""
        with self._unit_of_work() as uow:
            events = uow.plan_events(stream_of_plan(plan_id))
        if events:
            return Plan.replay(events), None
        received = self._received.plan(plan_id) if self._received is not None else None
        if received is None:
            raise UnknownPlan(f"no plan has id {plan_id}", field="plan_id", rule="exists")
        return received.plan, received.source

    def _load_own(self, uow: PlanUnitOfWork, plan_id: str) -> Plan:
        """This stack's plan, to change it; a received plan is refused as read-only."""
        try:
            return self._load(uow, plan_id)
        except UnknownPlan:
            received = self._received.plan(plan_id) if self._received is not None else None
            if received is not None:
                raise received.refuse_change() from None
            raise

    @staticmethod
    def _load(uow: PlanUnitOfWork, plan_id: str) -> Plan:
        events = uow.plan_events(stream_of_plan(plan_id))
        if not events:
            raise UnknownPlan(f"no plan has id {plan_id}", field="plan_id", rule="exists")
        return Plan.replay(events)


def _superior_name(tree: Tree, authority_id: str) -> str | None:
    parent = tree.parent(authority_id)
    return tree.name(parent) if parent is not None else None


def _marked(answer: dict[str, Any], received_from: str | None) -> dict[str, Any]:
    """A received plan's answer says where it came from (own plans' answers are unchanged)."""
    return answer if received_from is None else {**answer, "received_from": received_from}
