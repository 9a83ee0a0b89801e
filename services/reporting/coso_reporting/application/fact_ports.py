"""What the fact reports need from the fact projection (adapters/fact_queries.py)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Protocol

from coso_reporting.domain.coverage import CoverageCounts, SizeBands
from coso_reporting.domain.fact_records import MemberCounts
from coso_reporting.domain.organization_counts import MassOrganizationGroup, OrganizationGroup
from coso_reporting.domain.pipeline import CandidatePipeline


class FactQueries(Protocol):
    def coverage_counts(
        self, day: date, bands: SizeBands, minimum_official: int, authorities: Collection[str]
    ) -> CoverageCounts:
        """Enterprises operating on `day` under `authorities`, their measures summed by place,
        size band, ownership and industrial zone."""

    def member_counts(self, day: date, start: date, end: date, authorities: Collection[str]) -> MemberCounts:
        """Members filed under `authorities`, counted by authority, status on `day`, admitted
        within `start`–`end` and left within it; the active ones also by job category and
        enterprise ownership."""

    def organization_ratings(self, year: int) -> list[tuple[str, str]]:
        """(authority when rated, quality level) of each organization rated for `year`."""

    def member_ratings(self, year: int) -> list[tuple[str, str]]:
        """(authority when rated, rating) of each member rated for `year`."""

    def candidate_pipeline(
        self, day: date, within_days: int, authorities: Collection[str], listed: int
    ) -> CandidatePipeline:
        """Candidates proposed by `day` under `authorities`, each authority's by stage on the day,
        with their open deadlines overdue and due within `within_days` days counted, and
        the first `listed` of each kind of those deadlines (by due day, candidate, deadline)."""

    def organization_groups(
        self, start: date, end: date, day: date, authorities: Collection[str]
    ) -> list[OrganizationGroup]:
        """Party organizations under `authorities` by authority and kind: founded, dissolved
        and merged in `start`–`end`, existing on `day`."""

    def mass_organization_groups(
        self, start: date, end: date, day: date, authorities: Collection[str]
    ) -> list[MassOrganizationGroup]:
        """Mass organizations under `authorities` by authority and kind: founded and dissolved
        in `start`–`end`, existing on `day`."""
