"""Poison messages: dead-lettered with their reason, never blocking the stream, replayable.

Real RabbitMQ (the producer's exchange, the consumer's queue, `<consumer>.dead-letters`),
real event store and relay, and a projection that counts every application per event.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, select

from coso_backbone.broker import dead_letter_queue, events_exchange
from coso_backbone.consumer import Consumer, ConsumerLoop, Incoming
from coso_backbone.deadletters import REASON, list_dead_letters, replay_dead_letters
from coso_backbone.envelope import Envelope
from coso_backbone.eventstore import EventStore
from coso_backbone.relay import OutboxRelay
from coso_backbone.schema import dead_letters

pytestmark = [pytest.mark.rabbitmq]


def publish_all(relay: OutboxRelay) -> None:
    while relay.publish_pending():
        pass


def dead_letter_rows(engine: Engine, consumer: str) -> list[tuple[str, int, str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(dead_letters.c.source, dead_letters.c.position, dead_letters.c.reason)
            .where(dead_letters.c.consumer == consumer)
            .order_by(dead_letters.c.position)
        )
        return [(s, int(p), r) for s, p, r in rows]


def test_poison_messages_are_dead_lettered_with_their_reason_and_replayed_once_after_a_fix(
    sqlite_url: str,
    consumer_sqlite_url: str,
    amqp_uri: str,
    run_id: str,
    contracts: Any,
    broker: Any,
    engines: Callable[[str], Engine],
    projection_on: Callable[[Engine], Any],
    background: Any,
    wait_until: Callable[..., Any],
) -> None:
    source = f"/coso/test/{run_id}"
    store = EventStore(engines(sqlite_url))
    relay = OutboxRelay(store, broker.publisher(contracts.producer), contracts.producer, source)
    projection = projection_on(engines(consumer_sqlite_url))
    name = broker.consumer_name()
    knows_v1 = Consumer(name, projection.engine, projection.handlers(contracts, [1]), broker.dead_letter_sink(name))
    loop = ConsumerLoop(knows_v1, amqp_uri, [contracts.producer])
    loop.declare()
    running = background.start(loop.run, "consumer knowing v1")
    dlq = dead_letter_queue(name)

    store.append("stream-a", 0, [contracts.v1("stream-a", 1), contracts.v2("stream-a", 2, "only v2 has notes")])
    store.append("stream-b", 0, [contracts.v1("stream-b", 3)])
    publish_all(relay)
    exchange = events_exchange(contracts.producer)
    valid_headers = Envelope.from_recorded(store.read_after(2)[0], contracts.producer, source).amqp_headers()
    without_type = {k: v for k, v in valid_headers.items() if k != "ce-type"}
    broker.publish_raw(exchange, "Counted", b'{"stream": "stream-b", "n": 99}', without_type)
    broker.publish_raw(exchange, "Counted", b"this is not JSON", {**valid_headers, "ce-sequence": "98"})
    broker.publish_raw(exchange, "Counted", b'{"stream": "\xff\xfe"}', {**valid_headers, "ce-sequence": "97"})
    store.append("stream-b", 1, [contracts.v1("stream-b", 4)])
    publish_all(relay)

    wait_until(lambda: knows_v1.checkpoints().get(source) == 4, what="the stream to go on past the poison")
    wait_until(lambda: broker.queue_depth(dlq) == 4, what="four dead letters")

    assert projection.times_by_position() == {1: 1, 3: 1, 4: 1}
    letters = list_dead_letters(amqp_uri, name)
    assert list_dead_letters(amqp_uri, name) == letters, "listing leaves the letters where they are"
    by_reason = {letter.reason: letter for letter in letters}
    assert len(by_reason) == 4
    reasons = sorted(by_reason)
    assert reasons[0].startswith("body is not JSON")
    assert reasons[1].startswith("body is not UTF-8")
    assert reasons[2] == "header ce-type is missing"
    assert reasons[3] == f"{contracts.producer}.Counted version 2 is unknown here (known: v1)"
    unknown = by_reason[reasons[3]]
    assert (unknown.ce_type, unknown.ce_source, unknown.ce_sequence) == (
        f"vn.coso.{contracts.producer}.Counted.v2",
        source,
        "2",
    )
    assert (unknown.exchange, unknown.routing_key) == (exchange, "Counted")
    assert all(letter.exchange == exchange and letter.dead_lettered_at for letter in letters)
    assert [(s, p) for s, p, _ in dead_letter_rows(projection.engine, name)] == [(source, 2)]

    # The letter was sent twice (a consumer can die between sending it and committing).
    original = broker.get_all(dlq)
    for message in original + [m for m in original if m.headers["ce-sequence"] == "2"]:
        broker.publish_raw("coso.dead-letters", name, message.body, dict(message.headers))
    background.stop(running)

    # The fix: a consumer that knows v2 too.
    knows_v2 = Consumer(name, projection.engine, projection.handlers(contracts, [1, 2]), broker.dead_letter_sink(name))
    assert replay_dead_letters(amqp_uri, name) == 5
    running = background.start(ConsumerLoop(knows_v2, amqp_uri, [contracts.producer]).run, "consumer knowing v2")
    wait_until(lambda: 2 in projection.times_by_position(), what="the replayed v2 event to be applied")
    wait_until(lambda: broker.queue_depth(dlq) == 3, what="the malformed messages to be dead-lettered again")
    background.stop(running)

    assert replay_dead_letters(amqp_uri, name) == 3
    running = background.start(ConsumerLoop(knows_v2, amqp_uri, [contracts.producer]).run, "consumer knowing v2")
    wait_until(lambda: broker.queue_depth(dlq) == 3, what="the second replay to be consumed")
    wait_until(lambda: broker.queue_depth(f"{name}.{contracts.producer}") == 0, what="the consumer's queue to drain")

    assert projection.times_by_position() == {1: 1, 2: 1, 3: 1, 4: 1}
    assert projection.versions_by_position()[2] == 2
    assert dead_letter_rows(projection.engine, name) == []
    assert [r.split(":")[0] for r in sorted(letter.reason for letter in list_dead_letters(amqp_uri, name))] == [
        "body is not JSON",
        "body is not UTF-8",
        "header ce-type is missing",
    ]
    assert knows_v2.checkpoints() == {source: 4}


def test_a_handler_that_fails_for_one_event_of_a_batch_dead_letters_only_that_event(
    database_url: str,
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
    store = EventStore(engines(database_url))
    seed(store, contracts, 6)
    projection = projection_on(engines(consumer_sqlite_url))
    projection.fail_on = {3}
    name = broker.consumer_name()
    sink = broker.dead_letter_sink(name)
    consumer = Consumer(name, projection.engine, projection.handlers(contracts), sink)
    batch = [Incoming.from_catch_up(Envelope.from_recorded(e, contracts.producer, source)) for e in store.read_after(0)]

    outcome = consumer.apply(batch)
    sink.close()

    assert (outcome.applied, outcome.dead_lettered) == (5, 1)
    assert projection.times_by_position() == {1: 1, 2: 1, 4: 1, 5: 1, 6: 1}
    assert consumer.checkpoints() == {source: 6}
    assert [(p, r) for _, p, r in dead_letter_rows(projection.engine, name)] == [
        (3, "handler failed: RuntimeError: projection refuses event 3")
    ]
    (letter,) = broker.get_all(dead_letter_queue(name))
    assert letter.headers[REASON] == "handler failed: RuntimeError: projection refuses event 3"
    assert letter.headers["ce-sequence"] == "3"
    assert Envelope.from_amqp(letter.headers, letter.body) == batch[2].envelope


def test_dead_letters_still_reach_their_queue_after_the_broker_dropped_the_consumer_s_connections(
    sqlite_url: str,
    consumer_sqlite_url: str,
    amqp_uri: str,
    run_id: str,
    contracts: Any,
    broker: Any,
    engines: Callable[[str], Engine],
    projection_on: Callable[[Engine], Any],
    background: Any,
    wait_until: Callable[..., Any],
    close_broker_connections: Callable[..., int],
) -> None:
    source = f"/coso/test/{run_id}"
    store = EventStore(engines(sqlite_url))
    relay = OutboxRelay(store, broker.publisher(contracts.producer), contracts.producer, source)
    projection = projection_on(engines(consumer_sqlite_url))
    name = broker.consumer_name()
    consumer = Consumer(name, projection.engine, projection.handlers(contracts, [1]), broker.dead_letter_sink(name))
    loop = ConsumerLoop(consumer, amqp_uri, [contracts.producer])
    loop.declare()
    background.start(loop.run, "consumer")
    background.start(relay.run, "relay")
    store.append("stream-a", 0, [contracts.v1("stream-a", 1), contracts.v2("stream-a", 2)])
    wait_until(lambda: broker.queue_depth(dead_letter_queue(name)) == 1, what="the first dead letter")

    # The consumer loop's, its dead-letter sink's and the relay's connections all go.
    assert close_broker_connections(os.getpid()) >= 3
    store.append("stream-a", 2, [contracts.v2("stream-a", 3), contracts.v1("stream-a", 4)])

    wait_until(lambda: consumer.checkpoints().get(source) == 4, what="the stream to go on after the drop")
    wait_until(lambda: broker.queue_depth(dead_letter_queue(name)) == 2, what="the second dead letter")
    assert projection.times_by_position() == {1: 1, 4: 1}
    assert [p for _, p, _ in dead_letter_rows(projection.engine, name)] == [2, 3]
