"""Events published by the registry service (exchange `registry.events`)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from coso_backbone.contracts import EventContract, contract


class AuthorityLevel(StrEnum):
    CENTRAL = "central"
    PROVINCE = "province"
    BLOC = "bloc"
    DISTRICT = "district"
    COMMUNE = "commune"
    INDUSTRIAL_ZONE = "industrial_zone"
    OTHER = "other"


class Ownership(StrEnum):
    DOMESTIC_PRIVATE = "domestic_private"
    FOREIGN_INVESTED = "foreign_invested"
    COOPERATIVE = "cooperative"
    HOUSEHOLD_BUSINESS = "household_business"
    OTHER = "other"


@contract("registry", "AuthorityRegistered", 1)
class AuthorityRegistered(EventContract):
    """An authority (cấp ủy) entered the hierarchy on a date."""

    authority_id: str = Field(description="Stable identifier of the authority, e.g. 'hn' or 'hn.ba-dinh'")
    name: str = Field(description="Official name, e.g. 'Đảng ủy phường Ba Đình'")
    level: AuthorityLevel
    parent_id: str | None = Field(description="Superior authority on effective_from; null for the root")
    effective_from: date


@contract("registry", "EnterpriseRegistered", 1)
class EnterpriseRegistered(EventContract):
    """A non-state enterprise (doanh nghiệp ngoài khu vực nhà nước) was registered."""

    enterprise_id: str
    tax_code: str = Field(description="Mã số thuế: 10 digits with check digit, or 10-3 for a branch")
    name: str
    authority_id: str = Field(description="Authority the enterprise belongs to")
    ownership: Ownership
    worker_count: int = Field(ge=0)
    registered_on: date
