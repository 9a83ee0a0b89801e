"""RabbitMQ topology and a publisher with batched confirms.

Topology (declared idempotently by whoever starts first; deploy/ ships the same as
RabbitMQ definitions):
- `<service>.events`: durable topic exchange per producer; routing key = event type.
- `<consumer>.<producer>`: a consumer's durable queue, bound with `#`.
- `coso.dead-letters`: durable direct exchange; `<consumer>.dead-letters` queues are bound
  to it with the consumer's name as routing key.
"""

from __future__ import annotations

import contextlib
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


def consumer_queue(consumer: str, producer: str) -> str:
    return f"{consumer}.{producer}"


def dead_letter_queue(consumer: str) -> str:
    return f"{consumer}.dead-letters"


def open_channel(amqp_uri: str, heartbeat: int = 0) -> tuple[Connection, Any]:
    """Connect and return the kombu connection and its raw py-amqp channel."""
    connection = Connection(amqp_uri, heartbeat=heartbeat, connect_timeout=10)
    connection.ensure_connection(max_retries=1)
    return connection, connection.channel()


def declare_events_exchange(channel: Any, producer: str) -> None:
    channel.exchange_declare(events_exchange(producer), "topic", durable=True, auto_delete=False)


def declare_consumer_queue(channel: Any, consumer: str, producer: str) -> str:
    declare_events_exchange(channel, producer)
    queue = consumer_queue(consumer, producer)
    channel.queue_declare(queue, durable=True, auto_delete=False)
    channel.queue_bind(queue, events_exchange(producer), "#")
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
