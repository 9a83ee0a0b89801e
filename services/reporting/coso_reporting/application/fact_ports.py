"""What the fact reports need from the fact projection (adapters/fact_queries.py)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Protocol

from coso_reporting.domain.coverage import CoverageGroup, SizeBands
from coso_reporting.domain.fact_records import (
    CandidateFact,
    MassOrganizationFact,
    MemberGroup,
    OrganizationFact,
)


class FactQueries(Protocol):
    def coverage_groups(self, day: date, bands: SizeBands, minimum_official: int) -> list[CoverageGroup]:
        """Enterprises operating on `day`, counted by place, ownership, size band and what they have."""

    def organizations(self) -> list[OrganizationFact]:
        """Every founded party organization with the enterprises it covers."""

    def mass_organizations(self) -> list[MassOrganizationFact]:
        """Every founded mass organization."""

    def member_groups(self, day: date, start: date, end: date) -> list[MemberGroup]:
        """Members counted by authority, job category, enterprise ownership, status on `day`,
        admitted within `start`–`end`, left within it."""

    def organization_ratings(self, year: int) -> list[tuple[str, str]]:
        """(authority when rated, quality level) of each organization rated for `year`."""

    def member_ratings(self, year: int) -> list[tuple[str, str]]:
        """(authority when rated, rating) of each member rated for `year`."""

    def candidate_authorities(self) -> set[str]:
        """The authorities candidates are recorded under."""

    def candidates(self, authorities: Collection[str] | None = None) -> list[CandidateFact]:
        """The candidates recorded under `authorities` (None: all), with the steps recorded so far."""
