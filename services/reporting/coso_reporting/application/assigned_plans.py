"""Shares of superior authorities' plans assigned to this stack's authorities, with progress.

A province splits a target among its communes; the commune's stack receives the plan
(adapters/received_plans.py) and measures its share on its own records, with the same
machinery as its own plans (`Plans.measure`): the target is the share, the period the
plan's, the achievement the share holder's subtree on the hierarchy of the day.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date
from typing import Any, Protocol

from coso_reporting.application.plans import Plans
from coso_reporting.application.ports import AuthorityTrees
from coso_reporting.domain.errors import UnknownAuthority
from coso_reporting.domain.plans import TARGET_LABELS, Plan
from coso_reporting.domain.received_plans import AssignedShare, ReceivedPlan


class ReceivedPlanQueries(Protocol):
    def plans(self, authority_id: str | None) -> list[dict[str, Any]]:
        """Received plans (id, authority, title, period, adoption date, `received_from`)."""

    def plan(self, plan_id: str) -> ReceivedPlan | None:
        """The received plan of that id, None if none was received (or not yet adopted)."""

    def shares_to(self, authorities: Collection[str]) -> list[AssignedShare]:
        """Shares of adopted received plans given to any of `authorities`."""


class AssignedPlans:
    def __init__(
        self,
        received: ReceivedPlanQueries,
        plans: Plans,
        trees: AuthorityTrees,
        tolerance: float = 0.0,
        today: Callable[[], date] = date.today,
    ) -> None:
        self._received = received
        self._plans = plans
        self._trees = trees
        self._tolerance = tolerance
        self._today = today

    def assigned(self, authority_id: str, as_of: date | None = None) -> dict[str, Any]:
        """The shares given to `authority_id` or to an authority of its subtree (on the
        hierarchy of `as_of`, default today), each with its progress up to that day."""
        day = as_of or self._today()
        tree = self._trees.as_of(day)
        if authority_id not in tree:
            raise UnknownAuthority(
                f"authority {authority_id} is not registered or did not exist on {day.isoformat()}",
                field="authority_id",
                rule="exists",
            )
        entries = []
        for share in self._received.shares_to(tree.subtree(authority_id)):
            plan = share.plan.plan
            measured = self._plans.measure(
                Plan(
                    plan_id=plan.plan_id,
                    authority_id=share.authority_id,
                    title=plan.title,
                    period_start=plan.period_start,
                    period_end=plan.period_end,
                    adopted_on=plan.adopted_on,
                    targets={share.indicator: share.value},
                ),
                day,
            )[share.indicator]
            entries.append(
                {
                    "plan_id": plan.plan_id,
                    "title": plan.title,
                    "received_from": share.plan.source,
                    "plan_authority_id": plan.authority_id,
                    "plan_authority_name": tree.name(plan.authority_id),
                    "period_start": plan.period_start.isoformat(),
                    "period_end": plan.period_end.isoformat(),
                    "indicator": share.indicator.value,
                    "label": TARGET_LABELS[share.indicator],
                    "authority_id": share.authority_id,
                    "authority_name": tree.name(share.authority_id),
                    "plan_target": plan.targets.get(share.indicator),
                    **measured.as_dict(self._tolerance),
                }
            )
        return {
            "authority_id": authority_id,
            "authority_name": tree.name(authority_id),
            "as_of": day.isoformat(),
            "behind_schedule_tolerance": self._tolerance,
            "assigned": entries,
        }
