"""Shared fixtures of the backbone's tests.

Everything a test creates is its own: contracts registered under a producer named after
the test's `run_id`, RabbitMQ exchanges and queues derived from it (deleted afterwards),
databases from `coso_backbone.testing`. Helpers are fixtures because test modules are
imported with `--import-mode=importlib` and cannot import each other.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import amqp
import pytest
from sqlalchemy import Column, Connection, Engine, Integer, MetaData, String, Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from coso_backbone import contracts as contract_registry
from coso_backbone import readapi, testing
from coso_backbone.broker import (
    DEAD_LETTER_EXCHANGE,
    ConfirmingPublisher,
    consumer_queue,
    dead_letter_queue,
    events_exchange,
    open_channel,
)
from coso_backbone.contracts import ContractType, EventContract, contract
from coso_backbone.database import create_database_engine
from coso_backbone.deadletters import DeadLetterQueue
from coso_backbone.envelope import Envelope
from coso_backbone.events import NewEvent, RecordedEvent
from coso_backbone.eventstore import EventStore, StreamAppend
from coso_backbone.handlers import EventHandlers
from coso_backbone.migrate import upgrade_backbone

AUTHORITY = "hn"


# --- polling -------------------------------------------------------------
@pytest.fixture
def wait_until() -> Callable[..., Any]:
    """Poll a predicate until it is truthy, failing the test at the deadline."""
    return testing.wait_until


# --- contracts -----------------------------------------------------------
@dataclass(frozen=True)
class CountedContracts:
    producer: str
    counted_v1: ContractType
    counted_v2: ContractType

    def v1(self, stream: str, n: int) -> NewEvent:
        return self.counted_v1(stream=stream, n=n).to_new_event(AUTHORITY)

    def v2(self, stream: str, n: int, note: str = "v2") -> NewEvent:
        return self.counted_v2(stream=stream, n=n, note=note).to_new_event(AUTHORITY)


@pytest.fixture
def contracts(run_id: str) -> Iterator[CountedContracts]:
    """Contract models of a producer that exists for this test only (producer = run_id)."""
    producer = run_id

    @contract(producer, "Counted", 1)
    class CountedV1(EventContract):
        stream: str
        n: int

    @contract(producer, "Counted", 2)
    class CountedV2(EventContract):
        stream: str
        n: int
        note: str

    yield CountedContracts(producer, CountedV1, CountedV2)
    for version in (1, 2):
        contract_registry._REGISTRY.pop((producer, "Counted", version), None)


# --- databases -----------------------------------------------------------
@pytest.fixture
def engines() -> Iterator[Callable[[str], Engine]]:
    """Open an engine on a URL with the backbone's tables; disposed after the test."""
    opened: list[Engine] = []

    def open_engine(url: str) -> Engine:
        engine = create_database_engine(url)
        upgrade_backbone(engine)
        opened.append(engine)
        return engine

    yield open_engine
    for engine in opened:
        engine.dispose()


@pytest.fixture
def consumer_sqlite_url(tmp_path: Path) -> str:
    """A SQLite file for a consumer's read models, apart from any event store file."""
    return f"sqlite:///{tmp_path / 'consumer.db'}"


def _seed(
    store: EventStore, contracts: CountedContracts, count: int, streams: int = 20, batch: int = 500
) -> list[RecordedEvent]:
    """Append `count` Counted v1 events over `streams` streams, in multi-stream batches."""
    base = store.last_position()
    stream_ids = [f"stream-{s}" for s in range(streams)]
    with store.transaction() as tx:
        versions = {stream_id: tx.stream_version(stream_id) for stream_id in stream_ids}
    recorded: list[RecordedEvent] = []
    for start in range(0, count, batch):
        by_stream: dict[str, list[NewEvent]] = {}
        for n in range(base + start, base + min(count, start + batch)):
            stream_id = stream_ids[n % streams]
            by_stream.setdefault(stream_id, []).append(contracts.v1(stream_id, n))
        recorded += store.append_many([StreamAppend(s, versions[s], new) for s, new in by_stream.items()])
        for stream_id, new in by_stream.items():
            versions[stream_id] += len(new)
    return recorded


@pytest.fixture
def seed() -> Callable[..., list[RecordedEvent]]:
    return _seed


def stream_counts_in(store: EventStore) -> dict[str, int]:
    counts: dict[str, int] = {}
    position = 0
    while page := store.read_after(position, 5000):
        for event in page:
            counts[event.stream_id] = counts.get(event.stream_id, 0) + 1
        position = page[-1].position
    return counts


@pytest.fixture
def store_stream_counts() -> Callable[[EventStore], dict[str, int]]:
    return stream_counts_in


# --- a projection that counts every application --------------------------
projection_metadata = MetaData()
applied_events = Table(
    "test_applied_events",
    projection_metadata,
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("stream_id", String(200), nullable=False),
    Column("event_version", Integer, nullable=False),
    Column("times", Integer, nullable=False),
    Column("first_order", Integer, nullable=False),
)
stream_counts = Table(
    "test_stream_counts",
    projection_metadata,
    Column("stream_id", String(200), primary_key=True),
    Column("events", Integer, nullable=False),
)


class CountingProjection:
    """Counts, per event and per stream, how many times the consumer applied it.

    A duplicate applied twice shows as `times == 2`, so tests can assert exactly-once per
    event. Handlers raise for the positions in `fail_on`.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.fail_on: set[int] = set()
        self._order = itertools.count(1)
        projection_metadata.create_all(engine)

    def handle(self, connection: Connection, envelope: Envelope, data: Any) -> None:
        if envelope.sequence in self.fail_on:
            raise RuntimeError(f"projection refuses event {envelope.sequence}")
        assert data.stream == envelope.subject
        insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
        new_event = insert(applied_events).values(
            position=envelope.sequence,
            stream_id=envelope.subject,
            event_version=envelope.version,
            times=1,
            first_order=next(self._order),
        )
        connection.execute(
            new_event.on_conflict_do_update(index_elements=["position"], set_={"times": applied_events.c.times + 1})
        )
        counted = insert(stream_counts).values(stream_id=envelope.subject, events=1)
        connection.execute(
            counted.on_conflict_do_update(index_elements=["stream_id"], set_={"events": stream_counts.c.events + 1})
        )

    def handlers(self, contracts: CountedContracts, versions: Sequence[int] = (1,)) -> EventHandlers:
        models = {1: contracts.counted_v1, 2: contracts.counted_v2}
        result = EventHandlers()
        for version in versions:
            result.on(models[version], self.handle)
        return result

    def times_by_position(self) -> dict[int, int]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(applied_events.c.position, applied_events.c.times))
            return {int(p): int(t) for p, t in rows}

    def applied_order(self) -> list[int]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(applied_events.c.position).order_by(applied_events.c.first_order))
            return [int(p) for (p,) in rows]

    def versions_by_position(self) -> dict[int, int]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(applied_events.c.position, applied_events.c.event_version))
            return {int(p): int(v) for p, v in rows}

    def stream_counts(self) -> dict[str, int]:
        with self.engine.connect() as connection:
            return {s: int(n) for s, n in connection.execute(select(stream_counts.c.stream_id, stream_counts.c.events))}


@pytest.fixture
def projection_on() -> Callable[[Engine], CountingProjection]:
    return CountingProjection


# --- RabbitMQ --------------------------------------------------------------
class Broker:
    """The test's RabbitMQ names, helpers to look inside, and cleanup of what it declared."""

    def __init__(self, amqp_uri: str, run_id: str) -> None:
        self.uri = amqp_uri
        self.run_id = run_id
        self.producers: set[str] = {run_id}
        self.consumers: set[str] = set()
        self._connection: Any = None
        self._channel: Any = None
        self._closables: list[DeadLetterQueue | ConfirmingPublisher] = []

    def dead_letter_sink(self, consumer: str) -> DeadLetterQueue:
        """A consumer's real dead-letter queue publisher, closed after the test."""
        sink = DeadLetterQueue(self.uri, consumer)
        self._closables.append(sink)
        return sink

    def publisher(self, producer: str) -> ConfirmingPublisher:
        """A real confirming publisher to a producer's exchange, closed after the test."""
        publisher = ConfirmingPublisher(self.uri, producer)
        self._closables.append(publisher)
        return publisher

    def consumer_name(self, label: str = "consumer") -> str:
        name = f"{self.run_id}-{label}"
        self.consumers.add(name)
        return name

    def channel(self) -> Any:
        if self._channel is None or not self._channel.is_open:
            self.close()
            self._connection, self._channel = open_channel(self.uri)
            self._channel.confirm_select()
        return self._channel

    def _on_channel(self, operation: Callable[[Any], Any]) -> Any:
        try:
            return operation(self.channel())
        except (OSError, amqp.exceptions.ConnectionError):
            # The test may have had the broker drop this process's connections: once more.
            self.close()
            return operation(self.channel())

    def queue_depth(self, queue: str) -> int:
        _, count, _ = self._on_channel(lambda channel: channel.queue_declare(queue, passive=True))
        return int(count)

    def queue_consumers(self, queue: str) -> int:
        _, _, consumers = self._on_channel(lambda channel: channel.queue_declare(queue, passive=True))
        return int(consumers)

    def publish_raw(self, exchange: str, routing_key: str, body: bytes, headers: dict[str, Any]) -> None:
        message = amqp.Message(body, application_headers=headers, delivery_mode=2)
        self._on_channel(
            lambda channel: channel.basic_publish_confirm(message, exchange=exchange, routing_key=routing_key)
        )

    def get_all(self, queue: str) -> list[amqp.Message]:
        """Take every message out of a queue (acknowledged: they are gone)."""

        def take(channel: Any) -> list[amqp.Message]:
            taken = []
            while (message := channel.basic_get(queue, no_ack=True)) is not None:
                taken.append(message)
            return taken

        return self._on_channel(take)

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.release()
        self._connection = self._channel = None

    def delete_everything(self) -> None:
        for closable in self._closables:
            closable.close()
        self.close()
        connection, channel = open_channel(self.uri)
        try:
            for consumer in self.consumers:
                for producer in self.producers:
                    channel.queue_delete(consumer_queue(consumer, producer))
                channel.queue_unbind(dead_letter_queue(consumer), DEAD_LETTER_EXCHANGE, consumer)
                channel.queue_delete(dead_letter_queue(consumer))
            for producer in self.producers:
                channel.exchange_delete(events_exchange(producer))
        finally:
            connection.release()


@pytest.fixture
def broker(amqp_uri: str, run_id: str) -> Iterator[Broker]:
    names = Broker(amqp_uri, run_id)
    yield names
    names.delete_everything()


def _broker_ports(pid: int, amqp_port: int) -> set[int]:
    """Local ports of the TCP connections a process holds to the broker."""
    inodes = set()
    fd_dir = Path(f"/proc/{pid}/fd")
    for fd in fd_dir.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = set()
    for table in ("tcp", "tcp6"):
        path = Path(f"/proc/{pid}/net/{table}")
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            local, remote, state, inode = fields[1], fields[2], fields[3], fields[9]
            if inode in inodes and state == "01" and int(remote.rsplit(":", 1)[1], 16) == amqp_port:
                ports.add(int(local.rsplit(":", 1)[1], 16))
    return ports


def _close_broker_connections(*pids: int, amqp_port: int = 5672) -> int:
    """Have RabbitMQ force-close every connection these processes hold; return how many.

    One `rabbitmqctl eval` finds the connections by their peer port and closes them, as
    `rabbitmqctl close_connection` would (the client gets CONNECTION_FORCED).
    """
    ports = set().union(*(_broker_ports(pid, amqp_port) for pid in pids))
    if not ports:
        return 0
    expression = (
        '[rabbit_networking:close_connection(Pid, "test: connection dropped") '
        "|| Pid <- rabbit_networking:connections(), lists:member(proplists:get_value(peer_port, "
        f"rabbit_networking:connection_info(Pid, [peer_port])), [{','.join(map(str, sorted(ports)))}])]."
    )
    for attempt in range(_RABBITMQCTL_ATTEMPTS):
        run = subprocess.run(["rabbitmqctl", "-q", "eval", expression], capture_output=True, text=True, timeout=30)
        if run.returncode not in _NODE_UNREACHED or attempt == _RABBITMQCTL_ATTEMPTS - 1:
            break
        time.sleep(1.0)  # the CLI did not reach the node (a loaded machine): nothing was closed
    run.check_returncode()
    return run.stdout.count("ok")


# rabbitmqctl's exit codes when it could not reach the node (69: unavailable, 75: temporary
# failure); under load it sometimes gives up before the node answers.
_NODE_UNREACHED = (69, 75)
_RABBITMQCTL_ATTEMPTS = 3


@pytest.fixture
def close_broker_connections() -> Callable[..., int]:
    """Make RabbitMQ drop the connections of processes (by pid), as a broker failure would."""
    return _close_broker_connections


# --- background loops --------------------------------------------------------
class Background:
    def __init__(self) -> None:
        self._running: list[tuple[threading.Event, threading.Thread]] = []

    def start(self, loop: Callable[[threading.Event], None], name: str) -> threading.Event:
        stop = threading.Event()
        thread = threading.Thread(target=loop, args=(stop,), name=name, daemon=True)
        thread.start()
        self._running.append((stop, thread))
        return stop

    def stop(self, stop: threading.Event) -> None:
        stop.set()
        for event, thread in self._running:
            if event is stop:
                thread.join(timeout=15)
                assert not thread.is_alive(), f"{thread.name} did not stop"

    def stop_all(self) -> None:
        for stop, _ in self._running:
            stop.set()
        for _, thread in self._running:
            thread.join(timeout=15)


@pytest.fixture
def background() -> Iterator[Background]:
    """Run loops (relay, consumer) in threads; all are stopped at the end of the test."""
    running = Background()
    yield running
    running.stop_all()


# --- the read API --------------------------------------------------------------
@pytest.fixture
def serve_read_api() -> Iterator[Callable[[EventStore, str, str], str]]:
    """Serve `readapi.page/info` for a store over HTTP on 127.0.0.1; return the base URL."""
    servers: list[ThreadingHTTPServer] = []

    def serve(store: EventStore, producer: str, source: str) -> str:
        class ReadApi(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = parse_qs(url.query)
                try:
                    if url.path == "/events/info":
                        body, status = readapi.info(store, producer, source), 200
                    elif url.path == "/events":
                        after = int(query.get("after", ["0"])[0])
                        limit = int(query.get("limit", ["1000"])[0])
                        body, status = readapi.page(store, producer, source, after, limit), 200
                    else:
                        body, status = {"detail": "not found"}, 404
                except ValueError as exc:
                    body, status = {"detail": str(exc)}, 400
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), ReadApi)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()
