"""Batch handlers: runs of consecutive events in one call, and still one dead letter per bad event."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from coso_backbone.consumer import Consumer, Incoming
from coso_backbone.envelope import Envelope
from coso_backbone.handlers import EventHandlers


class KeptLetters:
    def __init__(self) -> None:
        self.reasons: list[str] = []

    def send(self, letters: list[Any]) -> None:
        self.reasons += [letter.reason for letter in letters]


def counted(producer: str, sequence: int, version: int = 1, n: int | None = None) -> Incoming:
    data = f'{{"stream":"s","n":{sequence if n is None else n}}}'
    return Incoming.from_catch_up(
        Envelope(
            id=f"e{sequence}",
            source="/coso/test/batch",
            producer=producer,
            event_type="Counted",
            version=version,
            time=datetime(2026, 1, 1, tzinfo=UTC),
            subject="s",
            sequence=sequence,
            authority="hn",
            data_json=data,
        )
    )


def test_consecutive_events_reach_a_batch_handler_in_one_call(
    contracts: Any, engines: Callable[[str], Engine], sqlite_url: str
) -> None:
    calls: list[list[int]] = []
    handlers = EventHandlers().on_batch(
        [contracts.counted_v1], lambda connection, items: calls.append([data.n for _, data in items])
    )
    consumer = Consumer("batch", engines(sqlite_url), handlers, KeptLetters())

    outcome = consumer.apply([counted(contracts.producer, s) for s in range(1, 6)])

    assert calls == [[1, 2, 3, 4, 5]]
    assert outcome.applied == 5
    assert consumer.checkpoints() == {"/coso/test/batch": 5}


def test_a_batch_that_fails_is_applied_event_by_event_and_only_the_bad_event_is_dead_lettered(
    contracts: Any, engines: Callable[[str], Engine], sqlite_url: str
) -> None:
    applied: list[int] = []

    def project(connection: Any, items: list[tuple[Envelope, Any]]) -> None:
        if any(data.n == 3 for _, data in items):
            raise ValueError("three is not allowed")
        applied.extend(data.n for _, data in items)

    letters = KeptLetters()
    handlers = EventHandlers().on_batch([contracts.counted_v1], project)
    consumer = Consumer("batch", engines(sqlite_url), handlers, letters)

    outcome = consumer.apply([counted(contracts.producer, s) for s in range(1, 6)])

    assert applied == [1, 2, 4, 5]
    assert outcome.dead_lettered == 1
    assert letters.reasons == ["handler failed: ValueError: three is not allowed"]
    assert consumer.checkpoints() == {"/coso/test/batch": 5}
