"""SQL adapter of access control: tokens, grants, and the authorities a grant covers.

The subtree is today's hierarchy as admissions learnt it from the registry's events
(`admissions_registry_authorities.parent_id`), plus every authority merged, split or
dissolved into a covered one (`admissions_authority_successions`), with its own subtree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import insert, select

from coso_admissions.adapters.tables import api_tokens, authority_successions, grants, registry_authorities
from coso_admissions.domain.access import Grant, Principal, Role
from coso_backbone.eventstore import EventStore


class SqlAccessStore:
    def __init__(self, store: EventStore) -> None:
        self._engine = store.engine

    def principal_for_token(self, token_hash: str) -> Principal | None:
        with self._engine.connect() as connection:
            user = connection.scalar(select(api_tokens.c.user_name).where(api_tokens.c.token_hash == token_hash))
            if user is None:
                return None
            rows = connection.execute(
                select(grants.c.authority_id, grants.c.role, grants.c.personal_data).where(grants.c.user_name == user)
            )
            return Principal(user, tuple(Grant(r.authority_id, Role(r.role), bool(r.personal_data)) for r in rows))

    def covered_by(self, roots: Sequence[str], on: date) -> set[str]:
        with self._engine.connect() as connection:
            children: dict[str, list[str]] = defaultdict(list)
            for r in connection.execute(select(registry_authorities.c.authority_id, registry_authorities.c.parent_id)):
                if r.parent_id is not None:
                    children[r.parent_id].append(r.authority_id)
            predecessors: dict[str, list[str]] = defaultdict(list)
            t = authority_successions
            for r in connection.execute(select(t.c.predecessor_id, t.c.successor_id).where(t.c.effective_from <= on)):
                predecessors[r.successor_id].append(r.predecessor_id)
        covered: set[str] = set()
        frontier = list(roots)
        while frontier:
            authority_id = frontier.pop()
            if authority_id in covered:
                continue
            covered.add(authority_id)
            frontier.extend(children.get(authority_id, ()))
            frontier.extend(predecessors.get(authority_id, ()))
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
                        insert(grants).values(
                            user_name=user,
                            authority_id=grant.authority_id,
                            role=grant.role.value,
                            personal_data=grant.personal_data,
                        )
                    )
