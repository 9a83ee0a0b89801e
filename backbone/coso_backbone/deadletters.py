"""Dead letters: messages a consumer cannot apply, kept with their reason.

A dead letter goes to the RabbitMQ queue `<consumer>.dead-letters` (through the
`coso.dead-letters` exchange) with the reason in `x-coso-reason`, and, when it is a
well-formed event, also to the consumer's `dead_letters` table, in the same transaction
that moves its checkpoint past it; so the stream continues and nothing is dropped.

Replay takes messages from the dead-letter queue and sends them back to the consumer's own
queue marked `x-coso-replay`; the consumer applies a replayed event only while its
`dead_letters` row exists, and deletes the row in the same transaction, so replaying
twice applies once.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import amqp

from coso_backbone.broker import (
    DEAD_LETTER_EXCHANGE,
    consumer_queue,
    declare_dead_letter_queue,
    open_channel,
)

REASON = "x-coso-reason"
CONSUMER = "x-coso-consumer"
ORIGINAL_ROUTING_KEY = "x-coso-original-routing-key"
ORIGINAL_EXCHANGE = "x-coso-original-exchange"
DEAD_LETTERED_AT = "x-coso-dead-lettered-at"
REPLAY = "x-coso-replay"


@dataclass(frozen=True)
class DeadLetter:
    """A message as it was received, and why it could not be applied."""

    body: bytes
    headers: dict[str, Any]
    exchange: str
    routing_key: str
    reason: str

    def message(self, consumer: str) -> amqp.Message:
        headers = {k: v for k, v in self.headers.items() if k != REPLAY}
        headers.update(
            {
                REASON: self.reason[:2000],
                CONSUMER: consumer,
                ORIGINAL_EXCHANGE: self.exchange,
                ORIGINAL_ROUTING_KEY: self.routing_key,
                DEAD_LETTERED_AT: datetime.now(UTC).isoformat(),
            }
        )
        return amqp.Message(self.body, content_type="application/json", application_headers=headers, delivery_mode=2)


class DeadLetterQueue:
    """Publishes a consumer's dead letters, with a confirm for each."""

    def __init__(self, amqp_uri: str, consumer: str) -> None:
        self._uri = amqp_uri
        self._consumer = consumer
        self._channel: Any = None
        self._connection: Any = None

    def send(self, letters: list[DeadLetter]) -> None:
        if not letters:
            return
        try:
            if self._channel is None:
                self._connection, self._channel = open_channel(self._uri)
                declare_dead_letter_queue(self._channel, self._consumer)
                self._channel.confirm_select()
            for letter in letters:
                self._channel.basic_publish_confirm(
                    letter.message(self._consumer), exchange=DEAD_LETTER_EXCHANGE, routing_key=self._consumer
                )
        except Exception:
            # A broken connection is thrown away, so the caller's retry (the batch comes
            # again, unacknowledged) sends on a new one instead of failing forever.
            self.close()
            raise

    def close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None:
            with contextlib.suppress(Exception):  # the connection is being thrown away
                connection.release()


@dataclass(frozen=True)
class ListedLetter:
    reason: str
    routing_key: str
    exchange: str
    ce_type: str
    ce_source: str
    ce_sequence: str
    dead_lettered_at: str


def list_dead_letters(amqp_uri: str, consumer: str, limit: int = 1000) -> list[ListedLetter]:
    """Read the dead-letter queue without removing anything from it."""
    connection, channel = open_channel(amqp_uri)
    try:
        queue = declare_dead_letter_queue(channel, consumer)
        listed: list[ListedLetter] = []
        while len(listed) < limit:
            message = channel.basic_get(queue, no_ack=False)
            if message is None:
                break
            headers = message.headers or {}
            listed.append(
                ListedLetter(
                    reason=str(headers.get(REASON, "")),
                    routing_key=str(headers.get(ORIGINAL_ROUTING_KEY, "")),
                    exchange=str(headers.get(ORIGINAL_EXCHANGE, "")),
                    ce_type=str(headers.get("ce-type", "")),
                    ce_source=str(headers.get("ce-source", "")),
                    ce_sequence=str(headers.get("ce-sequence", "")),
                    dead_lettered_at=str(headers.get(DEAD_LETTERED_AT, "")),
                )
            )
        # Closing the channel without acking returns every message to the queue.
        channel.close()
        return listed
    finally:
        connection.release()


def replay_dead_letters(amqp_uri: str, consumer: str) -> int:
    """Send the dead letters back to the consumer's queue for their source; return how many.

    Only the letters in the queue when the replay starts are taken, so a letter that fails
    again and comes straight back waits for the next replay instead of looping.
    """
    connection, channel = open_channel(amqp_uri)
    try:
        queue = declare_dead_letter_queue(channel, consumer)
        waiting = channel.queue_declare(queue, passive=True).message_count
        channel.confirm_select()
        replayed = 0
        for _ in range(waiting):
            message = channel.basic_get(queue, no_ack=False)
            if message is None:
                break
            headers = dict(message.headers or {})
            exchange = str(headers.get(ORIGINAL_EXCHANGE, ""))
            producer = exchange.removesuffix(".events") if exchange.endswith(".events") else None
            target = consumer_queue(consumer, producer) if producer else None
            if target is None:
                # Nothing to send it back to: leave it where it is.
                channel.basic_reject(message.delivery_tag, requeue=True)
                break
            for key in (REASON, DEAD_LETTERED_AT):
                headers.pop(key, None)
            headers[REPLAY] = True
            channel.basic_publish_confirm(
                amqp.Message(
                    message.body, content_type="application/json", application_headers=headers, delivery_mode=2
                ),
                exchange="",
                routing_key=target,
            )
            channel.basic_ack(message.delivery_tag)
            replayed += 1
        return replayed
    finally:
        connection.release()
