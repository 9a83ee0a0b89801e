"""The outbox relay against real failures: a killed relay process, a dropped broker connection.

The relay runs as its own process (tests/relay_process.py) so it can be SIGKILLed and so
its broker connections can be told apart from the test's. The consumer is the real
Consumer + ConsumerLoop with a projection that counts every application per event; it has
no read API configured, so everything it applies came through RabbitMQ from the relay.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import Engine, select

from coso_backbone.consumer import Consumer, ConsumerLoop
from coso_backbone.envelope import Envelope
from coso_backbone.errors import PublishFailed
from coso_backbone.eventstore import EventStore
from coso_backbone.relay import OutboxRelay
from coso_backbone.schema import relay_checkpoints

RELAY_SCRIPT = Path(__file__).with_name("relay_process.py")
EVENTS = 10_000

pytestmark = [pytest.mark.rabbitmq]


class RelayProcesses:
    def __init__(self, log_dir: Path) -> None:
        self._log_dir = log_dir
        self.started: list[subprocess.Popen[bytes]] = []
        self._logs: dict[int, Path] = {}

    def start(
        self, database_url: str, amqp_uri: str, producer: str, source: str, batch_size: int
    ) -> subprocess.Popen[bytes]:
        path = self._log_dir / f"relay-{len(self.started)}.log"
        log = open(path, "wb")  # noqa: SIM115 - the child keeps its own handle
        process = subprocess.Popen(
            [sys.executable, str(RELAY_SCRIPT), database_url, amqp_uri, producer, source, str(batch_size)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.started.append(process)
        self._logs[process.pid] = path
        return process

    def log(self, process: subprocess.Popen[bytes]) -> str:
        return self._logs[process.pid].read_text(errors="replace")

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


@pytest.fixture
def relays(tmp_path: Path) -> Iterator[RelayProcesses]:
    processes = RelayProcesses(tmp_path)
    yield processes
    processes.stop_all()


def relay_checkpoint(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.scalar(select(relay_checkpoints.c.position).where(relay_checkpoints.c.relay == "relay")) or 0
        )


def duplicates_skipped(consumer: str, source: str) -> float:
    return REGISTRY.get_sample_value("coso_duplicates_skipped_total", {"consumer": consumer, "source": source}) or 0.0


def counting_consumer(
    broker: Any, amqp_uri: str, engine: Engine, projection: Any, contracts: Any
) -> tuple[Consumer, ConsumerLoop]:
    name = broker.consumer_name()
    consumer = Consumer(name, engine, projection.handlers(contracts), broker.dead_letter_sink(name))
    loop = ConsumerLoop(consumer, amqp_uri, [contracts.producer])
    loop.declare()
    return consumer, loop


def assert_projection_equals_store(
    projection: Any, store: EventStore, stream_counts_in: Callable[[EventStore], dict[str, int]]
) -> None:
    times = projection.times_by_position()
    assert len(times) == EVENTS
    assert times == dict.fromkeys(range(1, EVENTS + 1), 1), {p: t for p, t in times.items() if t != 1}
    assert projection.stream_counts() == stream_counts_in(store)


class RecordingPublisher:
    """Stands in for the broker in the relay's bookkeeping tests; fails its first `failures` batches."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.batches: list[list[Envelope]] = []
        self.closed = 0

    def publish(self, envelopes: list[Envelope]) -> None:
        if self.failures:
            self.failures -= 1
            raise PublishFailed("RabbitMQ refused (nacked) a published message")
        self.batches.append(list(envelopes))

    def close(self) -> None:
        self.closed += 1


def test_the_relay_publishes_in_position_order_and_records_only_what_the_broker_confirmed(
    database_url: str, run_id: str, contracts: Any, engines: Callable[[str], Engine], seed: Callable[..., Any]
) -> None:
    store = EventStore(engines(database_url))
    seed(store, contracts, 25)
    publisher = RecordingPublisher(failures=1)
    relay = OutboxRelay(store, publisher, contracts.producer, f"/coso/test/{run_id}", batch_size=10)

    with pytest.raises(PublishFailed):
        relay.publish_pending()
    assert relay.position() == 0

    assert [relay.publish_pending() for _ in range(4)] == [10, 10, 5, 0]
    assert [[e.sequence for e in batch] for batch in publisher.batches] == [
        list(range(1, 11)),
        list(range(11, 21)),
        list(range(21, 26)),
    ]
    assert relay.position() == 25
    published = [e for batch in publisher.batches for e in batch]
    assert published == [
        Envelope.from_recorded(e, contracts.producer, f"/coso/test/{run_id}") for e in store.read_after(0)
    ]


def test_a_running_relay_retries_a_failed_batch_from_its_checkpoint(
    sqlite_url: str,
    run_id: str,
    contracts: Any,
    engines: Callable[[str], Engine],
    seed: Callable[..., Any],
    background: Any,
    wait_until: Callable[..., Any],
) -> None:
    store = EventStore(engines(sqlite_url))
    seed(store, contracts, 25)
    publisher = RecordingPublisher(failures=2)
    relay = OutboxRelay(store, publisher, contracts.producer, f"/coso/test/{run_id}", batch_size=10)

    background.start(relay.run, "relay")
    wait_until(lambda: relay.position() == 25, what="the relay to get past the failures")
    seed(store, contracts, 3)
    wait_until(lambda: relay.position() == 28, what="the relay to publish new events")

    assert [e.sequence for batch in publisher.batches for e in batch] == list(range(1, 29))
    assert publisher.closed >= 2, "the publisher is reset after each failure"


@pytest.mark.postgres
def test_a_relay_killed_mid_publishing_and_restarted_delivers_every_event_exactly_once(
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
    relays: RelayProcesses,
    background: Any,
    wait_until: Callable[..., Any],
) -> None:
    source = f"/coso/test/{run_id}"
    store_engine = engines(postgres_url)
    store = EventStore(store_engine)
    seed(store, contracts, EVENTS)
    projection = projection_on(engines(consumer_sqlite_url))
    consumer, loop = counting_consumer(broker, amqp_uri, projection.engine, projection, contracts)
    queue = f"{consumer.name}.{contracts.producer}"

    killed_at, in_queue = 0, 0
    for _attempt in range(3):
        relay = relays.start(postgres_url, amqp_uri, contracts.producer, source, batch_size=500)

        def mid_batch(after: int = killed_at) -> bool:
            checkpoint = relay_checkpoint(store_engine)
            # Confirmed up to the checkpoint, and already more published: a batch is in flight.
            return after < checkpoint < EVENTS and broker.queue_depth(queue) > checkpoint

        wait_until(mid_batch, what="the relay to be mid-batch", interval=0.002)
        relay.send_signal(signal.SIGKILL)
        assert relay.wait(timeout=10) == -signal.SIGKILL
        killed_at, in_queue = relay_checkpoint(store_engine), broker.queue_depth(queue)
        if in_queue > killed_at:
            break  # (rarely, the batch was confirmed and recorded just before the kill: again)
    assert 0 < killed_at < in_queue < EVENTS + killed_at

    relays.start(postgres_url, amqp_uri, contracts.producer, source, batch_size=500)
    background.start(loop.run, "consumer")
    wait_until(lambda: relay_checkpoint(store_engine) == EVENTS, what="the restarted relay to finish")
    wait_until(
        lambda: consumer.checkpoints().get(source) == EVENTS,
        what="the consumer to apply everything",
    )

    assert_projection_equals_store(projection, store, store_stream_counts)
    # What was published after the last checkpoint was published again: those were skipped.
    assert duplicates_skipped(consumer.name, source) == in_queue - killed_at


def test_a_relay_whose_broker_connection_is_dropped_while_publishing_reconnects_and_loses_nothing(
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
    relays: RelayProcesses,
    background: Any,
    wait_until: Callable[..., Any],
    close_broker_connections: Callable[..., int],
    caplog: pytest.LogCaptureFixture,
) -> None:
    source = f"/coso/test/{run_id}"
    store_engine = engines(sqlite_url)
    store = EventStore(store_engine)
    seed(store, contracts, EVENTS)
    projection = projection_on(engines(postgres_url))
    consumer, loop = counting_consumer(broker, amqp_uri, projection.engine, projection, contracts)
    background.start(loop.run, "consumer")

    relay = relays.start(sqlite_url, amqp_uri, contracts.producer, source, batch_size=100)
    wait_until(lambda: relay_checkpoint(store_engine) > 0, what="the relay to publish")

    drops = 0
    while drops < 3 and (before := relay_checkpoint(store_engine)) < EVENTS:
        # The relay's connection and the consumer's (this process's) go at once.
        drops += close_broker_connections(relay.pid, os.getpid())
        wait_until(
            lambda before=before: relay_checkpoint(store_engine) > before,
            what="the relay to reconnect and go on",
        )

    wait_until(lambda: relay_checkpoint(store_engine) == EVENTS, what="the relay to finish")
    wait_until(
        lambda: consumer.checkpoints().get(source) == EVENTS,
        what="the consumer to apply everything",
    )

    assert relay.poll() is None, "the relay process survives the dropped connections"
    relay_log = relays.log(relay)
    assert relay_log.count("publishing failed") >= 1, "a connection was dropped while the relay was publishing"
    assert "CONNECTION_FORCED" in relay_log
    consumer_log = [r.getMessage() for r in caplog.records if r.name == "coso_backbone.consumer"]
    assert any("reconnecting" in message for message in consumer_log), "the consumer lost its connection too"
    assert_projection_equals_store(projection, store, store_stream_counts)
