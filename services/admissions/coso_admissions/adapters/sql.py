"""SQL adapters: the admissions unit of work and the candidate queries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, insert, literal, select, union

from coso_admissions.adapters.tables import candidates, registry_authorities, registry_enterprises
from coso_admissions.domain.candidate import Stage
from coso_admissions.domain.enterprise import EnterpriseOnRecord
from coso_backbone.contracts import EventContract
from coso_backbone.contracts.admissions import CandidateProposed
from coso_backbone.eventstore import EventStore
from coso_backbone.unit_of_work import SqlUnitOfWork, row


class SqlAdmissionsUnitOfWork(SqlUnitOfWork):
    service = "admissions"

    def known_enterprise(self, enterprise_id: str) -> EnterpriseOnRecord | None:
        query = select(registry_enterprises).where(registry_enterprises.c.enterprise_id == enterprise_id)
        found = self.connection.execute(query).first()
        if found is None:
            return None
        m = found._mapping
        return EnterpriseOnRecord(m["enterprise_id"], m["authority_id"], m["tax_code"], m["name"])

    def apply(self, event: EventContract) -> None:
        if isinstance(event, CandidateProposed):
            self.connection.execute(
                insert(candidates).values(**event.model_dump(), stage=Stage.PROPOSED.value, version=1)
            )


_CANDIDATE_VIEW = (
    select(
        candidates,
        registry_enterprises.c.name.label("enterprise_name"),
        registry_enterprises.c.tax_code.label("enterprise_tax_code"),
    )
    .select_from(candidates)
    .outerjoin(registry_enterprises, registry_enterprises.c.enterprise_id == candidates.c.enterprise_id)
)


class SqlCandidateQueries:
    def __init__(self, store: EventStore) -> None:
        self._engine = store.engine

    def candidate(self, candidate_id: str) -> dict[str, Any] | None:
        with self._engine.connect() as connection:
            found = connection.execute(_CANDIDATE_VIEW.where(candidates.c.candidate_id == candidate_id)).first()
        return row(found._mapping) if found else None

    def candidates_of_authority(self, authority_id: str, limit: int, offset: int) -> list[dict[str, Any]]:
        query = (
            _CANDIDATE_VIEW.where(candidates.c.authority_id == authority_id)
            .order_by(candidates.c.proposed_on.desc(), candidates.c.candidate_id)
            .limit(limit)
            .offset(offset)
        )
        with self._engine.connect() as connection:
            return [row(r._mapping) for r in connection.execute(query)]

    def authority_known(self, authority_id: str) -> bool:
        named = union(
            select(literal(1)).where(registry_authorities.c.authority_id == authority_id),
            select(literal(1)).where(registry_enterprises.c.authority_id == authority_id),
            select(literal(1)).where(candidates.c.authority_id == authority_id),
        )
        with self._engine.connect() as connection:
            return bool(connection.scalar(select(exists(named))))
