"""Commands and queries admissions accepts, validated on arrival (each error names its field)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from coso_backbone.contracts.admissions import JobCategory, SourceChannel


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class ProposeCandidate(Command):
    """Propose a promising worker of a registered enterprise for admission."""

    enterprise_id: str = Field(min_length=1, max_length=100, description="Enterprise the candidate works in")
    source_channel: SourceChannel = Field(description="Who proposes the candidate")
    job_category: JobCategory = Field(description="What the candidate does in the enterprise")
    proposed_on: date = Field(description="Date of the proposal; not in the future")
    display_ref: str | None = Field(
        default=None, max_length=64, description="Opaque reference of the proposing office; never a name"
    )


class CandidatesOfAuthority(Command):
    """Which candidates to list: those of one authority, a page at a time."""

    authority_id: str = Field(min_length=1, max_length=100)
    limit: int = Field(default=100, ge=1, le=1000)
    offset: int = Field(default=0, ge=0)
