"""Delivering to a real webhook receiver, with retries and a delivery log, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from prometheus_client import REGISTRY

from coso_backbone.testing import free_port
from coso_notifications.domain.signature import verify
from coso_notifications.domain.webhook import WebhookAnswer, WebhookRequest

SECRET = "bí-mật-của-thử-nghiệm"
LABELS = {"channel": "webhook", "rule": "candidate_proposed"}


def _counted(metric: str) -> float:
    return REGISTRY.get_sample_value(metric, LABELS) or 0.0


def test_a_webhook_failing_three_times_gets_one_valid_delivery_on_the_fourth_attempt(notifications, receiver) -> None:
    hook = receiver(503, 500, 502)
    service = notifications(hook.url)
    service.apply(service.proposal("c-1"))
    deliverer = service.deliverer()
    sent_before, retried_before = (
        _counted("coso_notifications_sent_total"),
        _counted("coso_notifications_attempts_failed_total"),
    )

    assert deliverer.deliver_due() == 1
    service.clock.advance(0.9)
    assert deliverer.deliver_due() == 0, "the second attempt waits for the 1 s backoff"
    service.clock.advance(0.1)
    assert deliverer.deliver_due() == 1
    service.deliver_until_settled(deliverer)

    [accepted] = hook.accepted()
    assert verify(accepted.body, SECRET, accepted.headers["X-Coso-Signature"])
    body = json.loads(accepted.body)
    assert (body["rule"], body["subject"], body["data"]["candidate_id"]) == ("candidate_proposed", "c-1", "c-1")
    assert [r.answered for r in hook.received] == [503, 500, 502, 200]
    assert {r.headers["X-Coso-Delivery"] for r in hook.received} == {body["notification_id"]}
    assert {r.body for r in hook.received} == {accepted.body}

    [entry] = service.log("delivered")
    assert entry["attempts"] == 4
    assert entry["delivered_at"] is not None and entry["last_error"] is None
    history = service.entry(entry["notification_id"])["history"]
    assert [h["event"] for h in history] == [
        "NotificationScheduled",
        "NotificationAttemptFailed",
        "NotificationAttemptFailed",
        "NotificationAttemptFailed",
        "NotificationDelivered",
    ]
    assert [h.get("reason", "")[:8] for h in history[1:4]] == ["HTTP 503", "HTTP 500", "HTTP 502"]
    assert history[-1]["attempts"] == 4
    assert _counted("coso_notifications_sent_total") - sent_before == 1
    assert _counted("coso_notifications_attempts_failed_total") - retried_before == 3


def test_a_webhook_that_always_fails_is_given_up_with_the_reason(notifications, receiver) -> None:
    hook = receiver(*[500] * 10)
    service = notifications(hook.url, retry={"base_seconds": 1, "factor": 2, "max_attempts": 3})
    service.apply(service.proposal("c-2"))
    deliverer = service.deliverer()
    failed_before = _counted("coso_notifications_failed_total")

    service.deliver_until_settled(deliverer)
    service.clock.advance(86_400)

    assert deliverer.deliver_due() == 0
    assert len(hook.received) == 3
    [entry] = service.log("failed")
    assert entry["attempts"] == 3
    assert entry["last_error"] == "HTTP 500: receiver is down"
    [failed] = [e for e in service.stream(entry["notification_id"]) if e.event_type == "NotificationFailed"]
    assert failed.data == {
        "notification_id": entry["notification_id"],
        "attempts": 3,
        "reason": "HTTP 500: receiver is down",
    }
    assert service.log("pending") == []
    assert _counted("coso_notifications_failed_total") - failed_before == 1


def test_a_webhook_nobody_listens_on_fails_with_the_connection_error(notifications) -> None:
    url = f"http://127.0.0.1:{free_port()}/hook"  # this test process's port, which nothing listens on
    service = notifications(url, retry={"base_seconds": 1, "factor": 2, "max_attempts": 1})
    service.apply(service.proposal())

    service.deliverer().deliver_due()

    [entry] = service.log("failed")
    assert "ConnectionError" in entry["last_error"]


def test_a_restarted_deliverer_sends_what_was_scheduled_before_the_restart(notifications, receiver) -> None:
    hook = receiver()
    service = notifications(hook.url)
    service.apply(service.proposal("c-3"), service.proposal("c-4"))
    service.store.engine.dispose()  # the process that scheduled them is gone

    restarted = service.deliverer(fresh_store=True)

    assert restarted.deliver_due() == 2
    assert sorted(json.loads(r.body)["subject"] for r in hook.accepted()) == ["c-3", "c-4"]
    assert [e["status"] for e in service.log()] == ["delivered", "delivered"]


class ProcessDied(BaseException):
    """Stands for the process stopping: nothing after it runs."""


def test_a_deliverer_that_died_after_posting_sends_again_with_the_same_delivery_id(notifications, receiver) -> None:
    hook = receiver()
    service = notifications(hook.url, request_timeout_seconds=5)
    service.apply(service.proposal("c-5"))

    class DiesAfterPosting:
        def __init__(self, real) -> None:
            self.real = real

        def send(self, request: WebhookRequest) -> WebhookAnswer:
            self.real.send(request)
            raise ProcessDied

    real_sender = service.deliverer()._sender
    with pytest.raises(ProcessDied):
        service.deliverer(sender=DiesAfterPosting(real_sender)).deliver_due()

    restarted = service.deliverer(fresh_store=True)
    assert restarted.deliver_due() == 0, "the dead deliverer's claim still holds"
    assert service.log("pending")[0]["attempts"] == 0
    service.clock.advance(5 + 60)
    assert restarted.deliver_due() == 1

    assert len(hook.accepted()) == 2
    assert hook.received[0].headers["X-Coso-Delivery"] == hook.received[1].headers["X-Coso-Delivery"]
    assert hook.received[0].body == hook.received[1].body
    [entry] = service.log("delivered")
    assert entry["attempts"] == 1
