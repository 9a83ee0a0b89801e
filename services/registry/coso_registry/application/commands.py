"""Commands the registry accepts, validated on arrival (each error names its field)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from coso_backbone.contracts.registry import AuthorityLevel, MassOrganizationKind, OrganizationKind, Ownership
from coso_backbone.contracts.rules import RegistryRuleValues
from coso_backbone.rulesets.commands import RulesAdoption
from coso_backbone.rulesets.commands import RulesOfAuthority as RulesOfAuthority


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
    sector: str | None = Field(default=None, max_length=200)
    address: str | None = Field(default=None, max_length=500)
    industrial_zone_id: str | None = Field(default=None, max_length=100)
    director: str | None = Field(default=None, max_length=200)


class HierarchyChange(Command):
    effective_from: date = Field(description="First day the change applies")
    legal_basis: str = Field(min_length=1, max_length=300, description="Number of the resolution or decision")


class RenameAuthority(HierarchyChange):
    authority_id: str = Field(min_length=1, max_length=100)
    name: str = Field(min_length=1, max_length=300)


class ReparentAuthority(HierarchyChange):
    authority_id: str = Field(min_length=1, max_length=100)
    parent_id: str = Field(min_length=1, max_length=100)


class MergeAuthorities(HierarchyChange):
    merged_ids: list[str] = Field(min_length=1, max_length=100, description="Authorities that cease to exist")
    successor_id: str = Field(min_length=1, max_length=100, description="Authority that takes them over")


class SplitAuthority(HierarchyChange):
    authority_id: str = Field(min_length=1, max_length=100)
    successor_ids: list[str] = Field(min_length=2, max_length=100)


class DissolveAuthority(HierarchyChange):
    authority_id: str = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=500)
    successor_id: str | None = Field(default=None, max_length=100)


class EnterpriseChange(Command):
    enterprise_id: str = Field(min_length=1, max_length=100)
    expected_version: int | None = Field(
        default=None, ge=1, description="Version the caller last read; the change is refused if it moved on"
    )


class UpdateEnterprise(EnterpriseChange):
    effective_from: date
    name: str | None = Field(default=None, min_length=1, max_length=500)
    ownership: Ownership | None = None
    sector: str | None = Field(default=None, max_length=200)
    address: str | None = Field(default=None, max_length=500)
    director: str | None = Field(default=None, max_length=200)


class MoveEnterprise(EnterpriseChange):
    effective_from: date
    authority_id: str = Field(min_length=1, max_length=100)
    industrial_zone_id: str | None = Field(default=None, max_length=100)


class SuspendEnterprise(EnterpriseChange):
    effective_from: date
    reason: str = Field(min_length=1, max_length=500)


class ResumeEnterprise(EnterpriseChange):
    effective_from: date


class CloseEnterprise(EnterpriseChange):
    effective_from: date
    reason: str = Field(min_length=1, max_length=500)


class CountWorkforce(EnterpriseChange):
    worker_count: int = Field(ge=0, le=1_000_000)
    counted_on: date


class FoundOrganization(Command):
    organization_id: str | None = Field(default=None, max_length=100, description="Chosen by the caller, or generated")
    name: str = Field(min_length=1, max_length=300)
    kind: OrganizationKind
    authority_id: str = Field(min_length=1, max_length=100, description="Founding authority")
    enterprise_ids: list[str] = Field(min_length=1, max_length=50)
    decision_number: str = Field(min_length=1, max_length=100)
    founded_on: date
    official_members: int = Field(ge=0, le=100_000)


class OrganizationChange(Command):
    organization_id: str = Field(min_length=1, max_length=100)
    decision_number: str = Field(min_length=1, max_length=100)
    effective_from: date


class RenameOrganization(OrganizationChange):
    name: str = Field(min_length=1, max_length=300)


class UpgradeOrganization(OrganizationChange):
    official_members: int = Field(ge=0, le=100_000)


class TransferOrganization(OrganizationChange):
    authority_id: str = Field(min_length=1, max_length=100)


class DissolveOrganization(OrganizationChange):
    reason: str = Field(min_length=1, max_length=500)


class MergeOrganizations(Command):
    merged_ids: list[str] = Field(min_length=1, max_length=50, description="Organizations that cease to exist")
    successor_id: str = Field(min_length=1, max_length=100, description="Organization that takes them over")
    decision_number: str = Field(min_length=1, max_length=100)
    effective_from: date
    kind: OrganizationKind | None = Field(
        default=None, description="Successor's kind after the merger (default: as is)"
    )
    authority_id: str | None = Field(
        default=None, max_length=100, description="Successor's authority, required to merge across authorities"
    )
    official_members: int | None = Field(
        default=None,
        ge=0,
        le=100_000,
        description="Official members after the merger (default: the known counts summed)",
    )


class RateOrganization(Command):
    organization_id: str = Field(min_length=1, max_length=100)
    year: int = Field(ge=2000, le=2100)
    score: float = Field(ge=0, le=100)
    rated_on: date


class FoundMassOrganization(Command):
    mass_organization_id: str | None = Field(
        default=None, max_length=100, description="Chosen by the caller, or generated"
    )
    kind: MassOrganizationKind
    enterprise_id: str = Field(min_length=1, max_length=100)
    name: str = Field(min_length=1, max_length=300)
    founded_on: date
    members: int = Field(ge=0, le=1_000_000)
    chair: str | None = Field(default=None, max_length=200)


class MassOrganizationChange(Command):
    mass_organization_id: str = Field(min_length=1, max_length=100)


class CountMassMembers(MassOrganizationChange):
    members: int = Field(ge=0, le=1_000_000)
    counted_on: date


class ChangeMassChair(MassOrganizationChange):
    chair: str = Field(min_length=1, max_length=200)
    effective_from: date


class DissolveMassOrganization(MassOrganizationChange):
    reason: str = Field(min_length=1, max_length=500)
    effective_from: date


class AdoptRules(RulesAdoption):
    """An authority adopts registry rules (sizes, rating bands) for its subtree from a date."""

    values: RegistryRuleValues = Field(description="The rules it sets, e.g. {'min_founding_members': 5}")
