"""SQL adapter of access control: tokens, grants, and the authorities a grant covers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select

from coso_backbone.access_store import SqlAccessStore as BaseAccessStore
from coso_backbone.eventstore import EventStore
from coso_registry.adapters.sql import subtree_on
from coso_registry.adapters.tables import api_tokens, authority_successions, grants


class SqlAccessStore(BaseAccessStore):
    """Tokens and grants (`registry_api_tokens`, `registry_grants`), and what a grant covers."""

    def __init__(self, store: EventStore) -> None:
        super().__init__(store.engine, api_tokens, grants)

    def covered_by(self, roots: Sequence[str], on: date) -> set[str]:
        with self._engine.connect() as connection:
            covered = {node.authority_id for root in roots for node in subtree_on(connection, root, on)}
            frontier = set(covered)
            while frontier:
                rows = connection.execute(
                    select(authority_successions.c.predecessor_id).where(
                        authority_successions.c.successor_id.in_(frontier), authority_successions.c.effective_from <= on
                    )
                )
                frontier = {r.predecessor_id for r in rows} - covered
                covered |= frontier
        return covered
