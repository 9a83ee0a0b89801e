"""Batch handlers (runs of consecutive events in one call, still one dead letter per bad
event) and catch-up when one source's read API is down."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine

from coso_backbone import contracts as contract_registry
from coso_backbone.consumer import Consumer, Incoming
from coso_backbone.contracts import EventContract, contract
from coso_backbone.envelope import Envelope
from coso_backbone.errors import EventSourceUnavailable
from coso_backbone.eventstore import EventStore, StreamAppend
from coso_backbone.handlers import EventHandlers
from coso_backbone.readapi import StoreEventSource


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


class _Unreachable:
    def info(self) -> dict[str, Any]:
        raise EventSourceUnavailable("http://down.invalid/events/info: connection refused")


@pytest.fixture
def other_producer(run_id: str) -> Iterator[Any]:
    producer = run_id + "other"

    @contract(producer, "Counted", 1)
    class OtherCounted(EventContract):
        stream: str
        n: int

    yield OtherCounted
    contract_registry._REGISTRY.pop((producer, "Counted", 1), None)


def test_catch_up_goes_on_with_the_sources_that_answer_when_one_read_api_is_down(
    contracts: Any, other_producer: Any, engines: Callable[[str], Engine], sqlite_url: str, consumer_sqlite_url: str
) -> None:
    store = EventStore(engines(sqlite_url))
    store.append_many([StreamAppend(f"s{n}", 0, [contracts.v1(f"s{n}", n)]) for n in range(3)])
    sources: dict[str, Any] = {
        "http://down": _Unreachable(),
        "http://up": StoreEventSource(store, contracts.producer, "/coso/test/up"),
    }
    applied: list[int] = []
    handlers = (
        EventHandlers()
        .on(other_producer, lambda connection, envelope, data: None)
        .on(contracts.counted_v1, lambda connection, envelope, data: applied.append(data.n))
    )
    consumer = Consumer(
        "catch-up",
        engines(consumer_sqlite_url),
        handlers,
        KeptLetters(),
        read_apis={other_producer.event_producer: "http://down", contracts.producer: "http://up"},
        event_source_factory=sources.__getitem__,
    )

    outcome = consumer.catch_up()

    assert outcome.unavailable == [other_producer.event_producer]
    assert applied == [0, 1, 2]
    assert consumer.checkpoints() == {"/coso/test/up": 3}
