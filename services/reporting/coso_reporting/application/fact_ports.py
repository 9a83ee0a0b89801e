"""What the fact reports need from the fact projection (adapters/fact_queries.py)."""

from __future__ import annotations

from typing import Protocol

from coso_reporting.domain.fact_records import (
    CandidateFact,
    EnterpriseFact,
    MassOrganizationFact,
    MemberFact,
    OrganizationFact,
)


class FactQueries(Protocol):
    def enterprises(self) -> list[EnterpriseFact]:
        """Every registered enterprise with its places (registration and moves)."""

    def organizations(self) -> list[OrganizationFact]:
        """Every founded party organization with the enterprises it covers."""

    def mass_organizations(self) -> list[MassOrganizationFact]:
        """Every founded mass organization."""

    def members(self) -> list[MemberFact]:
        """Every enrolled party member."""

    def organization_ratings(self, year: int) -> list[tuple[str, str]]:
        """(authority when rated, quality level) of each organization rated for `year`."""

    def member_ratings(self, year: int) -> list[tuple[str, str]]:
        """(authority when rated, rating) of each member rated for `year`."""

    def candidates(self) -> list[CandidateFact]:
        """Every proposed candidate with the steps recorded so far."""
