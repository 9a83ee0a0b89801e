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
    sector: str | None = Field(default=None, description="Industry sector (ngành nghề), e.g. VSIC code or name")
    address: str | None = Field(default=None, description="Head-office address")
    industrial_zone_id: str | None = Field(
        default=None, description="Industrial-zone authority (level industrial_zone) the enterprise lies in, if any"
    )
    director: str | None = Field(default=None, description="Owner or director (chủ doanh nghiệp / giám đốc)")


_LEGAL_BASIS = "Legal basis of the change: number of the resolution or decision, e.g. 'Nghị quyết 1656/NQ-UBTVQH15'"


@contract("registry", "AuthorityRenamed", 1)
class AuthorityRenamed(EventContract):
    """An authority took a new official name from a date on."""

    authority_id: str = Field(description="The authority renamed")
    name: str = Field(description="The new official name")
    effective_from: date = Field(description="First day the new name applies")
    legal_basis: str = Field(description=_LEGAL_BASIS)


@contract("registry", "AuthorityReparented", 1)
class AuthorityReparented(EventContract):
    """An authority was placed under another superior authority from a date on."""

    authority_id: str = Field(description="The authority moved in the hierarchy")
    parent_id: str = Field(description="Its superior authority from effective_from on")
    previous_parent_id: str | None = Field(description="Its superior authority the day before")
    effective_from: date = Field(description="First day it answers to parent_id")
    legal_basis: str = Field(description=_LEGAL_BASIS)


@contract("registry", "AuthorityMerged", 1)
class AuthorityMerged(EventContract):
    """An authority ceased to exist by merging into a successor (one event per merged unit;
    the units merged by the same decision share `merged_with`)."""

    authority_id: str = Field(description="The authority that ceased to exist")
    successor_id: str = Field(description="The authority that takes over its subordinates, enterprises and history")
    merged_with: list[str] = Field(description="Every authority merged into the successor by the same decision")
    effective_from: date = Field(description="First day the authority no longer exists")
    legal_basis: str = Field(description=_LEGAL_BASIS)


@contract("registry", "AuthoritySplit", 1)
class AuthoritySplit(EventContract):
    """An authority ceased to exist by being divided among several successors."""

    authority_id: str = Field(description="The authority that ceased to exist")
    successor_ids: list[str] = Field(description="The authorities that take over its parts (at least two)")
    effective_from: date = Field(description="First day the authority no longer exists")
    legal_basis: str = Field(description=_LEGAL_BASIS)


@contract("registry", "AuthorityDissolved", 1)
class AuthorityDissolved(EventContract):
    """An authority was dissolved (e.g. a district level abolished), its duties taken over by a
    successor or by nobody."""

    authority_id: str = Field(description="The authority that ceased to exist")
    reason: str = Field(description="Why it was dissolved")
    successor_id: str | None = Field(
        default=None, description="Authority that takes over its subordinates and history, if any"
    )
    effective_from: date = Field(description="First day the authority no longer exists")
    legal_basis: str = Field(description=_LEGAL_BASIS)


class EnterpriseStatus(StrEnum):
    OPERATING = "operating"
    SUSPENDED = "suspended"
    CLOSED = "closed"


@contract("registry", "EnterpriseUpdated", 1)
class EnterpriseUpdated(EventContract):
    """Particulars of an enterprise changed; fields left null are unchanged."""

    enterprise_id: str
    effective_from: date = Field(description="First day the new particulars apply")
    name: str | None = Field(default=None, description="New name, if changed")
    ownership: Ownership | None = Field(default=None, description="New ownership, if changed")
    sector: str | None = Field(default=None, description="New sector, if changed")
    address: str | None = Field(default=None, description="New address, if changed")
    director: str | None = Field(default=None, description="New owner or director, if changed")


@contract("registry", "EnterpriseMoved", 1)
class EnterpriseMoved(EventContract):
    """An enterprise came under another authority (commune/ward) or industrial zone."""

    enterprise_id: str
    authority_id: str = Field(description="Authority the enterprise belongs to from effective_from on")
    previous_authority_id: str = Field(description="Authority it belonged to the day before")
    industrial_zone_id: str | None = Field(description="Industrial zone it lies in from effective_from on, if any")
    previous_industrial_zone_id: str | None = Field(description="Industrial zone it lay in the day before, if any")
    effective_from: date


@contract("registry", "EnterpriseSuspended", 1)
class EnterpriseSuspended(EventContract):
    """An enterprise suspended its business (tạm ngừng kinh doanh)."""

    enterprise_id: str
    reason: str = Field(description="Why, as stated by the enterprise or the tax office")
    effective_from: date


@contract("registry", "EnterpriseResumed", 1)
class EnterpriseResumed(EventContract):
    """A suspended enterprise resumed its business."""

    enterprise_id: str
    effective_from: date


@contract("registry", "EnterpriseClosed", 1)
class EnterpriseClosed(EventContract):
    """An enterprise ceased to operate (giải thể, phá sản, bị thu hồi giấy phép); final."""

    enterprise_id: str
    reason: str = Field(description="Why it closed, e.g. dissolution, bankruptcy, licence revoked")
    effective_from: date


@contract("registry", "WorkforceCounted", 1)
class WorkforceCounted(EventContract):
    """The number of workers of an enterprise on a day."""

    enterprise_id: str
    worker_count: int = Field(ge=0, description="Workers employed on counted_on")
    counted_on: date = Field(description="Day of the count")


class OrganizationKind(StrEnum):
    GRASSROOTS_CELL = "grassroots_cell"  # chi bộ cơ sở
    GRASSROOTS_COMMITTEE = "grassroots_committee"  # đảng bộ cơ sở
    ATTACHED_CELL = "attached_cell"  # chi bộ trực thuộc
    COMBINED_CELL = "combined_cell"  # chi bộ ghép: several small enterprises in one cell


_DECISION = "Number of the founding authority's decision (quyết định), e.g. '125-QĐ/ĐU'"


@contract("registry", "OrganizationFounded", 1)
class OrganizationFounded(EventContract):
    """A party organization was founded in one or more enterprises (thành lập tổ chức đảng)."""

    organization_id: str
    name: str = Field(description="Official name, e.g. 'Chi bộ Công ty TNHH May Quế Võ'")
    kind: OrganizationKind = Field(
        description="grassroots_cell (chi bộ cơ sở), grassroots_committee (đảng bộ cơ sở), "
        "attached_cell (chi bộ trực thuộc), combined_cell (chi bộ ghép)"
    )
    authority_id: str = Field(description="Founding and superior authority")
    enterprise_ids: list[str] = Field(description="Enterprises the organization covers (several for a combined cell)")
    decision_number: str = Field(description=_DECISION)
    founded_on: date = Field(description="Date of the founding decision")
    official_members: int = Field(ge=0, description="Official party members at founding")


@contract("registry", "OrganizationRenamed", 1)
class OrganizationRenamed(EventContract):
    """A party organization took a new name."""

    organization_id: str
    name: str
    decision_number: str = Field(description=_DECISION)
    effective_from: date


@contract("registry", "OrganizationUpgraded", 1)
class OrganizationUpgraded(EventContract):
    """A grassroots cell became a grassroots committee (chi bộ cơ sở -> đảng bộ cơ sở)."""

    organization_id: str
    kind: OrganizationKind = Field(description="The new kind")
    official_members: int = Field(ge=0, description="Official party members when upgraded")
    decision_number: str = Field(description=_DECISION)
    effective_from: date


@contract("registry", "OrganizationTransferred", 1)
class OrganizationTransferred(EventContract):
    """A party organization came under another superior authority."""

    organization_id: str
    authority_id: str = Field(description="Superior authority from effective_from on")
    previous_authority_id: str = Field(description="Superior authority the day before")
    decision_number: str = Field(description=_DECISION)
    effective_from: date


@contract("registry", "OrganizationDissolved", 1)
class OrganizationDissolved(EventContract):
    """A party organization was dissolved (giải thể), e.g. enterprise closed or too few members."""

    organization_id: str
    reason: str = Field(description="Why, e.g. 'doanh nghiệp giải thể', 'không đủ đảng viên chính thức'")
    decision_number: str = Field(description=_DECISION)
    effective_from: date


@contract("registry", "OrganizationsMerged", 1)
class OrganizationsMerged(EventContract):
    """Several party organizations were merged into this one (hợp nhất); each merged one has its
    own OrganizationMergedInto. Their members now count in this organization."""

    organization_id: str = Field(description="The successor organization")
    merged_ids: list[str] = Field(description="Organizations merged into it (they cease to exist)")
    kind: OrganizationKind = Field(description="Kind of the successor after the merger")
    authority_id: str = Field(description="Superior authority of the successor from effective_from on")
    enterprise_ids: list[str] = Field(description="Every enterprise the successor covers after the merger")
    official_members: int | None = Field(
        default=None, ge=0, description="Official members after the merger, when stated or known; else null"
    )
    decision_number: str = Field(description=_DECISION)
    effective_from: date


@contract("registry", "OrganizationMergedInto", 1)
class OrganizationMergedInto(EventContract):
    """A party organization ceased to exist by merger into another; its members moved there."""

    organization_id: str
    successor_id: str = Field(description="Organization it was merged into")
    decision_number: str = Field(description=_DECISION)
    effective_from: date


class QualityLevel(StrEnum):
    EXCELLENT = "excellent"  # hoàn thành xuất sắc nhiệm vụ
    GOOD = "good"  # hoàn thành tốt nhiệm vụ
    COMPLETE = "complete"  # hoàn thành nhiệm vụ
    NOT_COMPLETE = "not_complete"  # không hoàn thành nhiệm vụ


@contract("registry", "OrganizationRated", 1)
class OrganizationRated(EventContract):
    """A party organization's annual quality rating (đánh giá, xếp loại chất lượng)."""

    organization_id: str
    year: int = Field(ge=2000, le=2100, description="Year rated")
    score: float = Field(ge=0, le=100, description="Score out of 100")
    level: QualityLevel = Field(description="Level the score falls in under the bands in force for the authority")
    authority_id: str = Field(description="Superior authority of the organization when rated")
    rated_on: date = Field(description="Date of the rating decision")


class MassOrganizationKind(StrEnum):
    TRADE_UNION = "trade_union"  # công đoàn cơ sở
    YOUTH_UNION = "youth_union"  # chi đoàn / đoàn cơ sở Thanh niên
    WOMENS_UNION = "womens_union"  # hội / chi hội phụ nữ
    VETERANS = "veterans"  # hội / chi hội cựu chiến binh


@contract("registry", "MassOrganizationFounded", 1)
class MassOrganizationFounded(EventContract):
    """A mass organization was founded in an enterprise (e.g. a grassroots trade union)."""

    mass_organization_id: str
    kind: MassOrganizationKind = Field(
        description="trade_union (công đoàn cơ sở), youth_union (Đoàn Thanh niên), womens_union (Hội Phụ nữ), "
        "veterans (Hội Cựu chiến binh)"
    )
    enterprise_id: str = Field(description="The enterprise it is founded in")
    authority_id: str = Field(description="Authority of the enterprise when founded")
    name: str
    founded_on: date
    members: int = Field(ge=0, description="Members at founding")
    chair: str | None = Field(default=None, description="Chair (chủ tịch / bí thư / chi hội trưởng), if known")


@contract("registry", "MassMembershipCounted", 1)
class MassMembershipCounted(EventContract):
    """The number of members of a mass organization on a day."""

    mass_organization_id: str
    members: int = Field(ge=0)
    counted_on: date


@contract("registry", "MassOrganizationChairChanged", 1)
class MassOrganizationChairChanged(EventContract):
    """A mass organization has a new chair."""

    mass_organization_id: str
    chair: str
    effective_from: date


@contract("registry", "MassOrganizationDissolved", 1)
class MassOrganizationDissolved(EventContract):
    """A mass organization ceased to exist."""

    mass_organization_id: str
    reason: str
    effective_from: date
