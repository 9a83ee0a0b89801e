"""SQL adapter of access control: tokens, grants, and the authorities a grant covers.

The subtree is today's hierarchy as admissions learnt it from the registry's events
(`admissions_registry_authorities.parent_id`), plus every authority merged, split or
dissolved into a covered one (`admissions_authority_successions`), with its own subtree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select

from coso_admissions.adapters.tables import api_tokens, authority_successions, grants, registry_authorities
from coso_backbone.access_store import SqlAccessStore as BaseAccessStore
from coso_backbone.eventstore import EventStore


class SqlAccessStore(BaseAccessStore):
    """Tokens and grants with their personal-data flag (`admissions_api_tokens`,
    `admissions_grants`), and what a grant covers."""

    def __init__(self, store: EventStore) -> None:
        super().__init__(store.engine, api_tokens, grants)

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
