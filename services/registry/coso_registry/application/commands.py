"""Commands the registry accepts, validated on arrival (each error names its field)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from coso_backbone.contracts.registry import AuthorityLevel, Ownership


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class RegisterAuthority(Command):
    authority_id: str = Field(min_length=1, max_length=100)
    name: str = Field(min_length=1, max_length=300)
    level: AuthorityLevel
    parent_id: str | None = None
    effective_from: date


class RegisterEnterprise(Command):
    tax_code: str = Field(min_length=10, max_length=20)
    name: str = Field(min_length=1, max_length=500)
    authority_id: str = Field(min_length=1, max_length=100)
    ownership: Ownership = Ownership.DOMESTIC_PRIVATE
    worker_count: int = Field(default=0, ge=0, le=1_000_000)
    registered_on: date
    enterprise_id: str | None = Field(default=None, max_length=100, description="Chosen by the caller, or generated")
