"""An authority's lineage for its rule sets: itself, its superiors in the hierarchy a service
learnt from the registry's events, then its dotted prefixes (`hn.kcn` is under `hn`).

`Lineages` asks the hierarchy only when some rule set names an authority that is neither
everywhere nor a dotted prefix of the one asked about (rules are asked at every step of a
pipeline and for every deadline of a scheduler's pass). `SqlParentLineage` walks the
`(authority, parent)` rows of the table a service's consumer keeps from `AuthorityRegistered`
and `AuthorityReparented`.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from sqlalchemy import Column, Engine, select

from coso_backbone.rulesets.precedence import EVERYWHERE, dotted_lineage

_DEEPEST = 50  # a hierarchy is a handful of levels; a loop in bad data stops here


class AuthorityHierarchy(Protocol):
    def lineage(self, authority_id: str) -> list[str]:
        """The authority and its superiors, nearest first, as the registry's events describe them."""


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


class SqlParentLineage:
    """Walks a table's `authority` -> `parent` column pair up from an authority."""

    def __init__(self, engine: Engine, authority: Column[str], parent: Column[str | None]) -> None:
        self._engine = engine
        self._authority = authority
        self._parent = parent

    def lineage(self, authority_id: str) -> list[str]:
        chain = [authority_id]
        with self._engine.connect() as connection:
            while len(chain) < _DEEPEST:
                parent = connection.scalar(select(self._parent).where(self._authority == chain[-1]))
                if parent is None or parent in chain:
                    break
                chain.append(parent)
        return chain
