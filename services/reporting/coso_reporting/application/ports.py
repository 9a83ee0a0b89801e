"""What reporting's application needs from the outside world."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from types import TracebackType
from typing import Any, Protocol, Self

from coso_backbone.access import Principal, TokenStore
from coso_backbone.contracts import EventContract
from coso_backbone.contracts.reporting import PeriodClosed, TargetIndicator
from coso_reporting.domain.indicators import AuthorityCounts, Counts
from coso_reporting.domain.tree import Tree


class IndicatorQueries(Protocol):
    def authorities(self) -> list[AuthorityCounts]:
        """Every authority of the projection with its own counts."""

    def positions(self) -> dict[str, int]:
        """How far the projection has applied each source (ce-source -> position)."""


class IndicatorHistory(Protocol):
    def counts_between(self, start: date, end: date, authorities: Collection[str] | None = None) -> dict[str, Counts]:
        """Own counts per authority of the events dated from `start` to `end` (both included),
        of `authorities` only (None: all)."""

    def counts_by_bucket(self, start: date, end: date, buckets: Mapping[str, str]) -> dict[str, Counts]:
        """Own counts of the events dated from `start` to `end` of the authorities `buckets`
        maps, summed per bucket (see `Tree.buckets_under`)."""

    def monthly(self, start: date, end: date, authorities: Collection[str] | None = None) -> dict[str, Counts]:
        """Counts per month (`YYYY-MM`) from `start` to `end`, summed over `authorities` (None: all)."""

    def candidates_by_authority_and_kind(
        self, start: date, end: date, authorities: Collection[str] | None = None
    ) -> dict[tuple[str, str, str], int]:
        """Candidates proposed from `start` to `end` per (recorded authority, source channel, job
        category), of `authorities` only (None: all)."""

    def candidates_by_bucket_and_kind(
        self, start: date, end: date, buckets: Mapping[str, str]
    ) -> dict[tuple[str, str, str], int]:
        """Candidates proposed from `start` to `end` of the authorities `buckets` maps, summed per
        (their bucket, source channel, job category); nonzero sums only."""


class PlanUnitOfWork(Protocol):
    def __enter__(self) -> Self: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def stream_version(self, stream_id: str) -> int: ...

    def plan_events(self, stream_id: str) -> list[EventContract]:
        """The events of a plan's stream, as contracts, in order (empty if none)."""

    def record(
        self, stream_id: str, expected_version: int, events: Sequence[EventContract], authority: str
    ) -> None: ...

    def commit(self) -> None: ...


class PlanQueries(Protocol):
    def plans(self, authority_id: str | None) -> list[dict[str, Any]]:
        """Plans (id, authority, title, period, adoption date), of one authority or all."""


class AuthorityTrees(Protocol):
    def as_of(self, day: date) -> Tree:
        """The hierarchy of authorities as it stood on `day` (see domain/tree.py)."""


class ClosedPeriods(Protocol):
    def is_closed(self, period: str) -> bool:
        """Whether the period's figures are recorded."""

    def record(self, period: str, figures: Sequence[PeriodClosed]) -> None:
        """Record the period's figures at once; ConcurrencyError if they already are."""


class PlanAchievements(Protocol):
    @property
    def indicators(self) -> tuple[TargetIndicator, ...]:
        """The target indicators measured here."""

    def between(
        self,
        start: date,
        end: date,
        authorities: Collection[str] | None = None,
        indicators: Collection[TargetIndicator] | None = None,
    ) -> dict[str, dict[TargetIndicator, int]]:
        """Per recorded authority (of `authorities`; None: every one), what each indicator
        (of `indicators`; None: every one measured here) achieved from `start` to `end`
        (both included)."""


class AccessStore(TokenStore, Protocol):
    """Users' tokens and grants (`TokenStore`), and the dashboard's sessions."""

    def open_session(self, session_hash: str, token_hash: str, expires_at: datetime, now: datetime) -> None:
        """Record a dashboard session opened with the token of that hash (and forget the ended ones)."""

    def principal_for_session(self, session_hash: str, now: datetime) -> Principal | None:
        """The holder of the session's token, with all their grants; None if unknown, ended or closed."""

    def close_session(self, session_hash: str) -> None:
        """Forget the session (nothing if unknown)."""
