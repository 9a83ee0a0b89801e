"""Use cases of mass organizations in enterprises: found, count members, change chair, dissolve."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from coso_backbone.contracts.registry import EnterpriseStatus
from coso_registry.application.authorities import record
from coso_registry.application.commands import (
    ChangeMassChair,
    CountMassMembers,
    DissolveMassOrganization,
    FoundMassOrganization,
    MassOrganizationChange,
)
from coso_registry.application.ports import RegistryQueries, RegistryUnitOfWork
from coso_registry.domain.errors import (
    EnterpriseAlreadyCovered,
    EnterpriseNotOperating,
    UnknownEnterprise,
    UnknownOrganization,
)
from coso_registry.domain.mass_organization import MassOrganization, stream_of_mass_organization


class MassOrganizations:
    def __init__(self, unit_of_work: Callable[[], RegistryUnitOfWork], queries: RegistryQueries) -> None:
        self._unit_of_work = unit_of_work
        self._queries = queries

    def found(self, command: FoundMassOrganization) -> dict[str, Any]:
        mass_organization_id = command.mass_organization_id or str(uuid.uuid4())
        with self._unit_of_work() as uow:
            enterprise = uow.enterprise(command.enterprise_id)
            if enterprise is None:
                raise UnknownEnterprise(
                    f"enterprise {command.enterprise_id} is not registered", field="enterprise_id", rule="exists"
                )
            if enterprise.status is EnterpriseStatus.CLOSED:
                raise EnterpriseNotOperating(
                    f"enterprise {command.enterprise_id} is closed", field="enterprise_id", rule="not closed"
                )
            existing = uow.active_mass_organization(command.enterprise_id, command.kind.value)
            if existing is not None:
                raise EnterpriseAlreadyCovered(
                    f"enterprise {command.enterprise_id} already has a {command.kind.value}: {existing}",
                    field="kind",
                    rule="one active organization of each kind per enterprise",
                )
            organization = MassOrganization.found(
                mass_organization_id,
                command.kind,
                command.enterprise_id,
                enterprise.authority_id,
                command.name,
                command.founded_on,
                command.members,
                command.chair,
            )
            stream = stream_of_mass_organization(mass_organization_id)
            record(uow, [(stream, 0, organization.pending, enterprise.authority_id)])
            uow.commit()
        return {"mass_organization_id": mass_organization_id, "version": 1}

    def _change(self, command: MassOrganizationChange, change: Callable[[MassOrganization], None]) -> dict[str, Any]:
        with self._unit_of_work() as uow:
            organization = uow.mass_organization(command.mass_organization_id)
            if organization is None:
                raise UnknownOrganization(
                    f"mass organization {command.mass_organization_id} is not registered",
                    field="mass_organization_id",
                    rule="exists",
                )
            loaded = organization.version
            change(organization)
            stream = stream_of_mass_organization(organization.mass_organization_id)
            record(uow, [(stream, loaded, organization.pending, organization.authority_id)])
            uow.commit()
        return {
            "mass_organization_id": organization.mass_organization_id,
            "version": loaded + len(organization.pending),
        }

    def count_members(self, command: CountMassMembers) -> dict[str, Any]:
        return self._change(command, lambda o: o.count_members(command.members, command.counted_on))

    def change_chair(self, command: ChangeMassChair) -> dict[str, Any]:
        return self._change(command, lambda o: o.change_chair(command.chair, command.effective_from))

    def dissolve(self, command: DissolveMassOrganization) -> dict[str, Any]:
        return self._change(command, lambda o: o.dissolve(command.reason, command.effective_from))

    def mass_organization(self, mass_organization_id: str) -> dict[str, Any]:
        found = self._queries.mass_organization(mass_organization_id)
        if found is None:
            raise UnknownOrganization(
                f"mass organization {mass_organization_id} is not registered",
                field="mass_organization_id",
                rule="exists",
            )
        return found

    def of_enterprise(self, enterprise_id: str) -> list[dict[str, Any]]:
        return self._queries.mass_organizations(enterprise_id)
