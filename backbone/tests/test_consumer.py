"""The idempotent, ordered consumer: restarts, new consumers, duplicates and gaps.

Producer side: a real event store, the real relay publishing to RabbitMQ, and the read API
served over HTTP by a tiny local server. Consumer side: the real Consumer (+ ConsumerLoop)
with a projection that counts how many times each event was applied.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import Engine

from coso_backbone.consumer import Consumer, ConsumerLoop, Incoming
from coso_backbone.envelope import Envelope
from coso_backbone.errors import EventSourceUnavailable
from coso_backbone.eventstore import EventStore
from coso_backbone.relay import OutboxRelay

pytestmark = [pytest.mark.rabbitmq]


def metric(name: str, consumer: str, source: str) -> float:
    return REGISTRY.get_sample_value(name, {"consumer": consumer, "source": source}) or 0.0


def incoming(store: EventStore, producer: str, source: str, *positions: int) -> list[Incoming]:
    by_position = {e.position: e for e in store.read_after(0, 100_000)}
    return [Incoming.from_catch_up(Envelope.from_recorded(by_position[p], producer, source)) for p in positions]


def make_consumer(
    broker: Any, amqp_uri: str, engine: Engine, projection: Any, contracts: Any, read_apis: dict[str, str] | None = None
) -> Consumer:
    name = broker.consumer_name()
    return Consumer(name, engine, projection.handlers(contracts), broker.dead_letter_sink(name), read_apis=read_apis)


def test_a_consumer_stopped_while_events_are_produced_catches_up_when_started_again(
    postgres_url: str,
    consumer_sqlite_url: str,
    amqp_uri: str,
    run_id: str,
    contracts: Any,
    broker: Any,
    engines: Callable[[str], Engine],
    seed: Callable[..., Any],
    projection_on: Callable[[Engine], Any],
    store_stream_counts: Callable[[EventStore], dict[str, int]],
    background: Any,
    wait_until: Callable[..., Any],
) -> None:
    source = f"/coso/test/{run_id}"
    store = EventStore(engines(postgres_url))
    relay = OutboxRelay(store, broker.publisher(contracts.producer), contracts.producer, source)
    projection = projection_on(engines(consumer_sqlite_url))
    consumer = make_consumer(broker, amqp_uri, projection.engine, projection, contracts)
    loop = ConsumerLoop(consumer, amqp_uri, [contracts.producer])
    loop.declare()
    seed(store, contracts, 100)
    background.start(relay.run, "relay")
    running = background.start(loop.run, "consumer")
    wait_until(lambda: consumer.checkpoints().get(source) == 100, what="the first 100 events to be applied")

    background.stop(running)
    seed(store, contracts, 1000)
    wait_until(lambda: relay.position() == 1100, what="the relay to publish while the consumer is down")
    assert broker.queue_depth(f"{consumer.name}.{contracts.producer}") == 1000
    assert consumer.checkpoints() == {source: 100}

    restarted = Consumer(
        consumer.name, projection.engine, projection.handlers(contracts), broker.dead_letter_sink(consumer.name)
    )
    background.start(ConsumerLoop(restarted, amqp_uri, [contracts.producer]).run, "restarted consumer")
    wait_until(lambda: restarted.checkpoints().get(source) == 1100, what="the restarted consumer to catch up")

    assert projection.times_by_position() == dict.fromkeys(range(1, 1101), 1)
    assert projection.stream_counts() == store_stream_counts(store)


def test_a_new_consumer_rebuilds_the_existing_history_through_the_read_api_then_follows_live_events(
    sqlite_url: str,
    postgres_url: str,
    amqp_uri: str,
    run_id: str,
    contracts: Any,
    broker: Any,
    engines: Callable[[str], Engine],
    seed: Callable[..., Any],
    projection_on: Callable[[Engine], Any],
    store_stream_counts: Callable[[EventStore], dict[str, int]],
    serve_read_api: Callable[[EventStore, str, str], str],
    background: Any,
    wait_until: Callable[..., Any],
) -> None:
    source = f"/coso/test/{run_id}"
    store = EventStore(engines(sqlite_url))
    relay = OutboxRelay(store, broker.publisher(contracts.producer), contracts.producer, source)
    seed(store, contracts, 2500)
    background.start(relay.run, "relay")
    wait_until(lambda: relay.position() == 2500, what="the history to be published before the consumer exists")

    projection = projection_on(engines(postgres_url))
    read_api = serve_read_api(store, contracts.producer, source)
    consumer = make_consumer(broker, amqp_uri, projection.engine, projection, contracts, {contracts.producer: read_api})
    background.start(ConsumerLoop(consumer, amqp_uri, [contracts.producer]).run, "new consumer")
    wait_until(lambda: consumer.checkpoints().get(source) == 2500, what="the new consumer to rebuild the history")

    assert metric("coso_catch_up_events_total", consumer.name, source) == 2500
    assert projection.times_by_position() == dict.fromkeys(range(1, 2501), 1)
    # The catch-up ends with a page that finds nothing more; then the loop consumes the queue.
    queue = f"{consumer.name}.{contracts.producer}"
    wait_until(lambda: broker.queue_consumers(queue) == 1, what="the consumer to consume its queue")

    seed(store, contracts, 10)
    wait_until(lambda: consumer.checkpoints().get(source) == 2510, what="live events after the rebuild")

    assert metric("coso_catch_up_events_total", consumer.name, source) == 2500, "live events came through RabbitMQ"
    assert projection.times_by_position() == dict.fromkeys(range(1, 2511), 1)
    assert projection.stream_counts() == store_stream_counts(store)


def test_a_duplicate_delivery_is_applied_once(
    sqlite_url: str,
    consumer_sqlite_url: str,
    amqp_uri: str,
    run_id: str,
    contracts: Any,
    broker: Any,
    engines: Callable[[str], Engine],
    seed: Callable[..., Any],
    projection_on: Callable[[Engine], Any],
    background: Any,
    wait_until: Callable[..., Any],
) -> None:
    source = f"/coso/test/{run_id}"
    store = EventStore(engines(sqlite_url))
    relay = OutboxRelay(store, broker.publisher(contracts.producer), contracts.producer, source)
    projection = projection_on(engines(consumer_sqlite_url))
    consumer = make_consumer(broker, amqp_uri, projection.engine, projection, contracts)
    loop = ConsumerLoop(consumer, amqp_uri, [contracts.producer])
    loop.declare()
    background.start(loop.run, "consumer")
    seed(store, contracts, 10)
    while relay.publish_pending():
        pass
    wait_until(lambda: consumer.checkpoints().get(source) == 10, what="the first delivery")

    # The same ten events again (as a relay that died before its checkpoint sends them), then one new.
    again = [Envelope.from_recorded(e, contracts.producer, source) for e in store.read_after(0)]
    republisher = broker.publisher(contracts.producer)
    republisher.publish(again)
    republisher.publish(again[3:5])
    seed(store, contracts, 1)
    while relay.publish_pending():
        pass
    wait_until(lambda: consumer.checkpoints().get(source) == 11, what="the event after the duplicates")

    assert projection.times_by_position() == dict.fromkeys(range(1, 12), 1)
    assert metric("coso_duplicates_skipped_total", consumer.name, source) == 12


def test_an_event_repeated_within_one_batch_is_applied_once(
    sqlite_url: str,
    consumer_sqlite_url: str,
    amqp_uri: str,
    run_id: str,
    contracts: Any,
    broker: Any,
    engines: Callable[[str], Engine],
    seed: Callable[..., Any],
    projection_on: Callable[[Engine], Any],
) -> None:
    source = f"/coso/test/{run_id}"
    store = EventStore(engines(sqlite_url))
    seed(store, contracts, 3)
    projection = projection_on(engines(consumer_sqlite_url))
    consumer = make_consumer(broker, amqp_uri, projection.engine, projection, contracts)

    outcome = consumer.apply(incoming(store, contracts.producer, source, 1, 2, 2, 1, 3, 3))
    again = consumer.apply(incoming(store, contracts.producer, source, 1, 2, 3))

    assert (outcome.applied, outcome.duplicates) == (3, 3)
    assert (again.applied, again.duplicates) == (0, 3)
    assert projection.times_by_position() == {1: 1, 2: 1, 3: 1}
    assert consumer.checkpoints() == {source: 3}


def test_a_gap_is_filled_from_the_read_api_before_the_later_event_is_applied(
    database_url: str,
    consumer_sqlite_url: str,
    amqp_uri: str,
    run_id: str,
    contracts: Any,
    broker: Any,
    engines: Callable[[str], Engine],
    seed: Callable[..., Any],
    projection_on: Callable[[Engine], Any],
    serve_read_api: Callable[[EventStore, str, str], str],
) -> None:
    source = f"/coso/test/{run_id}"
    store = EventStore(engines(database_url))
    seed(store, contracts, 5)
    projection = projection_on(engines(consumer_sqlite_url))
    read_api = serve_read_api(store, contracts.producer, source)
    consumer = make_consumer(broker, amqp_uri, projection.engine, projection, contracts, {contracts.producer: read_api})

    consumer.apply(incoming(store, contracts.producer, source, 1, 2, 3))
    outcome = consumer.apply(incoming(store, contracts.producer, source, 5))

    assert projection.applied_order() == [1, 2, 3, 4, 5]
    assert projection.times_by_position() == dict.fromkeys(range(1, 6), 1)
    assert outcome.caught_up >= 1
    assert consumer.checkpoints() == {source: 5}


def test_a_gap_with_no_way_to_fill_it_stops_the_consumer_before_the_gap(
    sqlite_url: str,
    consumer_sqlite_url: str,
    amqp_uri: str,
    run_id: str,
    contracts: Any,
    broker: Any,
    engines: Callable[[str], Engine],
    seed: Callable[..., Any],
    projection_on: Callable[[Engine], Any],
) -> None:
    source = f"/coso/test/{run_id}"
    store = EventStore(engines(sqlite_url))
    seed(store, contracts, 5)
    projection = projection_on(engines(consumer_sqlite_url))
    consumer = make_consumer(broker, amqp_uri, projection.engine, projection, contracts)

    with pytest.raises(EventSourceUnavailable, match=f"no read API is configured for producer '{contracts.producer}'"):
        consumer.apply(incoming(store, contracts.producer, source, 1, 2, 3, 5, 4))

    assert projection.applied_order() == [1, 2, 3]
    assert consumer.checkpoints() == {source: 3}


def test_a_consumer_loop_reconnects_promptly_after_each_of_several_broker_failures(
    sqlite_url: str,
    consumer_sqlite_url: str,
    amqp_uri: str,
    run_id: str,
    contracts: Any,
    broker: Any,
    engines: Callable[[str], Engine],
    seed: Callable[..., Any],
    projection_on: Callable[[Engine], Any],
    background: Any,
    wait_until: Callable[..., Any],
    close_broker_connections: Callable[..., int],
    caplog: pytest.LogCaptureFixture,
) -> None:
    source = f"/coso/test/{run_id}"
    store = EventStore(engines(sqlite_url))
    relay = OutboxRelay(store, broker.publisher(contracts.producer), contracts.producer, source)
    projection = projection_on(engines(consumer_sqlite_url))
    consumer = make_consumer(broker, amqp_uri, projection.engine, projection, contracts)
    loop = ConsumerLoop(consumer, amqp_uri, [contracts.producer])
    loop.declare()
    background.start(loop.run, "consumer")
    background.start(relay.run, "relay")

    for failure in range(1, 4):
        seed(store, contracts, 1)
        wait_until(
            lambda failure=failure: consumer.checkpoints().get(source) == failure, what="the consumer to be live"
        )
        assert close_broker_connections(os.getpid()) >= 1
    seed(store, contracts, 1)
    wait_until(lambda: consumer.checkpoints().get(source) == 4, what="the consumer to be live after the last failure")

    reconnects = [r.getMessage() for r in caplog.records if r.name == "coso_backbone.consumer"]
    assert len(reconnects) == 3, reconnects
    # Each failure came after a working connection: none waits longer than the first.
    assert all(message.endswith("reconnecting in 0.5s") for message in reconnects), reconnects
    assert projection.times_by_position() == {1: 1, 2: 1, 3: 1, 4: 1}
