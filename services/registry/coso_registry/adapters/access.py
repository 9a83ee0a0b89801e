"""SQL adapter of access control: tokens, grants, and the authorities a grant covers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import insert, select

from coso_backbone.eventstore import EventStore
from coso_registry.adapters.sql import subtree_on
from coso_registry.adapters.tables import api_tokens, authority_successions, grants
from coso_registry.domain.access import Grant, Principal, Role


class SqlAccessStore:
    def __init__(self, store: EventStore) -> None:
        self._engine = store.engine

    def principal_for_token(self, token_hash: str) -> Principal | None:
        with self._engine.connect() as connection:
            user = connection.scalar(select(api_tokens.c.user_name).where(api_tokens.c.token_hash == token_hash))
            if user is None:
                return None
            rows = connection.execute(select(grants.c.authority_id, grants.c.role).where(grants.c.user_name == user))
            return Principal(user, tuple(Grant(r.authority_id, Role(r.role)) for r in rows))

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

    def add_token(self, user: str, token_hash: str, new_grants: Sequence[Grant]) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                insert(api_tokens).values(token_hash=token_hash, user_name=user, created_at=date.today())
            )
            held = {
                (r.authority_id, r.role)
                for r in connection.execute(
                    select(grants.c.authority_id, grants.c.role).where(grants.c.user_name == user)
                )
            }
            for grant in new_grants:
                if (grant.authority_id, grant.role.value) not in held:
                    connection.execute(
                        insert(grants).values(user_name=user, authority_id=grant.authority_id, role=grant.role.value)
                    )
