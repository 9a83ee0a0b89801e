"""Closing reporting periods: when a quarter, half-year or year is over, each authority's
indicators over its subtree for that period are recorded as `PeriodClosed` events, which
the relay publishes to subscribers.

Like plan checkpoints (plan_checkpoints.py), a worker loop with a clock: a period is closed
once its last day is over, not older than `catch_up_days` (a new deployment does not publish
the periods of years past), and once only: the period's stream is appended at version 0, so
of two workers only one records it. The figures are drawn on the hierarchy of the period's
last day, records of units ended by then counted under their successor.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date, timedelta

from coso_backbone.contracts.reporting import PeriodClosed
from coso_backbone.errors import ConcurrencyError
from coso_backbone.periodic import run_periodically
from coso_reporting.application.ports import AuthorityTrees, ClosedPeriods, IndicatorHistory
from coso_reporting.domain.hierarchy import roll_up
from coso_reporting.domain.periods import ReportingPeriod, ended_periods

log = logging.getLogger(__name__)

EARLIEST = date(1900, 1, 1)


class PeriodClosings:
    def __init__(
        self,
        trees: AuthorityTrees,
        history: IndicatorHistory,
        closed: ClosedPeriods,
        today: Callable[[], date],
        catch_up_days: int = 92,
        poll_seconds: float = 3600.0,
    ) -> None:
        self._trees = trees
        self._history = history
        self._closed = closed
        self._today = today
        self._catch_up_days = catch_up_days
        self._poll_seconds = poll_seconds

    def close_ended(self) -> list[str]:
        """Close every period that is over and not closed yet; the periods closed."""
        today = self._today()
        closed = []
        for period in ended_periods(today, today - timedelta(days=self._catch_up_days)):
            if self._closed.is_closed(period.label):
                continue
            try:
                self._closed.record(period.label, self.figures(period))
            except ConcurrencyError:
                log.info("period %s was closed by another worker", period.label)
                continue
            closed.append(period.label)
        return closed

    def figures(self, period: ReportingPeriod) -> list[PeriodClosed]:
        """One `PeriodClosed` per authority of the period's last day."""
        tree = self._trees.as_of(period.end)
        in_period = roll_up(tree, self._history.counts_between(period.start, period.end)).subtree
        cumulative = roll_up(tree, self._history.counts_between(EARLIEST, period.end)).subtree
        return [
            PeriodClosed(
                period=period.label,
                kind=period.kind,
                period_start=period.start,
                period_end=period.end,
                authority_id=unit,
                authority_name=tree.name(unit),
                parent_id=tree.parent(unit),
                in_period=in_period[unit].as_dict(),
                cumulative=cumulative[unit].as_dict(),
            )
            for unit in sorted(tree.units)
        ]

    def run(self, stop: threading.Event) -> None:
        """Close what is over every `poll_seconds` until `stop` is set; a failing database is retried."""

        def turn() -> str | None:
            closed = self.close_ended()
            return f"closed {', '.join(closed)}" if closed else None

        run_periodically(stop, self._poll_seconds, turn, "reporting periods")
