"""SQL adapters: the registry's unit of work and its queries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select

from coso_backbone.contracts import EventContract
from coso_backbone.contracts.registry import AuthorityRegistered, EnterpriseRegistered
from coso_backbone.eventstore import EventStore
from coso_backbone.unit_of_work import SqlUnitOfWork, row
from coso_registry.adapters.tables import authorities, enterprises


class SqlRegistryUnitOfWork(SqlUnitOfWork):
    service = "registry"

    def authority_exists(self, authority_id: str) -> bool:
        query = select(authorities.c.authority_id).where(authorities.c.authority_id == authority_id)
        return self.connection.execute(query).first() is not None

    def enterprise_by_tax_code(self, tax_code: str) -> str | None:
        query = select(enterprises.c.enterprise_id).where(enterprises.c.tax_code == tax_code)
        return self.connection.scalar(query)

    def apply(self, event: EventContract) -> None:
        if isinstance(event, AuthorityRegistered):
            self.connection.execute(insert(authorities).values(**event.model_dump()))
        elif isinstance(event, EnterpriseRegistered):
            self.connection.execute(insert(enterprises).values(**event.model_dump()))


class SqlRegistryQueries:
    def __init__(self, store: EventStore) -> None:
        self._engine = store.engine

    def enterprise(self, enterprise_id: str) -> dict[str, Any] | None:
        with self._engine.connect() as connection:
            found = connection.execute(select(enterprises).where(enterprises.c.enterprise_id == enterprise_id)).first()
        return row(found._mapping) if found else None

    def enterprises(self, authority_id: str | None, limit: int, offset: int) -> list[dict[str, Any]]:
        query = select(enterprises).order_by(enterprises.c.tax_code).limit(limit).offset(offset)
        if authority_id is not None:
            query = query.where(enterprises.c.authority_id == authority_id)
        with self._engine.connect() as connection:
            return [row(r._mapping) for r in connection.execute(query)]

    def authorities(self) -> list[dict[str, Any]]:
        with self._engine.connect() as connection:
            return [
                row(r._mapping) for r in connection.execute(select(authorities).order_by(authorities.c.authority_id))
            ]
