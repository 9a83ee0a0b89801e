"""What reporting's application needs from the outside world."""

from __future__ import annotations

from typing import Protocol

from coso_reporting.domain.indicators import AuthorityCounts


class IndicatorQueries(Protocol):
    def authorities(self) -> list[AuthorityCounts]:
        """Every authority of the projection with its own counts."""

    def positions(self) -> dict[str, int]:
        """How far the projection has applied each source (ce-source -> position)."""
