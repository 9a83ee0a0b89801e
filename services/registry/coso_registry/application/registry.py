"""The registry's use cases: each command checks its rules, then records events."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from coso_registry.application.commands import RegisterAuthority, RegisterEnterprise
from coso_registry.application.ports import RegistryQueries, RegistryUnitOfWork
from coso_registry.domain.authority import Authority, stream_of_authority
from coso_registry.domain.enterprise import Enterprise, stream_of_enterprise
from coso_registry.domain.errors import (
    AuthorityAlreadyRegistered,
    EnterpriseAlreadyRegistered,
    UnknownAuthority,
    UnknownEnterprise,
)
from coso_registry.domain.tax_code import TaxCode


class Registry:
    def __init__(self, unit_of_work: Callable[[], RegistryUnitOfWork], queries: RegistryQueries) -> None:
        self._unit_of_work = unit_of_work
        self._queries = queries

    def register_authority(self, command: RegisterAuthority) -> dict[str, Any]:
        with self._unit_of_work() as uow:
            if uow.authority_exists(command.authority_id):
                raise AuthorityAlreadyRegistered(
                    f"authority {command.authority_id} is already registered", field="authority_id", rule="unique"
                )
            if command.parent_id is not None and not uow.authority_exists(command.parent_id):
                raise UnknownAuthority(
                    f"superior authority {command.parent_id} is not registered", field="parent_id", rule="exists"
                )
            authority = Authority.register(
                command.authority_id, command.name, command.level, command.parent_id, command.effective_from
            )
            uow.record(stream_of_authority(authority.authority_id), 0, authority.pending, authority.authority_id)
            uow.commit()
        return {"authority_id": authority.authority_id}

    def register_enterprise(self, command: RegisterEnterprise) -> dict[str, Any]:
        tax_code = TaxCode.parse(command.tax_code)
        enterprise_id = command.enterprise_id or str(uuid.uuid4())
        with self._unit_of_work() as uow:
            if not uow.authority_exists(command.authority_id):
                raise UnknownAuthority(
                    f"authority {command.authority_id} is not registered", field="authority_id", rule="exists"
                )
            existing = uow.enterprise_by_tax_code(str(tax_code))
            if existing is not None:
                raise EnterpriseAlreadyRegistered(str(tax_code), existing)
            enterprise = Enterprise.register(
                enterprise_id,
                tax_code,
                command.name,
                command.authority_id,
                command.ownership,
                command.worker_count,
                command.registered_on,
            )
            uow.record(stream_of_enterprise(enterprise_id), 0, enterprise.pending, command.authority_id)
            uow.commit()
        return {"enterprise_id": enterprise_id, "tax_code": str(tax_code)}

    def enterprise(self, enterprise_id: str) -> dict[str, Any]:
        found = self._queries.enterprise(enterprise_id)
        if found is None:
            raise UnknownEnterprise(f"enterprise {enterprise_id} is not registered", field="enterprise_id")
        return found

    def enterprises(self, authority_id: str | None = None, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        return self._queries.enterprises(authority_id, min(max(limit, 1), 1000), max(offset, 0))

    def authorities(self) -> list[dict[str, Any]]:
        return self._queries.authorities()
