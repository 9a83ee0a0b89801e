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

    Carries no personal data: names and identity numbers stay, encrypted, in admissions.
    """

    candidate_id: str
    enterprise_id: str
    authority_id: str
    source_channel: SourceChannel
    job_category: JobCategory
    proposed_on: date = Field(description="Date of the proposal")
