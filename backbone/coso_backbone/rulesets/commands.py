"""The two requests every service that keeps rule sets accepts: adopt rules for a subtree from a
date, and ask the rules in force for an authority on a day.

A service's `AdoptRules` subclasses `RulesAdoption` and names its rule values (a model of
`coso_backbone.contracts.rules`); `RulesOfAuthority` is the same everywhere. Both are validated
on arrival, each error naming its field.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class RulesAdoption(BaseModel):
    """An authority adopts rules for its subtree from a date; `values` is the service's rule values."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    authority_id: str = Field(min_length=1, max_length=100, description="The authority whose subtree they apply to")
    effective_from: date = Field(description="The day they take effect")
    legal_basis: str = Field(min_length=1, max_length=2000, description="The decision: its number and date, or text")
    values: Any


class RulesOfAuthority(BaseModel):
    """The rules in force for an authority on a day (default: today)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    authority_id: str = Field(min_length=1, max_length=100)
    on: date | None = None
