"""What the registry's application needs from the outside world."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import date
from types import TracebackType
from typing import Any, Protocol

from coso_backbone.access import TokenStore
from coso_backbone.contracts import EventContract
from coso_backbone.contracts.registry import AuthorityLevel
from coso_backbone.rulesets.application import RuleSetStore as RuleSetStore
from coso_registry.domain.authority import Authority
from coso_registry.domain.enterprise import Enterprise
from coso_registry.domain.hierarchy import Hierarchy, Node
from coso_registry.domain.mass_organization import MassOrganization
from coso_registry.domain.organization import Organization


class RegistryUnitOfWork(Protocol):
    """One transaction: new events and the registry's lookup indexes, committed together."""

    def __enter__(self) -> RegistryUnitOfWork: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def authority_exists(self, authority_id: str) -> bool: ...

    def authority_exists_on(self, authority_id: str, day: date) -> bool: ...

    def authority(self, authority_id: str) -> Authority | None:
        """The authority rebuilt from its stream, or None if it was never registered."""

    def hierarchy_on(self, day: date) -> Hierarchy: ...

    def subtrees_on(self, authority_ids: Sequence[str], day: date) -> Hierarchy:
        """The part of the tree on a day made of these authorities and everything under them."""

    def enterprise_by_tax_code(self, tax_code: str) -> str | None: ...

    def enterprise(self, enterprise_id: str) -> Enterprise | None:
        """The enterprise rebuilt from its stream, or None if it was never registered."""

    def enterprises_by_tax_code(self, tax_codes: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Current lookup rows of the enterprises with these tax codes, by tax code."""

    def authority_on(self, authority_id: str, day: date) -> Node | None:
        """The authority as it stood on a day, or None if it did not exist then."""

    def authorities_on(self, day: date) -> dict[str, Node]: ...

    def authority_levels(self) -> dict[str, AuthorityLevel]:
        """Every registered authority's current level, by id."""

    def organization(self, organization_id: str) -> Organization | None:
        """The party organization rebuilt from its stream, or None."""

    def mass_organization(self, mass_organization_id: str) -> MassOrganization | None:
        """The mass organization rebuilt from its stream, or None."""

    def active_mass_organization(self, enterprise_id: str, kind: str) -> str | None:
        """The active mass organization of this kind in the enterprise, if any."""

    def organizations_covering(self, enterprise_ids: Sequence[str]) -> dict[str, str]:
        """Active organizations covering these enterprises: enterprise id -> organization id."""

    def record(self, stream_id: str, expected_version: int, events: Sequence[EventContract], authority: str) -> None:
        """Append events to a stream and update the lookup indexes from them."""

    def record_many(self, appends: Sequence[tuple[str, int, Sequence[EventContract], str]]) -> None:
        """Append to several streams in one go, updating the lookup indexes."""

    def commit(self) -> None: ...


class RegistryQueries(Protocol):
    def each_enterprise(self, page: int = 5000) -> Iterator[dict[str, Any]]:
        """Every enterprise's lookup row, in tax-code order."""

    def enterprise(self, enterprise_id: str) -> dict[str, Any] | None: ...

    def enterprises(
        self, authority_id: str | None, limit: int, offset: int, within: Collection[str] | None = None
    ) -> list[dict[str, Any]]:
        """A page of enterprises, of one authority and/or within a set of authorities."""

    def authorities(self) -> list[dict[str, Any]]: ...

    def organization(self, organization_id: str) -> dict[str, Any] | None: ...

    def organizations(self, within: Collection[str] | None, limit: int, offset: int) -> list[dict[str, Any]]: ...

    def mass_organization(self, mass_organization_id: str) -> dict[str, Any] | None: ...

    def mass_organizations(self, enterprise_id: str) -> list[dict[str, Any]]: ...

    def rating_levels(self, authority_ids: Collection[str], year: int) -> dict[str, int]:
        """How many organizations under these authorities got each level in a year."""

    def authority(self, authority_id: str) -> dict[str, Any] | None:
        """Current state, periods and successions of one authority."""

    def hierarchy_on(self, day: date) -> Hierarchy: ...

    def subtree_on(self, authority_id: str, day: date) -> list[Node]: ...

    def successors_on(self, authority_id: str, day: date) -> list[str]: ...


class AccessStore(TokenStore, Protocol):
    """Users, their API tokens and their grants (kept beside the events, never published)."""

    def covered_by(self, roots: Sequence[str], on: date) -> set[str]:
        """The roots' subtrees on a day, plus every unit that was merged or dissolved into them."""


class MemberCounts(Protocol):
    """Official members of a party organization on a day, as admissions will publish them.

    Until admissions' member events exist the registry has no adapter that knows; the
    `UnknownMemberCounts` adapter answers None and the size check falls back to the counts
    given in founding and upgrade decisions."""

    def official_members(self, organization_id: str, on: date) -> int | None: ...
