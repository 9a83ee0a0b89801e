"""Events published by the reporting service (exchange `reporting.events`).

Plans and targets are reporting's own write model: a plan (*kế hoạch, đề án*) of an
authority for a period sets targets (*chỉ tiêu*) per indicator, which it may split
among its direct subordinate authorities. Each plan is one event stream, `plan-<plan_id>`.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from coso_backbone.contracts import EventContract, contract


class TargetIndicator(StrEnum):
    """What a target counts (chỉ tiêu), within the plan's period and authority subtree."""

    MEMBERS_ADMITTED = "members_admitted"
    MEMBERS_ADMITTED_PRODUCTION_WORKERS = "members_admitted_production_workers"
    ORGANIZATIONS_FOUNDED = "organizations_founded"
    ENTERPRISES_WITH_TRADE_UNION = "enterprises_with_trade_union"
    ENTERPRISES_WITH_PARTY_ORGANIZATION = "enterprises_with_party_organization"
    CANDIDATES_PROPOSED = "candidates_proposed"
    ENTERPRISES_REGISTERED = "enterprises_registered"


@contract("reporting", "PlanAdopted", 1)
class PlanAdopted(EventContract):
    """An authority adopted a plan (kế hoạch / đề án) for a period, still without targets."""

    plan_id: str = Field(description="Identifier of the plan (stream `plan-<plan_id>`)")
    authority_id: str = Field(description="Authority whose plan it is; targets count over its subtree")
    title: str = Field(description="Title, e.g. 'Kế hoạch phát triển đảng viên trong doanh nghiệp năm 2026'")
    period_start: date = Field(description="First day of the period the targets are for")
    period_end: date = Field(description="Last day of the period (inclusive)")
    adopted_on: date = Field(description="Date the plan was adopted (date of the decision)")


@contract("reporting", "TargetSet", 1)
class TargetSet(EventContract):
    """A plan's target for one indicator was set (or changed) for the whole plan."""

    plan_id: str = Field(description="The plan")
    authority_id: str = Field(description="The plan's authority")
    indicator: TargetIndicator = Field(description="What the target counts")
    value: int = Field(ge=0, description="How many, over the whole period and the authority's subtree")


class TargetShare(BaseModel):
    """One subordinate authority's share of a split target."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    authority_id: str = Field(description="A direct subordinate of the plan's authority")
    value: int = Field(ge=0, description="Its share of the target")


@contract("reporting", "TargetSplit", 1)
class TargetSplit(EventContract):
    """A plan's target for one indicator was split among subordinate authorities.

    The shares add up to the target; a later split replaces an earlier one.
    """

    plan_id: str = Field(description="The plan")
    authority_id: str = Field(description="The plan's authority")
    indicator: TargetIndicator = Field(description="Which target is split")
    shares: list[TargetShare] = Field(description="Share per subordinate authority, summing to the target")


@contract("reporting", "IndicatorChanged", 1)
class IndicatorChanged(EventContract):
    """An indicator's value for an authority (counted over its subtree) changed.

    Published for subscribers (notifications, a superior authority's deployment, a
    dashboard): `value` is the new running total, `previous` the one before.
    """

    authority_id: str = Field(description="Authority whose subtree total changed")
    indicator: str = Field(description="Indicator key, e.g. 'candidates_proposed' or 'enterprises'")
    value: int = Field(description="New total over the authority's subtree")
    previous: int = Field(description="Total before the change")
    as_of: date = Field(description="Date the change was observed")


class CheckpointKind(StrEnum):
    """Which checkpoint of a plan's period was evaluated."""

    QUARTER = "quarter"  # end of a quarter (quý)
    HALF_YEAR = "half_year"  # 6-month summary (sơ kết 6 tháng)
    YEAR = "year"  # yearly summary (tổng kết năm)
    MONTH = "month"  # end of another configured month
    PERIOD_END = "period_end"  # last day of the plan's period


_CHECKPOINT = "Day the checkpoint falls on; progress is counted over the period up to this day included"


@contract("reporting", "PlanBehindSchedule", 1)
class PlanBehindSchedule(EventContract):
    """At a checkpoint, one of a plan's targets was behind schedule: its progress (achieved /
    target) trailed the share of the period elapsed by more than the configured tolerance.

    Recorded once per plan, checkpoint and target, in the plan's stream; recorded again at the
    next checkpoint if the target is still behind.
    """

    plan_id: str = Field(description="The plan")
    authority_id: str = Field(description="The plan's authority (its subscribers are told)")
    title: str = Field(description="The plan's title")
    indicator: TargetIndicator = Field(description="The target behind schedule")
    checkpoint: date = Field(description=_CHECKPOINT)
    checkpoint_kind: CheckpointKind = Field(description="quarter, half_year (sơ kết), year (tổng kết), ...")
    target: int = Field(ge=0, description="The target over the whole period")
    achieved: int = Field(ge=0, description="Achieved over the period up to the checkpoint")
    progress: float = Field(ge=0, description="achieved / target (1 for a target of 0)")
    expected_share: float = Field(ge=0, le=1, description="Share of the period elapsed at the checkpoint")


@contract("reporting", "PlanBackOnSchedule", 1)
class PlanBackOnSchedule(EventContract):
    """At a checkpoint, a target that was behind schedule at the previous evaluated checkpoint
    no longer is."""

    plan_id: str = Field(description="The plan")
    authority_id: str = Field(description="The plan's authority")
    indicator: TargetIndicator = Field(description="The target back on schedule")
    checkpoint: date = Field(description=_CHECKPOINT)
    checkpoint_kind: CheckpointKind = Field(description="quarter, half_year (sơ kết), year (tổng kết), ...")
    target: int = Field(ge=0, description="The target over the whole period")
    achieved: int = Field(ge=0, description="Achieved over the period up to the checkpoint")
    progress: float = Field(ge=0, description="achieved / target")
    expected_share: float = Field(ge=0, le=1, description="Share of the period elapsed at the checkpoint")


@contract("reporting", "PlanCheckpointEvaluated", 1)
class PlanCheckpointEvaluated(EventContract):
    """A plan's checkpoint was evaluated (after the PlanBehindSchedule / PlanBackOnSchedule it
    gave, in the same append): it is never evaluated again."""

    plan_id: str = Field(description="The plan")
    authority_id: str = Field(description="The plan's authority")
    checkpoint: date = Field(description=_CHECKPOINT)
    checkpoint_kind: CheckpointKind = Field(description="quarter, half_year (sơ kết), year (tổng kết), ...")
    behind: list[TargetIndicator] = Field(description="The targets behind schedule at the checkpoint")


class PeriodKind(StrEnum):
    """A reporting period: the spans the summaries (sơ kết, tổng kết) are made over."""

    QUARTER = "quarter"  # quý
    HALF_YEAR = "half_year"  # 6 tháng (sơ kết)
    YEAR = "year"  # năm (tổng kết)


@contract("reporting", "PeriodClosed", 1)
class PeriodClosed(EventContract):
    """A reporting period ended: an authority's indicators over its subtree for that period,
    final as reporting knew them the day after it ended.

    One event per authority of the hierarchy as it stood on the period's last day (records of
    units ended by then counted under their successor), all in the stream `period-<period>`,
    recorded once per deployment. Subscribers (a superior's deployment, a statistics office)
    take the figures of a quarter, half-year or year without querying.
    """

    period: str = Field(description="'2025-Q3', '2025-H1' or '2025'")
    kind: PeriodKind = Field(description="quarter, half_year or year")
    period_start: date = Field(description="First day of the period")
    period_end: date = Field(description="Last day of the period")
    authority_id: str = Field(description="Authority whose subtree the figures are for")
    authority_name: str = Field(description="Its name on the period's last day")
    parent_id: str | None = Field(description="Its superior on the period's last day (null for a root)")
    in_period: dict[str, int] = Field(description="Indicator -> value counted within the period")
    cumulative: dict[str, int] = Field(description="Indicator -> running total (lũy kế) up to the period's end")
