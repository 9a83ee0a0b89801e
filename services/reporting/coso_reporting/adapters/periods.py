"""Closed reporting periods in reporting's event store: stream `period-<period>`, one
`PeriodClosed` per authority, each under its authority (the `ce-authority` subscribers filter on)."""

from __future__ import annotations

from collections.abc import Sequence

from coso_backbone.contracts.reporting import PeriodClosed
from coso_backbone.eventstore import EventStore, StoreTransaction
from coso_backbone.metrics import EVENTS_APPENDED


def stream_of_period(period: str) -> str:
    return f"period-{period}"


class StoreClosedPeriods:
    def __init__(self, store: EventStore) -> None:
        self._store = store

    def is_closed(self, period: str) -> bool:
        with self._store.engine.connect() as connection:
            return StoreTransaction(connection).stream_version(stream_of_period(period)) > 0

    def record(self, period: str, figures: Sequence[PeriodClosed]) -> None:
        self._store.append(stream_of_period(period), 0, [event.to_new_event(event.authority_id) for event in figures])
        EVENTS_APPENDED.labels("reporting").inc(len(figures))
