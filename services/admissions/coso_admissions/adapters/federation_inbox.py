"""The labour federation's inbound queue: proposals validated on arrival, bad ones dead-lettered.

Queue `<consumer>.labour_federation` is bound to exchange `labour_federation.events` with
routing key `CandidateProposalSubmitted` (see the contract's docstring). Each message is
handled on its own and acknowledged after its transaction commits:

- valid: the proposal becomes a candidate (once per `proposal_id`);
- invalid (not JSON, breaks the contract, refused by a rule such as an unknown enterprise):
  sent with its reason to the backbone's dead-letter queue `<consumer>.dead-letters` with its
  personal fields withheld (`application.federation.withheld`; an unparsable body becomes an
  opaque marker with its size), then
  acknowledged; `coso-admissions dead-letters list|replay` work on it as on any dead letter
  (a replay sends it back to this queue);
- anything else (database or broker down): not acknowledged, so it comes again after reconnecting.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from coso_admissions.application.federation import withheld
from coso_backbone.broker import consumer_queue, declare_dead_letter_queue, declare_events_exchange, open_channel
from coso_backbone.consumer import DeadLetterSink
from coso_backbone.contracts.admissions import CandidateProposalSubmitted
from coso_backbone.deadletters import DeadLetter
from coso_backbone.errors import CosoError

log = logging.getLogger(__name__)

PRODUCER = "labour_federation"
ROUTING_KEY = CandidateProposalSubmitted.event_name
_MAX_BACKOFF = 30.0


def refusal(body: bytes, propose: Callable[[CandidateProposalSubmitted], Any]) -> str | None:
    """Apply one message; the reason it is refused, or None if it was applied."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        return f"body is not JSON: {exc}"
    try:
        propose(CandidateProposalSubmitted.model_validate(data))
    except ValidationError as exc:
        return "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'body'}: {err['msg']} (rule {err['type']})"
            for err in exc.errors()
        )
    except CosoError as exc:
        return f"{exc.field}: {exc.message} (rule: {exc.rule})"
    return None


class FederationInbox:
    def __init__(
        self,
        amqp_uri: str,
        consumer: str,
        propose: Callable[[CandidateProposalSubmitted], Any],
        dead_letters: DeadLetterSink,
    ) -> None:
        self._uri = amqp_uri
        self.consumer = consumer
        self.queue = consumer_queue(consumer, PRODUCER)
        self._propose = propose
        self._dead_letters = dead_letters
        self.applied = 0
        self.refused = 0

    def declare(self, channel: Any) -> None:
        declare_events_exchange(channel, PRODUCER)
        channel.queue_declare(self.queue, durable=True, auto_delete=False)
        channel.queue_bind(self.queue, f"{PRODUCER}.events", ROUTING_KEY)
        declare_dead_letter_queue(channel, self.consumer)

    def handle(self, message: Any) -> None:
        """Apply or dead-letter one delivery (raises, unacknowledged, on anything else)."""
        body = message.body if isinstance(message.body, bytes) else str(message.body).encode()
        reason = refusal(body, self._propose)
        if reason is not None:
            body, reason = withheld(body, reason)
            info = message.delivery_info or {}
            self._dead_letters.send(
                [
                    DeadLetter(
                        body=body,
                        headers=dict(message.headers or {}),
                        exchange=str(info.get("exchange", "") or f"{PRODUCER}.events"),
                        routing_key=str(info.get("routing_key", "") or ROUTING_KEY),
                        reason=reason,
                    )
                ]
            )
            self.refused += 1
            log.warning("federation proposal dead-lettered: %s", reason)
        else:
            self.applied += 1
        message.channel.basic_ack(message.delivery_tag)

    def run(self, stop: threading.Event) -> None:
        backoff = 0.5
        while not stop.is_set():
            started = time.monotonic()
            try:
                self._run_connected(stop)
            except Exception as exc:  # noqa: BLE001 - reconnect on any failure; the message comes again
                if time.monotonic() - started > _MAX_BACKOFF:
                    backoff = 0.5
                log.warning("federation inbox %s: %s; reconnecting in %.1fs", self.queue, exc, backoff)
                stop.wait(backoff)
                backoff = min(backoff * 2, _MAX_BACKOFF)

    def _run_connected(self, stop: threading.Event) -> None:
        connection, channel = open_channel(self._uri)
        try:
            self.declare(channel)
            channel.basic_qos(0, 50, False)
            channel.basic_consume(self.queue, callback=self.handle)
            while not stop.is_set():
                try:
                    connection.connection.drain_events(timeout=0.2)
                except TimeoutError:
                    continue
        finally:
            connection.release()
