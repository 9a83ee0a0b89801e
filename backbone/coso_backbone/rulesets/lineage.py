"""An authority's lineage for its rule sets: itself, its superiors in the hierarchy a service
learnt from the registry's events, then its dotted prefixes (`hn.kcn` is under `hn`).

`Lineages` asks the hierarchy only when some rule set names an authority that is neither
everywhere nor a dotted prefix of the one asked about (rules are asked at every step of a
pipeline and for every deadline of a scheduler's pass). `SqlParentLineage` walks the
`(authority, parent)` rows of the table a service's consumer keeps from `AuthorityRegistered`
and `AuthorityReparented`, one query per level; its `snapshot` reads the table once, at the
first question, for many questions in a row (a scheduler's pass over thousands of authorities).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Protocol

from sqlalchemy import Column, Engine, select

from coso_backbone.rulesets.precedence import EVERYWHERE, dotted_lineage

_DEEPEST = 50  # a hierarchy is a handful of levels; a loop in bad data stops here


class AuthorityHierarchy(Protocol):
    def lineage(self, authority_id: str) -> list[str]:
        """The authority and its superiors, nearest first, as the registry's events describe them."""


class HierarchySource(AuthorityHierarchy, Protocol):
    def snapshot(self) -> AuthorityHierarchy:
        """The hierarchy as it is now, read at most once, for many questions."""


class Lineages:
    def __init__(self, hierarchy: AuthorityHierarchy | None = None) -> None:
        self._hierarchy = hierarchy

    def of(self, authority_id: str) -> list[str]:
        """The authority, its superiors in the hierarchy, then its dotted prefixes."""
        chain = self._hierarchy.lineage(authority_id) if self._hierarchy is not None else [authority_id]
        return chain + [a for a in dotted_lineage(authority_id) if a not in chain]

    def for_sets(self, authority_id: str, named: Collection[str]) -> list[str]:
        """The lineage that decides among rule sets of the `named` authorities: the dotted one
        when every named authority is everywhere or a dotted prefix (no hierarchy lookup)."""
        prefixes = dotted_lineage(authority_id)
        if all(a == EVERYWHERE or a in prefixes for a in named):
            return prefixes
        return self.of(authority_id)


def _walk(authority_id: str, parent_of: Callable[[str], str | None]) -> list[str]:
    chain = [authority_id]
    while len(chain) < _DEEPEST:
        parent = parent_of(chain[-1])
        if parent is None or parent in chain:
            break
        chain.append(parent)
    return chain


class ParentMap:
    """Every authority's parent, loaded at the first question."""

    def __init__(self, load: Callable[[], Mapping[str, str | None]]) -> None:
        self._load = load
        self._parents: Mapping[str, str | None] | None = None

    def lineage(self, authority_id: str) -> list[str]:
        if self._parents is None:
            self._parents = self._load()
        return _walk(authority_id, self._parents.get)


class SqlParentLineage:
    """Walks a table's `authority` -> `parent` column pair up from an authority."""

    def __init__(self, engine: Engine, authority: Column[str], parent: Column[str | None]) -> None:
        self._engine = engine
        self._authority = authority
        self._parent = parent

    def lineage(self, authority_id: str) -> list[str]:
        with self._engine.connect() as connection:
            return _walk(authority_id, lambda a: connection.scalar(select(self._parent).where(self._authority == a)))

    def snapshot(self) -> ParentMap:
        return ParentMap(self._parents)

    def _parents(self) -> dict[str, str | None]:
        with self._engine.connect() as connection:
            return {a: p for a, p in connection.execute(select(self._authority, self._parent))}
