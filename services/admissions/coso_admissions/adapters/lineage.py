"""An authority's lineage (itself, then its superiors) from the registry's events as admissions
keeps them (`admissions_registry_authorities.parent_id`): which rule sets cover it."""

from __future__ import annotations

from sqlalchemy import select

from coso_admissions.adapters.tables import registry_authorities
from coso_backbone.eventstore import EventStore

_DEEPEST = 50  # a hierarchy is a handful of levels; a loop in bad data stops here


class SqlAuthorityLineage:
    def __init__(self, store: EventStore) -> None:
        self._engine = store.engine

    def lineage(self, authority_id: str) -> list[str]:
        chain = [authority_id]
        t = registry_authorities.c
        with self._engine.connect() as connection:
            while len(chain) < _DEEPEST:
                parent = connection.scalar(select(t.parent_id).where(t.authority_id == chain[-1]))
                if parent is None or parent in chain:
                    break
                chain.append(parent)
        return chain
