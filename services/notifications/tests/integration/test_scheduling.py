"""Scheduling from consumed events, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from coso_notifications.domain.rules import Rule, notification_id


def test_a_candidate_proposed_applied_twice_schedules_one_delivery(notifications, receiver) -> None:
    hook = receiver()
    service = notifications(hook.url)
    proposal = service.proposal("c-1")

    first = service.apply(proposal)
    again = service.apply(proposal)
    # A consumer with no checkpoint (say, one rebuilt from scratch) applies it once more.
    rebuilt = service.apply(proposal, consumer=service.another_consumer("notifications-rebuilt"))

    assert (first.applied, again.duplicates, rebuilt.applied) == (1, 1, 1)
    [entry] = service.log()
    assert entry["notification_id"] == notification_id(Rule.CANDIDATE_PROPOSED, "c-1", hook.url)
    assert (entry["rule"], entry["subject"], entry["target"]) == ("candidate_proposed", "c-1", hook.url)
    assert (entry["status"], entry["attempts"]) == ("pending", 0)
    assert [e.event_type for e in service.all_events()] == ["NotificationScheduled"]


class DeadLetters:
    """A dead-letter sink that fails while the broker is 'down', then keeps what it is sent."""

    def __init__(self) -> None:
        self.down = True
        self.sent: list = []

    def send(self, letters: list) -> None:
        if self.down:
            raise ConnectionError("broker is down")
        self.sent += letters


def test_the_schedule_commits_with_the_consumer_checkpoint_or_not_at_all(notifications, receiver) -> None:
    service = notifications(receiver().url)
    good = service.proposal("c-good")
    malformed = service.proposal("c-broken")
    body = '{"candidate_id": "c-broken"}'
    malformed = replace(malformed, envelope=replace(malformed.envelope, data_json=body), body=body.encode())
    letters = DeadLetters()
    service.consumer._dead_letters = letters

    # The malformed event cannot be dead-lettered while the broker is down: the batch rolls back.
    with pytest.raises(ConnectionError):
        service.apply(good, malformed)
    assert service.consumer.checkpoints() == {}
    assert service.log() == []
    assert service.all_events() == []

    letters.down = False
    outcome = service.apply(good, malformed)

    assert (outcome.applied, outcome.dead_lettered, len(letters.sent)) == (1, 1, 1)
    assert service.consumer.checkpoints() == {service.source: 2}
    assert [e["subject"] for e in service.log()] == ["c-good"]
    assert [e.event_type for e in service.all_events()] == ["NotificationScheduled"]


def test_each_subscribed_webhook_gets_its_own_delivery_with_the_event_in_its_payload(notifications, receiver) -> None:
    first, second = receiver(), receiver()
    service = notifications(first.url, second.url)

    service.apply(service.proposal("c-7"))

    entries = service.log()
    assert sorted(e["target"] for e in entries) == sorted([first.url, second.url])
    payload = service.entry(entries[0]["notification_id"])["payload"]
    assert payload["data"]["candidate_id"] == "c-7"
    assert payload["event"]["type"] == "vn.coso.admissions.CandidateProposed.v1"
    assert payload["event"]["source"] == service.source
    assert "Quần chúng ưu tú c-7" in payload["text"]
    scheduled = [json.loads(e.data_json) for e in service.all_events()]
    assert {s["target"] for s in scheduled} == {first.url, second.url}
    assert all(e.authority == "hn.kcn-thang-long" for e in service.all_events())


def test_without_a_configured_webhook_nothing_is_scheduled(notifications) -> None:
    service = notifications("")

    outcome = service.apply(service.proposal())

    assert outcome.applied == 1
    assert service.log() == []
    assert service.all_events() == []
