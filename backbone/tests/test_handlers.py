"""Which handler an event goes to, and what is refused before any handler runs.

Unit tests: no database, no broker.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from coso_backbone.envelope import Envelope
from coso_backbone.errors import MalformedMessage, UnknownEventVersion
from coso_backbone.handlers import EventHandlers


def envelope(
    producer: str, event_type: str = "Counted", version: int = 1, data_json: str = '{"stream":"s","n":1}'
) -> Envelope:
    return Envelope(
        id="e1",
        source="/coso/test",
        producer=producer,
        event_type=event_type,
        version=version,
        time=datetime(2025, 1, 1, tzinfo=UTC),
        subject="s",
        sequence=1,
        authority="hn",
        data_json=data_json,
    )


def ignore(*_: Any) -> None:
    return None


def test_an_event_is_resolved_to_the_handler_of_its_producer_type_and_version(contracts: Any) -> None:
    calls: list[Any] = []

    def on_v2(connection: Any, received: Any, data: Any) -> None:
        calls.append((received, data))

    handlers = EventHandlers().on(contracts.counted_v1, ignore).on(contracts.counted_v2, on_v2)

    event = envelope(contracts.producer, version=2, data_json='{"stream":"s","n":1,"note":"x"}')
    resolved = handlers.resolve(event)

    assert resolved is not None
    resolved.handler(None, [(event, "first"), (event, "second")])  # type: ignore[arg-type]
    assert calls == [(event, "first"), (event, "second")]
    assert resolved.parse(envelope(contracts.producer, version=2, data_json='{"stream":"s","n":1,"note":"x"}')) == (
        contracts.counted_v2(stream="s", n=1, note="x")
    )
    assert handlers.producers() == {contracts.producer}


def test_events_of_types_nobody_handles_are_skipped(contracts: Any) -> None:
    handlers = EventHandlers().on(contracts.counted_v1, ignore)

    assert handlers.resolve(envelope(contracts.producer, event_type="Renamed")) is None
    assert handlers.resolve(envelope("someone-else")) is None


def test_an_unknown_version_of_a_handled_type_is_refused_naming_the_known_versions(contracts: Any) -> None:
    handlers = EventHandlers().on(contracts.counted_v1, ignore)

    with pytest.raises(
        UnknownEventVersion, match=rf"{contracts.producer}\.Counted version 3 is unknown here \(known: v1\)"
    ):
        handlers.resolve(envelope(contracts.producer, version=3))


def test_data_that_breaks_its_contract_is_malformed_and_the_field_is_named(contracts: Any) -> None:
    resolved = EventHandlers().on(contracts.counted_v1, ignore).resolve(envelope(contracts.producer))
    assert resolved is not None

    with pytest.raises(
        MalformedMessage, match=r"Counted\.v1 data does not match its contract: n: Input should be a valid integer"
    ):
        resolved.parse(envelope(contracts.producer, data_json='{"stream":"s","n":"many"}'))
    with pytest.raises(MalformedMessage, match="extra: Extra inputs are not permitted"):
        resolved.parse(envelope(contracts.producer, data_json='{"stream":"s","n":1,"extra":true}'))


def test_a_batch_handler_serves_every_type_it_was_registered_for(contracts: Any) -> None:
    def project(connection: Any, items: Any) -> None:
        return None

    handlers = EventHandlers().on_batch([contracts.counted_v1, contracts.counted_v2], project)

    for version in (1, 2):
        resolved = handlers.resolve(envelope(contracts.producer, version=version))
        assert resolved is not None and resolved.handler is project
