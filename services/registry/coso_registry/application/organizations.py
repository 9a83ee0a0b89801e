"""Use cases of party organizations: found, rename, upgrade, transfer, dissolve, and the size
check against the rules in force for the organization's authority."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from datetime import date
from typing import Any

from coso_backbone.contracts.registry import EnterpriseStatus, OrganizationKind, QualityLevel
from coso_registry.application.authorities import record
from coso_registry.application.commands import (
    DissolveOrganization,
    FoundOrganization,
    MergeOrganizations,
    OrganizationChange,
    RateOrganization,
    RenameOrganization,
    TransferOrganization,
    UpgradeOrganization,
)
from coso_registry.application.ports import MemberCounts, RegistryQueries, RegistryUnitOfWork
from coso_registry.domain.errors import (
    EnterpriseAlreadyCovered,
    EnterpriseNotOperating,
    InvalidOrganization,
    UnknownAuthority,
    UnknownEnterprise,
    UnknownOrganization,
)
from coso_registry.domain.organization import Organization, stream_of_organization
from coso_registry.domain.rating import RatingRules, RatingSummary
from coso_registry.domain.rule_book import RatingRuleSource, SizeRuleSource
from coso_registry.domain.size_rules import SizeRule


class UnknownMemberCounts:
    """The member-count port until admissions publishes member events: nobody knows yet."""

    def official_members(self, organization_id: str, on: date) -> int | None:
        return None


def chain_of(uow: RegistryUnitOfWork, authority_id: str, on: date) -> list[str]:
    """The authority and its superiors on a day, nearest first."""
    chain: list[str] = []
    current: str | None = authority_id
    while current is not None and current not in chain:
        node = uow.authority_on(current, on)
        if node is None:
            break
        chain.append(current)
        current = node.parent_id
    return chain


class Organizations:
    def __init__(
        self,
        unit_of_work: Callable[[], RegistryUnitOfWork],
        queries: RegistryQueries,
        rules: SizeRuleSource,
        members: MemberCounts,
        rating_rules: RatingRuleSource | None = None,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._queries = queries
        self._rules = rules
        self._members = members
        self._rating_rules: RatingRuleSource = rating_rules or RatingRules()

    def _rule(self, uow: RegistryUnitOfWork, authority_id: str, on: date) -> SizeRule:
        return self._rules.for_authority(chain_of(uow, authority_id, on), on)

    def found(self, command: FoundOrganization) -> dict[str, Any]:
        organization_id = command.organization_id or str(uuid.uuid4())
        with self._unit_of_work() as uow:
            if uow.authority_on(command.authority_id, command.founded_on) is None:
                raise UnknownAuthority(
                    f"authority {command.authority_id} does not exist on {command.founded_on.isoformat()}",
                    field="authority_id",
                    rule="exists on the founding date",
                )
            for enterprise_id in command.enterprise_ids:
                enterprise = uow.enterprise(enterprise_id)
                if enterprise is None:
                    raise UnknownEnterprise(
                        f"enterprise {enterprise_id} is not registered", field="enterprise_ids", rule="exists"
                    )
                if enterprise.status is EnterpriseStatus.CLOSED:
                    raise EnterpriseNotOperating(
                        f"enterprise {enterprise_id} is closed", field="enterprise_ids", rule="not closed"
                    )
            covered = uow.organizations_covering(command.enterprise_ids)
            if covered:
                enterprise_id, existing = next(iter(covered.items()))
                raise EnterpriseAlreadyCovered(
                    f"enterprise {enterprise_id} already has party organization {existing}",
                    field="enterprise_ids",
                    rule="one active organization per enterprise",
                )
            organization = Organization.found(
                organization_id,
                command.name,
                command.kind,
                command.authority_id,
                command.enterprise_ids,
                command.decision_number,
                command.founded_on,
                command.official_members,
                self._rule(uow, command.authority_id, command.founded_on),
            )
            record(uow, [(stream_of_organization(organization_id), 0, organization.pending, command.authority_id)])
            uow.commit()
        return {"organization_id": organization_id, "version": 1}

    def _change(
        self,
        command: OrganizationChange | RateOrganization,
        change: Callable[[RegistryUnitOfWork, Organization], None],
    ) -> dict[str, Any]:
        with self._unit_of_work() as uow:
            organization = uow.organization(command.organization_id)
            if organization is None:
                raise UnknownOrganization(
                    f"organization {command.organization_id} is not registered", field="organization_id", rule="exists"
                )
            loaded = organization.version
            change(uow, organization)
            stream = stream_of_organization(organization.organization_id)
            record(uow, [(stream, loaded, organization.pending, organization.authority_id)])
            uow.commit()
        return {"organization_id": organization.organization_id, "version": loaded + len(organization.pending)}

    def rename(self, command: RenameOrganization) -> dict[str, Any]:
        return self._change(
            command, lambda uow, o: o.rename(command.name, command.decision_number, command.effective_from)
        )

    def upgrade(self, command: UpgradeOrganization) -> dict[str, Any]:
        def change(uow: RegistryUnitOfWork, organization: Organization) -> None:
            rule = self._rule(uow, organization.authority_id, command.effective_from)
            organization.upgrade(command.official_members, command.decision_number, command.effective_from, rule)

        return self._change(command, change)

    def transfer(self, command: TransferOrganization) -> dict[str, Any]:
        def change(uow: RegistryUnitOfWork, organization: Organization) -> None:
            if uow.authority_on(command.authority_id, command.effective_from) is None:
                raise UnknownAuthority(
                    f"authority {command.authority_id} does not exist on {command.effective_from.isoformat()}",
                    field="authority_id",
                    rule="exists on the effective date",
                )
            organization.transfer(command.authority_id, command.decision_number, command.effective_from)

        return self._change(command, change)

    def dissolve(self, command: DissolveOrganization) -> dict[str, Any]:
        return self._change(
            command, lambda uow, o: o.dissolve(command.reason, command.decision_number, command.effective_from)
        )

    def merge(self, command: MergeOrganizations) -> dict[str, Any]:
        """Several organizations into one; their member counts follow into the successor."""
        with self._unit_of_work() as uow:
            successor = self._load(uow, command.successor_id, "successor_id")
            merged = [self._load(uow, m, "merged_ids") for m in dict.fromkeys(command.merged_ids)]
            if len(merged) != len(command.merged_ids):
                raise InvalidOrganization("an organization is named twice", field="merged_ids", rule="distinct")
            authority_id = command.authority_id or successor.authority_id
            if command.authority_id is not None and uow.authority_on(authority_id, command.effective_from) is None:
                raise UnknownAuthority(
                    f"authority {authority_id} does not exist on {command.effective_from.isoformat()}",
                    field="authority_id",
                    rule="exists on the effective date",
                )
            members = command.official_members
            if members is None:
                counts = [
                    self._members.official_members(o.organization_id, command.effective_from)
                    for o in [successor, *merged]
                ]
                members = None if any(c is None for c in counts) else sum(c or 0 for c in counts)
            loaded = {o.organization_id: o.version for o in [successor, *merged]}
            successor.absorb(
                merged,
                command.decision_number,
                command.effective_from,
                self._rule(uow, authority_id, command.effective_from),
                command.kind,
                command.authority_id,
                members,
            )
            record(
                uow,
                [
                    (stream_of_organization(o.organization_id), loaded[o.organization_id], o.pending, o.authority_id)
                    for o in [successor, *merged]
                ],
            )
            uow.commit()
        return {
            "organization_id": successor.organization_id,
            "merged_ids": [o.organization_id for o in merged],
            "official_members": members,
            "version": loaded[successor.organization_id] + len(successor.pending),
        }

    @staticmethod
    def _load(uow: RegistryUnitOfWork, organization_id: str, field: str) -> Organization:
        organization = uow.organization(organization_id)
        if organization is None:
            raise UnknownOrganization(f"organization {organization_id} is not registered", field=field, rule="exists")
        return organization

    def rate(self, command: RateOrganization) -> dict[str, Any]:
        def change(uow: RegistryUnitOfWork, organization: Organization) -> None:
            year_end = date(command.year, 12, 31)
            rule = self._rating_rules.for_authority(chain_of(uow, organization.authority_id, year_end), year_end)
            organization.rate(command.year, command.score, command.rated_on, rule)

        return self._change(command, change)

    def rating_summary(self, authority_id: str, year: int) -> dict[str, Any]:
        """Levels given under an authority (its subtree at the year's end) and the excellent cap."""
        year_end = date(year, 12, 31)
        subtree = self._queries.subtree_on(authority_id, year_end)
        if not subtree:
            raise UnknownAuthority(
                f"authority {authority_id} did not exist at the end of {year}", field="authority_id", rule="exists"
            )
        with self._unit_of_work() as uow:
            rule = self._rating_rules.for_authority(chain_of(uow, authority_id, year_end), year_end)
        counts = self._queries.rating_levels([n.authority_id for n in subtree], year)
        summary = RatingSummary({QualityLevel(level): count for level, count in counts.items()}, rule)
        return {
            "authority_id": authority_id,
            "year": year,
            "rated": summary.rated,
            "levels": {level.value: summary.counts.get(level, 0) for level in QualityLevel},
            "excellent_share": round(summary.excellent_share, 4),
            "excellent_cap": rule.excellent_cap,
            "rule": rule.describe(),
            "findings": summary.findings(),
        }

    # --- queries --------------------------------------------------------------------
    def organization(self, organization_id: str) -> dict[str, Any]:
        found = self._queries.organization(organization_id)
        if found is None:
            raise UnknownOrganization(
                f"organization {organization_id} is not registered", field="organization_id", rule="exists"
            )
        return found

    def listing(self, within: Collection[str] | None = None, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        return self._queries.organizations(within, min(max(limit, 1), 1000), max(offset, 0))

    def size_check(self, organization_id: str, on: date) -> dict[str, Any]:
        """The organization's size against the rules in force: findings, never silent."""
        found = self.organization(organization_id)
        with self._unit_of_work() as uow:
            rule = self._rule(uow, found["authority_id"], on)
        members = self._members.official_members(organization_id, on)
        findings: list[str] = []
        if members is None:
            findings.append("official member count unknown until admissions publishes member events")
        elif found["dissolved_on"] is None:
            if members < rule.min_founding_members:
                findings.append(
                    f"{members} official members, fewer than the {rule.min_founding_members} an organization needs"
                )
            kind = OrganizationKind(found["kind"])
            if kind is OrganizationKind.GRASSROOTS_COMMITTEE and members < rule.min_committee_members:
                findings.append(
                    f"a grassroots committee with {members} official members, fewer than {rule.min_committee_members}"
                )
            if kind is OrganizationKind.GRASSROOTS_CELL and members >= rule.min_committee_members:
                findings.append(f"{members} official members: may become a grassroots committee")
        return {
            "organization_id": organization_id,
            "on": on.isoformat(),
            "official_members": members,
            "rule": {
                "source": rule.describe(),
                "min_founding_members": rule.min_founding_members,
                "min_committee_members": rule.min_committee_members,
            },
            "findings": findings,
        }
