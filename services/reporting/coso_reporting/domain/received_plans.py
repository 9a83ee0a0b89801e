"""Plans received from a superior authority's stack: read here, changed only where adopted.

A superior's plan arrives as its events (PlanAdopted, TargetSet, TargetSplit) under the
superior's ce-source. This stack shows it, and measures the shares given to its own
authorities on its own records, but never sets or splits its targets: that is the
superior's decision, taken in the superior's stack.
"""

from __future__ import annotations

from dataclasses import dataclass

from coso_backbone.contracts.reporting import TargetIndicator
from coso_backbone.errors import Conflict
from coso_reporting.domain.errors import ReportingError
from coso_reporting.domain.plans import Plan


class ReceivedPlanIsReadOnly(ReportingError, Conflict):
    """A plan received from a superior's stack cannot be changed here."""


@dataclass(frozen=True)
class ReceivedPlan:
    """A superior's plan as received: the plan (its targets and splits) and its ce-source."""

    plan: Plan
    source: str

    def refuse_change(self) -> ReceivedPlanIsReadOnly:
        return ReceivedPlanIsReadOnly(
            f"plan {self.plan.plan_id} was adopted by the superior authority {self.plan.authority_id} and received "
            f"from {self.source}; its targets are set and split only where it was adopted",
            field="plan_id",
            rule="own_plan",
        )


@dataclass(frozen=True)
class AssignedShare:
    """A share of a received plan's target given to one authority."""

    plan: ReceivedPlan
    indicator: TargetIndicator
    authority_id: str
    value: int
