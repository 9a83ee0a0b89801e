"""The registry's use cases as the outside world calls them: each checks the caller's grants
first (viewer to see, editor to change enterprises, administrator to change the hierarchy),
and lists are filtered to what the caller may see."""

from __future__ import annotations

from datetime import date
from typing import Any

from coso_backbone.rulesets.guarded import GuardedRules
from coso_registry.application.access import AccessControl
from coso_registry.application.authorities import Authorities
from coso_registry.application.commands import (
    DissolveAuthority,
    EnterpriseChange,
    FoundMassOrganization,
    FoundOrganization,
    MassOrganizationChange,
    MergeAuthorities,
    MergeOrganizations,
    MoveEnterprise,
    OrganizationChange,
    RateOrganization,
    RegisterAuthority,
    RegisterEnterprise,
    RenameAuthority,
    ReparentAuthority,
    SplitAuthority,
    TransferOrganization,
)
from coso_registry.application.mass_organizations import MassOrganizations
from coso_registry.application.organizations import Organizations
from coso_registry.application.registry import Registry
from coso_registry.application.rules import RegistryRuleSets
from coso_registry.domain.access import Principal, Role, require
from coso_registry.domain.hierarchy import Hierarchy, Node

ENTERPRISE_CHANGES = {
    "update": "update_enterprise",
    "move": "move_enterprise",
    "suspend": "suspend_enterprise",
    "resume": "resume_enterprise",
    "close": "close_enterprise",
    "workforce": "count_workforce",
}


class GuardedRegistry:
    def __init__(
        self,
        registry: Registry,
        authorities: Authorities,
        organizations: Organizations,
        access: AccessControl,
        mass_organizations: MassOrganizations,
        rules: RegistryRuleSets,
    ) -> None:
        self._rules = rules
        self._mass = mass_organizations
        self._registry = registry
        self._authorities = authorities
        self._organizations = organizations
        self.access = access

    # --- authorities --------------------------------------------------------------------
    def tree(self, principal: Principal, on: date, nested: bool) -> list[dict[str, Any]]:
        scope = self.access.scope(principal, Role.VIEWER, on)
        hierarchy = self._authorities.tree(on)
        if nested and scope.everywhere:
            return hierarchy.tree()
        visible = [hierarchy.nodes[a].as_dict() for a in sorted(hierarchy.nodes) if a in scope]
        if not nested:
            return visible
        # The caller's part of the tree: the top of each granted subtree becomes a root.
        roots = [n["authority_id"] for n in visible if n["parent_id"] not in scope]
        part = Hierarchy(on, (hierarchy.nodes[n["authority_id"]] for n in visible))
        trimmed = Hierarchy(
            on,
            (
                Node(n.authority_id, n.name, n.level, None if n.authority_id in roots else n.parent_id)
                for n in part.nodes.values()
            ),
        )
        return trimmed.tree()

    def authority(self, principal: Principal, authority_id: str) -> dict[str, Any]:
        self.access.require(principal, authority_id, Role.VIEWER)
        return self._authorities.authority(authority_id)

    def subtree(self, principal: Principal, authority_id: str, on: date) -> list[dict[str, Any]]:
        self.access.require(principal, authority_id, Role.VIEWER)
        return self._authorities.subtree(authority_id, on)

    def successors(self, principal: Principal, authority_id: str, on: date) -> dict[str, Any]:
        self.access.require(principal, authority_id, Role.VIEWER)
        return self._authorities.successors(authority_id, on)

    def register_authority(self, principal: Principal, command: RegisterAuthority) -> dict[str, Any]:
        self.access.require(principal, command.parent_id, Role.ADMINISTRATOR, "parent_id")
        return self._authorities.register(command)

    def rename_authority(self, principal: Principal, command: RenameAuthority) -> dict[str, Any]:
        self.access.require(principal, command.authority_id, Role.ADMINISTRATOR)
        return self._authorities.rename(command)

    def reparent_authority(self, principal: Principal, command: ReparentAuthority) -> dict[str, Any]:
        self.access.require(principal, command.authority_id, Role.ADMINISTRATOR)
        self.access.require(principal, command.parent_id, Role.ADMINISTRATOR, "parent_id")
        return self._authorities.reparent(command)

    def merge_authorities(self, principal: Principal, command: MergeAuthorities) -> dict[str, Any]:
        for merged_id in command.merged_ids:
            self.access.require(principal, merged_id, Role.ADMINISTRATOR, "merged_ids")
        self.access.require(principal, command.successor_id, Role.ADMINISTRATOR, "successor_id")
        return self._authorities.merge(command)

    def split_authority(self, principal: Principal, command: SplitAuthority) -> dict[str, Any]:
        self.access.require(principal, command.authority_id, Role.ADMINISTRATOR)
        for successor_id in command.successor_ids:
            self.access.require(principal, successor_id, Role.ADMINISTRATOR, "successor_ids")
        return self._authorities.split(command)

    def dissolve_authority(self, principal: Principal, command: DissolveAuthority) -> dict[str, Any]:
        self.access.require(principal, command.authority_id, Role.ADMINISTRATOR)
        if command.successor_id is not None:
            self.access.require(principal, command.successor_id, Role.ADMINISTRATOR, "successor_id")
        return self._authorities.dissolve(command)

    # --- enterprises --------------------------------------------------------------------
    def register_enterprise(self, principal: Principal, command: RegisterEnterprise) -> dict[str, Any]:
        self.access.require(principal, command.authority_id, Role.EDITOR)
        return self._registry.register_enterprise(command)

    def change_enterprise(self, principal: Principal, action: str, command: EnterpriseChange) -> dict[str, Any]:
        current = self._registry.enterprise(command.enterprise_id)
        self.access.require(principal, current["authority_id"], Role.EDITOR, "enterprise_id")
        if isinstance(command, MoveEnterprise):
            self.access.require(principal, command.authority_id, Role.EDITOR)
        result: dict[str, Any] = getattr(self._registry, ENTERPRISE_CHANGES[action])(command)
        return result

    def enterprise(self, principal: Principal, enterprise_id: str) -> dict[str, Any]:
        found = self._registry.enterprise(enterprise_id)
        self.access.require(principal, found["authority_id"], Role.VIEWER, "enterprise_id")
        return found

    def enterprises(
        self, principal: Principal, authority_id: str | None, limit: int, offset: int
    ) -> list[dict[str, Any]]:
        scope = self.access.scope(principal, Role.VIEWER)
        if authority_id is not None:
            require(scope, authority_id, Role.VIEWER, principal.user)
        within = None if scope.everywhere else scope.authority_ids
        return self._registry.enterprises(authority_id, limit, offset, within)

    # --- party organizations ------------------------------------------------------------
    def found_organization(self, principal: Principal, command: FoundOrganization) -> dict[str, Any]:
        self.access.require(principal, command.authority_id, Role.EDITOR)
        return self._organizations.found(command)

    def change_organization(
        self, principal: Principal, action: str, command: OrganizationChange | RateOrganization
    ) -> dict[str, Any]:
        current = self._organizations.organization(command.organization_id)
        self.access.require(principal, current["authority_id"], Role.EDITOR, "organization_id")
        if isinstance(command, TransferOrganization):
            self.access.require(principal, command.authority_id, Role.EDITOR)
        result: dict[str, Any] = getattr(self._organizations, action)(command)
        return result

    def merge_organizations(self, principal: Principal, command: MergeOrganizations) -> dict[str, Any]:
        """Editor over the successor's authority, every merged one's, and the stated one."""
        successor = self._organizations.organization(command.successor_id)
        self.access.require(principal, successor["authority_id"], Role.EDITOR, "successor_id")
        for merged_id in command.merged_ids:
            merged = self._organizations.organization(merged_id)
            self.access.require(principal, merged["authority_id"], Role.EDITOR, "merged_ids")
        if command.authority_id is not None:
            self.access.require(principal, command.authority_id, Role.EDITOR)
        return self._organizations.merge(command)

    def organization(self, principal: Principal, organization_id: str) -> dict[str, Any]:
        found = self._organizations.organization(organization_id)
        self.access.require(principal, found["authority_id"], Role.VIEWER, "organization_id")
        return found

    def organization_size(self, principal: Principal, organization_id: str, on: date) -> dict[str, Any]:
        self.organization(principal, organization_id)
        return self._organizations.size_check(organization_id, on)

    def organizations(self, principal: Principal, limit: int, offset: int) -> list[dict[str, Any]]:
        scope = self.access.scope(principal, Role.VIEWER)
        return self._organizations.listing(None if scope.everywhere else scope.authority_ids, limit, offset)

    def rating_summary(self, principal: Principal, authority_id: str, year: int) -> dict[str, Any]:
        self.access.require(principal, authority_id, Role.VIEWER)
        return self._organizations.rating_summary(authority_id, year)

    # --- rules ----------------------------------------------------------------------------
    def rules_for(self, principal: Principal) -> GuardedRules:
        """Rules adopted by an editor over the authority, asked by a viewer."""
        return GuardedRules(self._rules, self.access, principal, editor=Role.EDITOR, viewer=Role.VIEWER)

    # --- mass organizations -------------------------------------------------------------
    def found_mass_organization(self, principal: Principal, command: FoundMassOrganization) -> dict[str, Any]:
        enterprise = self._registry.enterprise(command.enterprise_id)
        self.access.require(principal, enterprise["authority_id"], Role.EDITOR, "enterprise_id")
        return self._mass.found(command)

    def change_mass_organization(
        self, principal: Principal, action: str, command: MassOrganizationChange
    ) -> dict[str, Any]:
        current = self._mass.mass_organization(command.mass_organization_id)
        self.access.require(principal, current["authority_id"], Role.EDITOR, "mass_organization_id")
        result: dict[str, Any] = getattr(self._mass, action)(command)
        return result

    def mass_organization(self, principal: Principal, mass_organization_id: str) -> dict[str, Any]:
        found = self._mass.mass_organization(mass_organization_id)
        self.access.require(principal, found["authority_id"], Role.VIEWER, "mass_organization_id")
        return found

    def mass_organizations_of(self, principal: Principal, enterprise_id: str) -> list[dict[str, Any]]:
        self.enterprise(principal, enterprise_id)
        return self._mass.of_enterprise(enterprise_id)
