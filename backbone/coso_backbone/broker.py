"""RabbitMQ topology and a publisher with batched confirms.

Topology (declared idempotently by whoever starts first; deploy/ ships the same as
RabbitMQ definitions):
- `<service>.events`: durable topic exchange per producer; routing key = event type.
- `<consumer>.<producer>`: a consumer's durable queue, bound with `#`.
- `<producer>.superior-rules`: durable topic exchange on a lower authority's stack where a link
  delivers its superior's `RulesAdopted` of that producer (docs/FEDERATION.md); only the
  consumer of those rules reads it, so the stack's other consumers never see them.
- `coso.dead-letters`: durable direct exchange; `<consumer>.dead-letters` queues are bound
  to it with the consumer's name as routing key.
"""

from __future__ import annotations

import contextlib
import errno
import time
from collections.abc import Sequence
from typing import Any

import amqp
from kombu import Connection

from coso_backbone.envelope import CONTENT_TYPE, Envelope
from coso_backbone.errors import PublishFailed

DEAD_LETTER_EXCHANGE = "coso.dead-letters"


def events_exchange(producer: str) -> str:
    return f"{producer}.events"


def superior_rules_exchange(producer: str) -> str:
    return f"{producer}.superior-rules"


def consumer_queue(consumer: str, producer: str) -> str:
    return f"{consumer}.{producer}"


def dead_letter_queue(consumer: str) -> str:
    return f"{consumer}.dead-letters"


def open_channel(amqp_uri: str, heartbeat: int = 0) -> tuple[Connection, Any]:
    """Connect and return the kombu connection and its raw py-amqp channel."""
    connection = Connection(amqp_uri, heartbeat=heartbeat, connect_timeout=10)
    connection.ensure_connection(max_retries=1)
    _read_ahead(connection.connection.transport)
    return connection, connection.channel()


_READ_AHEAD = 16 * 1024


def _read_ahead(transport: Any) -> None:
    """Make py-amqp read the socket in large chunks.

    py-amqp asks the socket for exactly the bytes of the next frame part: three `recv`
    calls per frame, nine per delivered message, which is most of a consumer's time at
    thousands of messages a second. Reading what is available (up to 256 KiB) into the
    transport's own buffer gives the same frames with a fraction of the calls. Applies to
    plain TCP transports (the only ones with `_quick_recv`); others are left as they are.
    """
    if not hasattr(transport, "_quick_recv") or not hasattr(transport, "_read_buffer"):
        return
    recv = transport._quick_recv
    retry = (errno.EAGAIN, errno.EINTR)

    def read(n: int, initial: bool = False, _errnos: tuple[int, ...] = retry) -> bytes:
        rbuf = transport._read_buffer
        try:
            while len(rbuf) < n:
                try:
                    chunk = recv(max(n - len(rbuf), _READ_AHEAD))
                except OSError as exc:
                    if exc.errno in _errnos:
                        if initial and transport.raise_on_initial_eintr:
                            raise TimeoutError() from exc
                        continue
                    raise
                if not chunk:
                    raise OSError("Server unexpectedly closed connection")
                rbuf += chunk
        except BaseException:
            transport._read_buffer = rbuf
            raise
        result, transport._read_buffer = rbuf[:n], rbuf[n:]
        return bytes(result)

    transport._read = read


def declare_events_exchange(channel: Any, producer: str) -> None:
    channel.exchange_declare(events_exchange(producer), "topic", durable=True, auto_delete=False)


def declare_consumer_queue(
    channel: Any, consumer: str, producer: str, routing_keys: Sequence[str] | None = None, exchange: str | None = None
) -> str:
    """The consumer's durable queue for a producer, bound to the producer's `<producer>.events`
    (or `exchange`) for every event type (`#`) or only `routing_keys` (event names)."""
    source = exchange or events_exchange(producer)
    channel.exchange_declare(source, "topic", durable=True, auto_delete=False)
    queue = consumer_queue(consumer, producer)
    channel.queue_declare(queue, durable=True, auto_delete=False)
    for key in routing_keys or ("#",):
        channel.queue_bind(queue, source, key)
    return queue


def declare_dead_letter_queue(channel: Any, consumer: str) -> str:
    channel.exchange_declare(DEAD_LETTER_EXCHANGE, "direct", durable=True, auto_delete=False)
    queue = dead_letter_queue(consumer)
    channel.queue_declare(queue, durable=True, auto_delete=False)
    channel.queue_bind(queue, DEAD_LETTER_EXCHANGE, consumer)
    return queue


def envelope_message(envelope: Envelope) -> amqp.Message:
    return amqp.Message(
        envelope.data_json.encode("utf-8"),
        content_type=CONTENT_TYPE,
        content_encoding="utf-8",
        application_headers=envelope.amqp_headers(),
        delivery_mode=2,
        message_id=envelope.id,
    )


class ConfirmingPublisher:
    """Publishes batches of envelopes with many publisher confirms in flight.

    `publish` returns only when RabbitMQ has confirmed every message of the batch; it raises
    `PublishFailed` on a nack or a confirm timeout and lets connection errors through, so
    the caller (the relay) reconnects and re-sends from its last recorded position.
    """

    def __init__(self, amqp_uri: str, producer: str, confirm_timeout: float = 30.0) -> None:
        self._uri = amqp_uri
        self._producer = producer
        self._exchange = events_exchange(producer)
        self._confirm_timeout = confirm_timeout
        self._connection: Connection | None = None
        self._channel: Any = None
        self._next_tag = 0
        self._unconfirmed: set[int] = set()
        self._nacked = False

    def publish(self, envelopes: Sequence[Envelope]) -> None:
        if not envelopes:
            return
        channel = self._ensure_channel()
        for envelope in envelopes:
            channel.basic_publish(envelope_message(envelope), exchange=self._exchange, routing_key=envelope.routing_key)
            self._next_tag += 1
            self._unconfirmed.add(self._next_tag)
        self._wait_for_confirms()

    def _wait_for_confirms(self) -> None:
        assert self._connection is not None
        deadline = time.monotonic() + self._confirm_timeout
        raw = self._connection.connection
        while self._unconfirmed and not self._nacked:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.close()
                raise PublishFailed(f"RabbitMQ did not confirm {len(self._unconfirmed)} messages in time")
            try:
                raw.drain_events(timeout=min(remaining, 1.0))
            except TimeoutError:
                continue
        if self._nacked:
            self.close()
            raise PublishFailed("RabbitMQ refused (nacked) a published message")

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        if multiple:
            self._unconfirmed = {tag for tag in self._unconfirmed if tag > delivery_tag}
        else:
            self._unconfirmed.discard(delivery_tag)

    def _on_nack(self, delivery_tag: int, multiple: bool) -> None:
        self._nacked = True

    def _ensure_channel(self) -> Any:
        if self._channel is None:
            self._connection, self._channel = open_channel(self._uri)
            declare_events_exchange(self._channel, self._producer)
            self._channel.confirm_select()
            self._channel.events["basic_ack"].add(self._on_ack)
            self._channel.events["basic_nack"].add(self._on_nack)
            self._next_tag = 0
            self._unconfirmed = set()
            self._nacked = False
        return self._channel

    def close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None:
            with contextlib.suppress(Exception):  # the connection is being thrown away
                connection.release()
