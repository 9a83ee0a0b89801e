"""Reminders published to a partner's exchange on a real RabbitMQ."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest

from coso_backbone.broker import open_channel
from coso_notifications.domain.deadlines import Deadline, DeadlineKind


@pytest.fixture
def partner_exchange(amqp_uri: str, run_id: str) -> Iterator[tuple[str, object]]:
    """A partner's topic exchange with a queue bound to every routing key; both deleted afterwards."""
    connection, channel = open_channel(amqp_uri)
    exchange, queue = f"{run_id}-ldld.inbox", f"{run_id}-ldld.inbox.q"
    channel.exchange_declare(exchange, "topic", durable=False, auto_delete=False)
    channel.queue_declare(queue, durable=False, auto_delete=False)
    channel.queue_bind(queue, exchange, "#")
    try:
        yield exchange, lambda: channel.basic_get(queue, no_ack=True)
    finally:
        channel.queue_delete(queue)
        channel.exchange_delete(exchange)
        connection.close()


def test_a_reminder_reaches_the_partners_exchange_once_with_its_notification_id(
    notifications, partner_exchange
) -> None:
    exchange, get = partner_exchange
    service = notifications()
    service.subscribe(
        authority="hn", role="labour_federation", channel="amqp", target=exchange, rules=["decision_overdue"]
    )
    service.track(Deadline("c-9", DeadlineKind.DECISION_DUE, date(2025, 11, 21), "hn.kcn-thang-long"))

    for _ in range(2):
        service.scheduler().evaluate()
        service.deliver_until_settled(service.deliverer())

    message = get()
    assert message is not None and get() is None
    body = json.loads(message.body)
    assert (body["rule"], body["subject"], body["due_on"]) == ("decision_overdue", "c-9", "2025-11-21")
    assert body["title"].startswith("[Quá hạn]")
    assert message.properties["message_id"] == body["notification_id"]
    assert message.delivery_info["routing_key"] == "decision_overdue"
    [entry] = service.log(channel="amqp")
    assert (entry["status"], entry["target"]) == ("delivered", exchange)


def test_a_partner_exchange_that_does_not_exist_is_a_failed_attempt_with_the_reason(notifications, run_id) -> None:
    service = notifications(retry={"base_seconds": 1, "factor": 2, "max_attempts": 2})
    service.subscribe(authority="hn", role="organization_department", channel="amqp", target=f"{run_id}-missing")
    service.track(Deadline("c-10", DeadlineKind.CEREMONY_DUE, date(2025, 11, 21), "hn"))

    service.scheduler().evaluate()
    service.deliver_until_settled(service.deliverer())

    [dead] = service.dead_letters()
    assert "NOT_FOUND" in dead["last_error"] or "404" in dead["last_error"]
