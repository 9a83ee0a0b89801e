"""Commands of the plans' use cases, validated at the edge (pydantic: field and rule on error)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from coso_backbone.contracts.reporting import TargetIndicator


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AdoptPlan(Command):
    plan_id: str | None = Field(default=None, min_length=1, max_length=100)
    authority_id: str = Field(min_length=1, max_length=100)
    title: str = Field(min_length=1, max_length=500)
    period_start: date
    period_end: date
    adopted_on: date | None = None


class SetTarget(Command):
    plan_id: str = Field(min_length=1)
    indicator: TargetIndicator
    value: int = Field(ge=0)


class Share(Command):
    authority_id: str = Field(min_length=1)
    value: int = Field(ge=0)


class SplitTarget(Command):
    plan_id: str = Field(min_length=1)
    indicator: TargetIndicator
    shares: list[Share] = Field(min_length=1)
