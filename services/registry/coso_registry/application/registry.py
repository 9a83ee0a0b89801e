"""The registry's enterprise use cases: each command checks its rules, then records events."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from datetime import date
from typing import Any

from coso_backbone.contracts.registry import AuthorityLevel
from coso_registry.application.authorities import Authorities, record
from coso_registry.application.commands import (
    CloseEnterprise,
    CountWorkforce,
    EnterpriseChange,
    MoveEnterprise,
    RegisterAuthority,
    RegisterEnterprise,
    ResumeEnterprise,
    SuspendEnterprise,
    UpdateEnterprise,
)
from coso_registry.application.ports import RegistryQueries, RegistryUnitOfWork
from coso_registry.domain.enterprise import Enterprise, stream_of_enterprise
from coso_registry.domain.errors import (
    EnterpriseAlreadyRegistered,
    InvalidEnterprise,
    StaleVersion,
    UnknownAuthority,
    UnknownEnterprise,
)
from coso_registry.domain.tax_code import TaxCode


def check_industrial_zone(uow: RegistryUnitOfWork, zone_id: str | None, day: date) -> None:
    if zone_id is None:
        return
    zone = uow.authority_on(zone_id, day)
    if zone is None:
        raise UnknownAuthority(
            f"industrial zone {zone_id} does not exist on {day.isoformat()}",
            field="industrial_zone_id",
            rule="exists on the effective date",
        )
    if zone.level is not AuthorityLevel.INDUSTRIAL_ZONE:
        raise InvalidEnterprise(
            f"authority {zone_id} is a {zone.level.value}, not an industrial zone",
            field="industrial_zone_id",
            rule="level industrial_zone",
        )


class Registry:
    def __init__(self, unit_of_work: Callable[[], RegistryUnitOfWork], queries: RegistryQueries) -> None:
        self._unit_of_work = unit_of_work
        self._queries = queries
        self._authorities = Authorities(unit_of_work, queries)

    def register_authority(self, command: RegisterAuthority) -> dict[str, Any]:
        return self._authorities.register(command)

    def register_enterprise(self, command: RegisterEnterprise) -> dict[str, Any]:
        tax_code = TaxCode.parse(command.tax_code)
        enterprise_id = command.enterprise_id or str(uuid.uuid4())
        with self._unit_of_work() as uow:
            if not uow.authority_exists(command.authority_id):
                raise UnknownAuthority(
                    f"authority {command.authority_id} is not registered", field="authority_id", rule="exists"
                )
            existing = uow.enterprises_by_tax_code([str(tax_code)]).get(str(tax_code))
            if existing is not None:
                raise EnterpriseAlreadyRegistered(str(tax_code), existing["enterprise_id"], existing["name"])
            check_industrial_zone(uow, command.industrial_zone_id, command.registered_on)
            enterprise = Enterprise.register(
                enterprise_id,
                tax_code,
                command.name,
                command.authority_id,
                command.ownership,
                command.worker_count,
                command.registered_on,
                sector=command.sector,
                address=command.address,
                industrial_zone_id=command.industrial_zone_id,
                director=command.director,
            )
            record(uow, [(stream_of_enterprise(enterprise_id), 0, enterprise.pending, command.authority_id)])
            uow.commit()
        return {"enterprise_id": enterprise_id, "tax_code": str(tax_code), "version": 1}

    # --- changes ----------------------------------------------------------------------
    def _change(
        self, command: EnterpriseChange, change: Callable[[RegistryUnitOfWork, Enterprise], None]
    ) -> dict[str, Any]:
        with self._unit_of_work() as uow:
            enterprise = uow.enterprise(command.enterprise_id)
            if enterprise is None:
                raise UnknownEnterprise(
                    f"enterprise {command.enterprise_id} is not registered", field="enterprise_id", rule="exists"
                )
            if command.expected_version is not None and command.expected_version != enterprise.version:
                raise StaleVersion(
                    f"enterprise {command.enterprise_id} is at version {enterprise.version}, "
                    f"not {command.expected_version}; reload and retry",
                    field="expected_version",
                    rule="matches the current version",
                )
            loaded = enterprise.version
            change(uow, enterprise)
            if enterprise.pending:
                record(
                    uow,
                    [
                        (
                            stream_of_enterprise(enterprise.enterprise_id),
                            loaded,
                            enterprise.pending,
                            enterprise.authority_id,
                        )
                    ],
                )
                uow.commit()
        return {
            "enterprise_id": enterprise.enterprise_id,
            "version": loaded + len(enterprise.pending),
            "status": enterprise.status.value,
        }

    def update_enterprise(self, command: UpdateEnterprise) -> dict[str, Any]:
        def change(uow: RegistryUnitOfWork, enterprise: Enterprise) -> None:
            if not enterprise.update(
                command.effective_from,
                name=command.name,
                ownership=command.ownership,
                sector=command.sector,
                address=command.address,
                director=command.director,
            ):
                raise InvalidEnterprise(
                    f"enterprise {enterprise.enterprise_id}: nothing to change",
                    field="name",
                    rule="at least one change",
                )

        return self._change(command, change)

    def move_enterprise(self, command: MoveEnterprise) -> dict[str, Any]:
        def change(uow: RegistryUnitOfWork, enterprise: Enterprise) -> None:
            if uow.authority_on(command.authority_id, command.effective_from) is None:
                raise UnknownAuthority(
                    f"authority {command.authority_id} does not exist on {command.effective_from.isoformat()}",
                    field="authority_id",
                    rule="exists on the effective date",
                )
            check_industrial_zone(uow, command.industrial_zone_id, command.effective_from)
            enterprise.move(command.authority_id, command.industrial_zone_id, command.effective_from)

        return self._change(command, change)

    def suspend_enterprise(self, command: SuspendEnterprise) -> dict[str, Any]:
        return self._change(command, lambda uow, e: e.suspend(command.reason, command.effective_from))

    def resume_enterprise(self, command: ResumeEnterprise) -> dict[str, Any]:
        return self._change(command, lambda uow, e: e.resume(command.effective_from))

    def close_enterprise(self, command: CloseEnterprise) -> dict[str, Any]:
        return self._change(command, lambda uow, e: e.close(command.reason, command.effective_from))

    def count_workforce(self, command: CountWorkforce) -> dict[str, Any]:
        return self._change(command, lambda uow, e: e.count_workforce(command.worker_count, command.counted_on))

    # --- queries ----------------------------------------------------------------------
    def enterprise(self, enterprise_id: str) -> dict[str, Any]:
        found = self._queries.enterprise(enterprise_id)
        if found is None:
            raise UnknownEnterprise(f"enterprise {enterprise_id} is not registered", field="enterprise_id")
        return found

    def enterprises(
        self,
        authority_id: str | None = None,
        limit: int = 100,
        offset: int = 0,
        within: Collection[str] | None = None,
    ) -> list[dict[str, Any]]:
        return self._queries.enterprises(authority_id, min(max(limit, 1), 1000), max(offset, 0), within)

    def authorities(self) -> list[dict[str, Any]]:
        return self._queries.authorities()
