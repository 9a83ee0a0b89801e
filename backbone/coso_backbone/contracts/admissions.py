"""Events published by the admissions service (exchange `admissions.events`)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from coso_backbone.contracts import EventContract, contract


class SourceChannel(StrEnum):
    """Who proposed a candidate: the key axis of admission reports."""

    ENTERPRISE_TRADE_UNION = "enterprise_trade_union"
    LABOUR_FEDERATION = "labour_federation"
    INDUSTRIAL_ZONE_COMMITTEE = "industrial_zone_committee"
    COMMUNE_COMMITTEE = "commune_committee"
    YOUTH_UNION = "youth_union"
    ENTERPRISE_OWNER = "enterprise_owner"
    OTHER = "other"


class JobCategory(StrEnum):
    """What a candidate or member does in the enterprise: a report axis (e.g. workers vs owners)."""

    PRODUCTION_WORKER = "production_worker"
    TECHNICIAN = "technician"
    MANAGER = "manager"
    OWNER = "owner"
    SECURITY_GUARD = "security_guard"
    RETIREE = "retiree"
    OTHER = "other"


@contract("admissions", "CandidateProposed", 1)
class CandidateProposed(EventContract):
    """A promising worker (quần chúng ưu tú) was proposed for admission.

    Carries no personal data: no name, birth date or identity number. Those will stay in
    admissions, encrypted per person, so that forgetting a person leaves these events (and
    the statistics built from them) intact.
    """

    candidate_id: str = Field(description="Identifier admissions gave the candidate (a UUID)")
    enterprise_id: str = Field(description="Enterprise the candidate works in, as registered in the registry")
    authority_id: str = Field(description="Authority of that enterprise when the candidate was proposed")
    source_channel: SourceChannel = Field(description="Who proposed the candidate")
    job_category: JobCategory = Field(description="What the candidate does in the enterprise")
    proposed_on: date = Field(description="Date of the proposal")
    display_ref: str | None = Field(
        default=None,
        description=(
            "Opaque reference the proposing office uses for its own file, e.g. 'CĐCS-2025-017'; "
            "never a name or an identity number"
        ),
    )
