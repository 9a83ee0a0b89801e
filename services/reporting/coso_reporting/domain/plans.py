"""A plan (kế hoạch / đề án) of an authority for a period, with its targets (chỉ tiêu).

The `Plan` aggregate checks the rules and records events (`pending`); it is rebuilt from
its stream with `Plan.replay`. Whether split shares go to *direct subordinates* needs the
hierarchy, which the application layer checks before it calls `split_target`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from coso_backbone.contracts import EventContract
from coso_backbone.contracts.reporting import (
    CheckpointKind,
    PlanAdopted,
    PlanBackOnSchedule,
    PlanBehindSchedule,
    PlanCheckpointEvaluated,
    TargetIndicator,
    TargetSet,
    TargetShare,
    TargetSplit,
)
from coso_reporting.domain.errors import InvalidPlan
from coso_reporting.domain.progress import TargetProgress

# Vietnamese labels of the target indicators (the English key is the API name).
TARGET_LABELS: dict[TargetIndicator, str] = {
    TargetIndicator.MEMBERS_ADMITTED: "Kết nạp đảng viên",
    TargetIndicator.MEMBERS_ADMITTED_PRODUCTION_WORKERS: "trong đó: công nhân trực tiếp sản xuất",
    TargetIndicator.ORGANIZATIONS_FOUNDED: "Thành lập tổ chức cơ sở đảng",
    TargetIndicator.ENTERPRISES_WITH_TRADE_UNION: "Doanh nghiệp có công đoàn cơ sở",
    TargetIndicator.ENTERPRISES_WITH_PARTY_ORGANIZATION: "Doanh nghiệp có tổ chức đảng",
    TargetIndicator.CANDIDATES_PROPOSED: "Quần chúng ưu tú được giới thiệu",
    TargetIndicator.ENTERPRISES_REGISTERED: "Doanh nghiệp được đăng ký theo dõi",
}


def stream_of_plan(plan_id: str) -> str:
    return f"plan-{plan_id}"


@dataclass
class Plan:
    plan_id: str
    authority_id: str
    title: str
    period_start: date
    period_end: date
    adopted_on: date
    targets: dict[TargetIndicator, int] = field(default_factory=dict)
    splits: dict[TargetIndicator, dict[str, int]] = field(default_factory=dict)
    evaluated: set[date] = field(default_factory=set)  # checkpoints already evaluated
    behind: set[TargetIndicator] = field(default_factory=set)  # behind at the last evaluated checkpoint
    version: int = 0
    pending: list[EventContract] = field(default_factory=list)

    # --- commands ------------------------------------------------------------
    @classmethod
    def adopt(
        cls, plan_id: str, authority_id: str, title: str, period_start: date, period_end: date, adopted_on: date
    ) -> Plan:
        if not title.strip():
            raise InvalidPlan("a plan needs a title", field="title", rule="not_blank")
        if period_end < period_start:
            raise InvalidPlan(
                f"the period ends ({period_end}) before it starts ({period_start})",
                field="period_end",
                rule="not_before_period_start",
            )
        event = PlanAdopted(
            plan_id=plan_id,
            authority_id=authority_id,
            title=title.strip(),
            period_start=period_start,
            period_end=period_end,
            adopted_on=adopted_on,
        )
        plan = cls.from_adoption(event)
        plan.pending.append(event)
        return plan

    def set_target(self, indicator: TargetIndicator, value: int) -> None:
        if value < 0:
            raise InvalidPlan("a target cannot be negative", field="value", rule="not_negative")
        split = self.splits.get(indicator)
        if split is not None and sum(split.values()) != value:
            raise InvalidPlan(
                f"the target of {indicator.value} is split among subordinates summing to {sum(split.values())}; "
                f"split it again to change it to {value}",
                field="value",
                rule="equals_split_sum",
            )
        self._record(TargetSet(plan_id=self.plan_id, authority_id=self.authority_id, indicator=indicator, value=value))

    def split_target(self, indicator: TargetIndicator, shares: Mapping[str, int]) -> None:
        """Split a set target among subordinates (checked by the caller); the shares must sum to it."""
        target = self.targets.get(indicator)
        if target is None:
            raise InvalidPlan(
                f"the plan has no target for {indicator.value} to split; set it first",
                field="indicator",
                rule="target_set",
            )
        if not shares:
            raise InvalidPlan("a split needs at least one share", field="shares", rule="not_empty")
        if self.authority_id in shares:
            raise InvalidPlan(
                f"the plan's own authority {self.authority_id} cannot receive a share",
                field="shares.authority_id",
                rule="subordinate",
            )
        negative = sorted(a for a, v in shares.items() if v < 0)
        if negative:
            raise InvalidPlan(
                f"shares cannot be negative ({', '.join(negative)})", field="shares.value", rule="not_negative"
            )
        total = sum(shares.values())
        if total != target:
            raise InvalidPlan(
                f"the shares sum to {total}, but the target of {indicator.value} is {target}",
                field="shares",
                rule="sum_equals_target",
            )
        self._record(
            TargetSplit(
                plan_id=self.plan_id,
                authority_id=self.authority_id,
                indicator=indicator,
                shares=[TargetShare(authority_id=a, value=v) for a, v in sorted(shares.items())],
            )
        )

    def evaluate_checkpoint(
        self,
        checkpoint: date,
        kind: CheckpointKind,
        progress: Mapping[TargetIndicator, TargetProgress],
        tolerance: float,
    ) -> None:
        """Record, once per checkpoint, each target behind schedule, each target back on
        schedule since the last checkpoint, and that the checkpoint was evaluated.

        A target whose achievement cannot be computed is neither behind nor back.
        """
        if checkpoint in self.evaluated:
            return
        behind: list[TargetIndicator] = []
        for indicator, measured in progress.items():
            late = measured.behind(tolerance)
            if late is None or measured.achieved is None:
                continue
            figures: dict[str, Any] = {
                "plan_id": self.plan_id,
                "authority_id": self.authority_id,
                "indicator": indicator,
                "checkpoint": checkpoint,
                "checkpoint_kind": kind,
                "target": measured.target,
                "achieved": measured.achieved,
                "progress": round(measured.ratio or 0.0, 4),
                "expected_share": round(measured.expected_share, 4),
            }
            if late:
                behind.append(indicator)
                self._record(PlanBehindSchedule(title=self.title, **figures))
            elif indicator in self.behind:
                self._record(PlanBackOnSchedule(**figures))
        self._record(
            PlanCheckpointEvaluated(
                plan_id=self.plan_id,
                authority_id=self.authority_id,
                checkpoint=checkpoint,
                checkpoint_kind=kind,
                behind=behind,
            )
        )

    # --- state from events ---------------------------------------------------
    @classmethod
    def from_adoption(cls, event: PlanAdopted) -> Plan:
        return cls(
            plan_id=event.plan_id,
            authority_id=event.authority_id,
            title=event.title,
            period_start=event.period_start,
            period_end=event.period_end,
            adopted_on=event.adopted_on,
            version=1,
        )

    @classmethod
    def replay(cls, events: Iterable[EventContract]) -> Plan:
        iterator = iter(events)
        first = next(iterator)
        if not isinstance(first, PlanAdopted):
            raise ValueError(f"a plan's stream starts with PlanAdopted, not {type(first).__name__}")
        plan = cls.from_adoption(first)
        for event in iterator:
            plan._apply(event)
            plan.version += 1
        return plan

    def _record(self, event: EventContract) -> None:
        self._apply(event)
        self.pending.append(event)

    def _apply(self, event: EventContract) -> None:
        if isinstance(event, TargetSet):
            self.targets[event.indicator] = event.value
        elif isinstance(event, TargetSplit):
            self.splits[event.indicator] = {s.authority_id: s.value for s in event.shares}
        elif isinstance(event, PlanCheckpointEvaluated):
            self.evaluated.add(event.checkpoint)
            self.behind = set(event.behind)

    def as_dict(self) -> dict[str, object]:
        return {
            "plan_id": self.plan_id,
            "authority_id": self.authority_id,
            "title": self.title,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "adopted_on": self.adopted_on.isoformat(),
            "targets": [
                {
                    "indicator": indicator.value,
                    "label": TARGET_LABELS[indicator],
                    "value": value,
                    "split": [{"authority_id": a, "value": v} for a, v in self.splits.get(indicator, {}).items()],
                }
                for indicator, value in self.targets.items()
            ],
        }
