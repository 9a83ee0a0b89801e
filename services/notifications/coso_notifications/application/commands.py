"""What the rules' entrypoints send the application: adopt rules for a subtree, ask the rules in force."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from coso_backbone.contracts.rules import NotificationRuleValues


class AdoptRules(BaseModel):
    """An authority adopts notification rules for its subtree from a date (each rule optional)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    authority_id: str = Field(min_length=1, max_length=100, description="The authority whose subtree they apply to")
    effective_from: date = Field(description="The day they take effect")
    legal_basis: str = Field(min_length=1, max_length=2000, description="The decision: its number and date, or text")
    values: NotificationRuleValues = Field(description="The rules it sets, e.g. {'decision_due_soon_working_days': 10}")


class RulesOfAuthority(BaseModel):
    """The rules in force for an authority on a day (default: today)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    authority_id: str = Field(min_length=1, max_length=100)
    on: date | None = None
