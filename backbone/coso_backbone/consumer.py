"""The idempotent, ordered consumer with per-source checkpoints and catch-up.

For every source (the `ce-source` of the events) the consumer keeps the last position it
applied, in the same transaction as the projection changes that position caused:
- a position at or below the checkpoint is a duplicate and is skipped;
- the next position is applied;
- a position further on reveals a gap: the missing events are fetched from the source's
  read API first (catch-up), so order is kept even if the broker lost or reordered some.
On start, and whenever it has been idle for a while, the consumer also catches up through
the read API, so a new consumer rebuilds from position 0 and one that was down for a week
rebuilds what it missed.

Events are applied in batches, one transaction per batch. If a handler fails, the batch is
rolled back and applied again with a savepoint per event, so only the failing event is
dead-lettered (with its reason) and the checkpoint moves past it.
"""

from __future__ import annotations

import fnmatch
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, and_, delete, insert, select, update

from coso_backbone.broker import declare_consumer_queue, declare_dead_letter_queue, open_channel
from coso_backbone.config import SourceReadApi
from coso_backbone.deadletters import (
    ORIGINAL_EXCHANGE,
    ORIGINAL_ROUTING_KEY,
    REPLAY,
    DeadLetter,
)
from coso_backbone.envelope import Envelope
from coso_backbone.errors import BackboneError, EventSourceUnavailable, MalformedMessage, UnknownEventVersion
from coso_backbone.handlers import BatchHandler, EventHandlers
from coso_backbone.metrics import (
    CATCH_UPS,
    CONSUMER_LAG,
    CONSUMER_POSITION,
    DEAD_LETTERS,
    DUPLICATES_SKIPPED,
    EVENTS_CONSUMED,
)
from coso_backbone.readapi import EventPage, HttpEventSource, read_page
from coso_backbone.schema import consumer_checkpoints, dead_letters

log = logging.getLogger(__name__)

_MAX_BACKOFF = 10.0  # seconds between reconnection attempts, at most


class HandlerFailed(BackboneError):
    """A handler raised while applying an event (the batch is retried event by event)."""


@dataclass(frozen=True)
class Incoming:
    """An event as it arrived, with what is needed to dead-letter it unchanged."""

    envelope: Envelope
    body: bytes
    headers: Mapping[str, Any]
    exchange: str
    routing_key: str
    replay: bool = False
    # Read through a filtered read API (a link's policy): the position of the event before
    # this one as that source shows it; the positions in between are withheld, not missing.
    follows: int | None = None

    @classmethod
    def from_catch_up(cls, envelope: Envelope, follows: int | None = None) -> Incoming:
        return cls(
            envelope,
            envelope.data_json.encode(),
            envelope.amqp_headers(),
            f"{envelope.producer}.events",
            envelope.routing_key,
            follows=follows,
        )

    @classmethod
    def page(cls, after: int, events: Sequence[Envelope]) -> list[Incoming]:
        """A catch-up page in order: each event follows the one before it (or `after`)."""
        incoming, previous = [], after
        for envelope in events:
            incoming.append(cls.from_catch_up(envelope, follows=previous))
            previous = envelope.sequence
        return incoming

    def dead_letter(self, reason: str) -> DeadLetter:
        return DeadLetter(self.body, dict(self.headers), self.exchange, self.routing_key, reason)


class DeadLetterSink(Protocol):
    """Where dead letters go; the real one is a RabbitMQ queue (DeadLetterQueue)."""

    def send(self, letters: list[DeadLetter]) -> None: ...


@dataclass
class ApplyOutcome:
    applied: int = 0
    duplicates: int = 0
    skipped: int = 0
    dead_lettered: int = 0
    caught_up: int = 0
    unavailable: list[str] = field(default_factory=list)


@dataclass
class _Batch:
    checkpoints: dict[str, int]
    changed: set[str] = field(default_factory=set)
    letters: list[tuple[Incoming, str]] = field(default_factory=list)
    # The run of consecutive events waiting for the same batch handler (fast path only).
    run_handler: BatchHandler | None = None
    run: list[tuple[Envelope, Any]] = field(default_factory=list)

    def flush(self, connection: Connection) -> None:
        if self.run_handler is not None and self.run:
            try:
                self.run_handler(connection, self.run)
            except Exception as exc:
                raise HandlerFailed(str(exc)) from exc
        self.run_handler, self.run = None, []


class Consumer:
    """Applies events from several producers to one service's read models."""

    def __init__(
        self,
        name: str,
        engine: Engine,
        handlers: EventHandlers,
        dead_letter_sink: DeadLetterSink,
        read_apis: Mapping[str, str] | None = None,
        event_source_factory: Callable[..., Any] = HttpEventSource,
        page_size: int = 1000,
        source_read_apis: Mapping[str, SourceReadApi] | None = None,
        accept_sources: Sequence[str] | None = None,
        reject_sources: Sequence[str] = (),
    ) -> None:
        self.name = name
        self._engine = engine
        self._handlers = handlers
        self._dead_letters = dead_letter_sink
        self._read_apis = dict(read_apis or {})  # producer -> base URL
        self._source_read_apis = dict(source_read_apis or {})  # ce-source -> URL and link token
        self._accept_patterns = list(accept_sources) if accept_sources is not None else None
        # Sources never applied even if accepted (e.g. a service's own ce-source, for a consumer
        # of what other deployments publish on the same exchange).
        self._reject_patterns = list(reject_sources)
        self._accepted: dict[str, bool] = {}
        self._sources_by_name: dict[str, Any] = {}  # ce-source -> event source client
        self._event_source_factory = event_source_factory
        self._page_size = page_size
        self._seen: dict[str, int] = {}

    # --- checkpoints -----------------------------------------------------
    def checkpoints(self) -> dict[str, int]:
        with self._engine.connect() as connection:
            return self._load_checkpoints(connection)

    def _load_checkpoints(self, connection: Connection) -> dict[str, int]:
        rows = connection.execute(
            select(consumer_checkpoints.c.source, consumer_checkpoints.c.position).where(
                consumer_checkpoints.c.consumer == self.name
            )
        )
        return {source: int(position) for source, position in rows}

    def _save_checkpoints(self, connection: Connection, batch: _Batch, before: dict[str, int]) -> None:
        for source in batch.changed:
            position = batch.checkpoints[source]
            if source in before:
                connection.execute(
                    update(consumer_checkpoints)
                    .where(and_(consumer_checkpoints.c.consumer == self.name, consumer_checkpoints.c.source == source))
                    .values(position=position)
                )
            else:
                connection.execute(
                    insert(consumer_checkpoints).values(consumer=self.name, source=source, position=position)
                )
            CONSUMER_POSITION.labels(self.name, source).set(position)
            CONSUMER_LAG.labels(self.name, source).set(max(0, self._seen.get(source, position) - position))

    def accepts(self, source: str) -> bool:
        """Whether this consumer applies events of a source (`accept_sources`, default all,
        less `reject_sources`)."""
        accepted = self._accepted.get(source)
        if accepted is None:
            patterns = self._accept_patterns
            accepted = patterns is None or any(fnmatch.fnmatchcase(source, p) for p in patterns)
            accepted = accepted and not any(fnmatch.fnmatchcase(source, p) for p in self._reject_patterns)
            self._accepted[source] = accepted
        return accepted

    def _advance(self, source: str, applied_up_to: int, scanned_to: int) -> None:
        """Move a checkpoint from `applied_up_to` to `scanned_to`: the source scanned that far
        and showed nothing more, so the positions in between are withheld by a link's policy."""
        if scanned_to <= applied_up_to:
            return
        with self._engine.connect().execution_options(coso_write=True) as connection, connection.begin():
            before = self._load_checkpoints(connection)
            position = before.get(source, 0)
            if not applied_up_to <= position < scanned_to:
                return
            batch = _Batch(checkpoints={source: scanned_to}, changed={source})
            self._save_checkpoints(connection, batch, before)

    # --- applying --------------------------------------------------------
    def apply(self, incoming: Sequence[Incoming]) -> ApplyOutcome:
        """Apply events in order; fetch what is missing from the sources' read APIs."""
        outcome = ApplyOutcome()
        if self._accept_patterns is not None or self._reject_patterns:
            accepted = [i for i in incoming if self.accepts(i.envelope.source)]
            outcome.skipped += len(incoming) - len(accepted)
            incoming = accepted
        for item in incoming:
            source = item.envelope.source
            self._seen[source] = max(self._seen.get(source, 0), item.envelope.sequence)
        replays = [i for i in incoming if i.replay]
        pending = [i for i in incoming if not i.replay]
        while pending:
            gap_at = self._apply_until_gap(pending, outcome)
            if gap_at is None:
                break
            envelope = pending[gap_at].envelope
            try:
                self._fill_gap(envelope.source, envelope.producer, envelope.sequence - 1, outcome)
            except EventSourceUnavailable as exc:
                if envelope.source not in self._source_read_apis:
                    raise
                # A source behind a link (another authority's stack) whose read API does not
                # answer must not hold back the others: its events stay after its checkpoint
                # and come again through catch-up once its read API answers.
                outcome.unavailable.append(envelope.source)
                log.warning("consumer %s: passing over %s for now: %s", self.name, envelope.source, exc)
                pending = [i for i in pending[gap_at:] if i.envelope.source != envelope.source]
                continue
            pending = pending[gap_at:]
        if replays:
            self._replay(replays, outcome)
        return outcome

    def _apply_until_gap(self, pending: Sequence[Incoming], outcome: ApplyOutcome) -> int | None:
        try:
            return self._apply_batch(pending, outcome, careful=False)
        except HandlerFailed:
            return self._apply_batch(pending, outcome, careful=True)

    def _apply_batch(self, pending: Sequence[Incoming], outcome: ApplyOutcome, careful: bool) -> int | None:
        local = ApplyOutcome()
        gap_at: int | None = None
        with self._engine.connect().execution_options(coso_write=True) as connection, connection.begin():
            before = self._load_checkpoints(connection)
            batch = _Batch(checkpoints=dict(before))
            for index, item in enumerate(pending):
                envelope = item.envelope
                position = batch.checkpoints.get(envelope.source, 0)
                if envelope.sequence <= position:
                    local.duplicates += 1
                    DUPLICATES_SKIPPED.labels(self.name, envelope.source).inc()
                    continue
                if envelope.sequence > position + 1 and (item.follows is None or item.follows > position):
                    gap_at = index
                    break
                self._apply_one(connection, item, batch, local, careful)
                batch.checkpoints[envelope.source] = envelope.sequence
                batch.changed.add(envelope.source)
            batch.flush(connection)
            self._save_checkpoints(connection, batch, before)
            self._record_dead_letters(connection, batch)
        for field_name in ("applied", "duplicates", "skipped", "dead_lettered"):
            setattr(outcome, field_name, getattr(outcome, field_name) + getattr(local, field_name))
        return gap_at

    def _apply_one(
        self, connection: Connection, item: Incoming, batch: _Batch, outcome: ApplyOutcome, careful: bool
    ) -> None:
        envelope = item.envelope
        try:
            resolved = self._handlers.resolve(envelope)
            if resolved is None:
                outcome.skipped += 1
                return
            data = resolved.parse(envelope)
        except (UnknownEventVersion, MalformedMessage) as exc:
            batch.letters.append((item, str(exc)))
            outcome.dead_lettered += 1
            return
        if not careful:
            if batch.run_handler is not resolved.handler:
                batch.flush(connection)
                batch.run_handler = resolved.handler
            batch.run.append((envelope, data))
        else:
            savepoint = connection.begin_nested()
            try:
                resolved.handler(connection, [(envelope, data)])
                savepoint.commit()
            except Exception as exc:  # noqa: BLE001 - any handler failure becomes a dead letter
                savepoint.rollback()
                batch.letters.append((item, f"handler failed: {type(exc).__name__}: {exc}"))
                outcome.dead_lettered += 1
                return
        outcome.applied += 1
        EVENTS_CONSUMED.labels(self.name, envelope.source).inc()

    def _record_dead_letters(self, connection: Connection, batch: _Batch) -> None:
        if not batch.letters:
            return
        now = datetime.now(UTC)
        for item, reason in batch.letters:
            envelope = item.envelope
            key = and_(
                dead_letters.c.consumer == self.name,
                dead_letters.c.source == envelope.source,
                dead_letters.c.position == envelope.sequence,
            )
            connection.execute(delete(dead_letters).where(key))
            connection.execute(
                insert(dead_letters).values(
                    consumer=self.name,
                    source=envelope.source,
                    position=envelope.sequence,
                    event_type=envelope.type,
                    reason=reason,
                    dead_lettered_at=now,
                )
            )
            log.warning("consumer %s: dead letter %s #%s: %s", self.name, envelope.type, envelope.sequence, reason)
        # Sent before the transaction commits: if sending fails, nothing is acknowledged
        # and the events come again; a letter sent twice is replayed once (see deadletters).
        self._dead_letters.send([item.dead_letter(reason) for item, reason in batch.letters])
        DEAD_LETTERS.labels(self.name).inc(len(batch.letters))

    def _replay(self, replays: Sequence[Incoming], outcome: ApplyOutcome) -> None:
        for item in replays:
            envelope = item.envelope
            with self._engine.connect().execution_options(coso_write=True) as connection:
                with connection.begin():
                    key = and_(
                        dead_letters.c.consumer == self.name,
                        dead_letters.c.source == envelope.source,
                        dead_letters.c.position == envelope.sequence,
                    )
                    if connection.execute(select(dead_letters.c.position).where(key)).first() is None:
                        outcome.duplicates += 1
                        continue
                    batch = _Batch(checkpoints={})
                    connection.execute(delete(dead_letters).where(key))
                    self._apply_one(connection, item, batch, outcome, careful=True)
                    self._record_dead_letters(connection, batch)

    def dead_letter_unparsable(
        self, body: bytes, headers: Mapping[str, Any], exchange: str, routing_key: str, reason: str
    ) -> None:
        """A message that is not even a valid envelope: to the dead-letter queue as it is."""
        log.warning("consumer %s: malformed message on %s/%s: %s", self.name, exchange, routing_key, reason)
        self._dead_letters.send([DeadLetter(body, dict(headers), exchange, routing_key, reason)])
        DEAD_LETTERS.labels(self.name).inc()

    # --- catch-up through the read API ------------------------------------
    def _client_for(self, api: SourceReadApi) -> Any:
        if api.token is None:
            return self._event_source_factory(api.url)
        return self._event_source_factory(api.url, api.token)

    def _source_client(self, source: str, producer: str) -> Any:
        client = self._sources_by_name.get(source)
        if client is None:
            per_source = self._source_read_apis.get(source)
            if per_source is not None:
                client = self._client_for(per_source)
            else:
                url = self._read_apis.get(producer)
                if url is None:
                    raise EventSourceUnavailable(f"no read API is configured for producer {producer!r} ({source})")
                client = self._event_source_factory(url)
            self._sources_by_name[source] = client
        return client

    def _fill_gap(self, source: str, producer: str, until: int, outcome: ApplyOutcome) -> None:
        client = self._source_client(source, producer)
        while True:
            position = self.checkpoints().get(source, 0)
            if position >= until:
                return
            page = read_page(client, position, self._page_size)
            envelopes = [e for e in page.events if e.source == source]
            if not envelopes and page.scanned_to <= position:
                raise EventSourceUnavailable(f"{source} has no events after {position}, but {until} was seen")
            self._apply_page(source, position, EventPage(envelopes, page.scanned_to), outcome)

    def _apply_page(self, source: str, after: int, page: EventPage, outcome: ApplyOutcome) -> None:
        if page.events:
            CATCH_UPS.labels(self.name, source).inc(len(page.events))
            outcome.caught_up += len(page.events)
            self._apply_until_gap(Incoming.page(after, page.events), outcome)
        self._advance(source, page.events[-1].sequence if page.events else after, page.scanned_to)

    def catch_up(self) -> ApplyOutcome:
        """Apply everything each configured source has after our checkpoint.

        A source whose read API cannot be reached is reported and passed over, so one
        producer being down does not hold back the others; its events still come through
        the broker, and a gap in them is filled once its read API answers again.
        """
        outcome = ApplyOutcome()
        producers = self._handlers.producers()
        targets: list[tuple[str, Callable[[], Any]]] = []
        for producer, url in self._read_apis.items():
            if producer in producers:
                targets.append((producer, partial(self._event_source_factory, url)))
        for source, api in self._source_read_apis.items():
            if _producer_of(source) in producers and self.accepts(source):
                targets.append((source, partial(self._client_for, api)))
        for name, make_client in targets:
            try:
                self._catch_up_with(make_client(), outcome)
            except EventSourceUnavailable as exc:
                outcome.unavailable.append(name)
                log.warning("consumer %s: cannot catch up with %s now: %s", self.name, name, exc)
        return outcome

    def _catch_up_with(self, client: Any, outcome: ApplyOutcome) -> None:
        source = client.info()["source"]
        if not self.accepts(source):
            return
        self._sources_by_name.setdefault(source, client)
        while True:
            position = self.checkpoints().get(source, 0)
            page = read_page(client, position, self._page_size)
            for envelope in page.events:
                self._seen[source] = max(self._seen.get(source, 0), envelope.sequence)
            self._apply_page(source, position, page, outcome)
            if page.scanned_to <= position or self.checkpoints().get(source, 0) <= position:
                break


def _producer_of(source: str) -> str:
    """`/coso/<deployment>/<producer>` -> producer."""
    return source.rstrip("/").rsplit("/", 1)[-1]


class ConsumerLoop:
    """Runs a Consumer against RabbitMQ: batches deliveries, acks after commit."""

    def __init__(
        self,
        consumer: Consumer,
        amqp_uri: str,
        producers: Sequence[str],
        batch_size: int = 500,
        max_wait: float = 0.05,
        idle_catch_up: float = 30.0,
        routing_keys: Sequence[str] | None = None,
        exchange: Callable[[str], str] | None = None,
    ) -> None:
        self._consumer = consumer
        self._routing_keys = list(routing_keys) if routing_keys else None
        self._exchange = exchange  # producer -> the exchange its queue is bound to (default <producer>.events)
        self._uri = amqp_uri
        self._producers = list(producers)
        self._batch_size = batch_size
        self._max_wait = max_wait
        self._idle_catch_up = idle_catch_up
        self._buffer: list[Any] = []
        self._made_progress = False

    def _exchange_of(self, producer: str) -> str | None:
        return self._exchange(producer) if self._exchange is not None else None

    def declare(self) -> None:
        connection, channel = open_channel(self._uri)
        try:
            for producer in self._producers:
                declare_consumer_queue(
                    channel, self._consumer.name, producer, self._routing_keys, self._exchange_of(producer)
                )
            declare_dead_letter_queue(channel, self._consumer.name)
        finally:
            connection.release()

    def run(self, stop: threading.Event) -> None:
        backoff = 0.5
        while not stop.is_set():
            self._made_progress = False
            connected_at = time.monotonic()
            try:
                self._run_connected(stop)
            except Exception as exc:  # noqa: BLE001 - reconnect on any broker or source failure
                if self._made_progress or time.monotonic() - connected_at > _MAX_BACKOFF:
                    backoff = 0.5  # it had been working: a new failure starts a new backoff
                log.warning("consumer %s: %s; reconnecting in %.1fs", self._consumer.name, exc, backoff)
                self._buffer.clear()
                stop.wait(backoff)
                backoff = min(backoff * 2, _MAX_BACKOFF)

    def _run_connected(self, stop: threading.Event) -> None:
        connection, channel = open_channel(self._uri, heartbeat=0)
        try:
            for producer in self._producers:
                declare_consumer_queue(
                    channel, self._consumer.name, producer, self._routing_keys, self._exchange_of(producer)
                )
            declare_dead_letter_queue(channel, self._consumer.name)
            self._consumer.catch_up()
            channel.basic_qos(0, self._batch_size * 2, False)
            for producer in self._producers:
                channel.basic_consume(f"{self._consumer.name}.{producer}", callback=self._buffer.append)
            raw = connection.connection
            last_activity = time.monotonic()
            while not stop.is_set():
                deadline = time.monotonic() + self._max_wait
                while len(self._buffer) < self._batch_size and time.monotonic() < deadline:
                    try:
                        raw.drain_events(timeout=max(0.001, deadline - time.monotonic()))
                    except TimeoutError:
                        break
                if self._buffer:
                    self._process(channel)
                    last_activity = time.monotonic()
                elif time.monotonic() - last_activity > self._idle_catch_up:
                    self._consumer.catch_up()
                    last_activity = time.monotonic()
        finally:
            self._buffer.clear()
            connection.release()

    def _process(self, channel: Any) -> None:
        messages, self._buffer[:] = list(self._buffer), []
        incoming = []
        for message in messages:
            headers = dict(message.headers or {})
            info = message.delivery_info or {}
            exchange = str(info.get("exchange", ""))
            routing_key = str(info.get("routing_key", ""))
            if headers.get(REPLAY):
                exchange = str(headers.get(ORIGINAL_EXCHANGE, ""))
                routing_key = str(headers.get(ORIGINAL_ROUTING_KEY, ""))
            try:
                envelope = Envelope.from_amqp(headers, message.body)
            except MalformedMessage as exc:
                self._consumer.dead_letter_unparsable(message.body, headers, exchange, routing_key, str(exc))
                continue
            incoming.append(
                Incoming(envelope, message.body, headers, exchange, routing_key, replay=bool(headers.get(REPLAY)))
            )
        self._consumer.apply(incoming)
        channel.basic_ack(messages[-1].delivery_tag, multiple=True)
        self._made_progress = True
