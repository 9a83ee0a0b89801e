"""The worker as it runs: admissions' event arrives over RabbitMQ, the webhook gets it,
notifications' own events are published. SQLite and PostgreSQL, in a vhost of its own."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, date, datetime

from coso_backbone.broker import ConfirmingPublisher, declare_consumer_queue, declare_events_exchange, open_channel
from coso_backbone.contracts.admissions import CandidateProposed, JobCategory, SourceChannel
from coso_backbone.envelope import Envelope
from coso_backbone.testing import wait_until
from coso_notifications import bootstrap
from coso_notifications.domain.signature import verify

SECRET = "bí-mật-của-thử-nghiệm"


def test_a_proposed_candidate_reaches_the_webhook_through_the_running_worker(
    database_url, vhost_uri, receiver, notifications
) -> None:
    hook = receiver(503)
    service = notifications(hook.url, retry={"base_seconds": 0.05, "factor": 2, "max_attempts": 4}, poll_seconds=0.05)
    settings = service.settings.model_copy(update={"amqp_uri": vhost_uri})
    connection, channel = open_channel(vhost_uri)
    declare_consumer_queue(channel, bootstrap.CONSUMER, "admissions")  # exists before admissions publishes
    declare_events_exchange(channel, "notifications")
    channel.queue_declare("observer", durable=False, auto_delete=False)
    channel.queue_bind("observer", "notifications.events", "#")

    stop = threading.Event()
    threads = [
        threading.Thread(target=loop, args=(stop,), name=name, daemon=True)
        for name, loop in bootstrap.worker_loops(settings)
    ]
    for thread in threads:
        thread.start()
    try:
        event = CandidateProposed(
            candidate_id="c-e2e",
            enterprise_id="e-1",
            authority_id="hn",
            source_channel=SourceChannel.LABOUR_FEDERATION,
            job_category=JobCategory.TECHNICIAN,
            proposed_on=date(2025, 11, 24),
        )
        publisher = ConfirmingPublisher(vhost_uri, "admissions")
        publisher.publish(
            [
                Envelope(
                    id=str(uuid.uuid4()),
                    source="/coso/e2e/admissions",
                    producer="admissions",
                    event_type="CandidateProposed",
                    version=1,
                    time=datetime.now(UTC),
                    subject="candidate-c-e2e",
                    sequence=1,
                    authority="hn",
                    data_json=json.dumps(event.model_dump(mode="json")),
                )
            ]
        )
        publisher.close()

        [accepted] = wait_until(hook.accepted, what="the webhook to accept a delivery")
        assert verify(accepted.body, SECRET, accepted.headers["X-Coso-Signature"])
        assert json.loads(accepted.body)["data"]["candidate_id"] == "c-e2e"

        published: list[str] = []

        def notifications_published() -> bool:
            while (message := channel.basic_get("observer", no_ack=True)) is not None:
                published.append(message.headers["ce-type"])
            return len(published) >= 3

        wait_until(notifications_published, what="notifications' events on notifications.events")
        assert published == [
            "vn.coso.notifications.NotificationScheduled.v1",
            "vn.coso.notifications.NotificationAttemptFailed.v1",
            "vn.coso.notifications.NotificationDelivered.v1",
        ]
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
        connection.release()
    assert not any(t.is_alive() for t in threads)
    assert [e["status"] for e in service.log()] == ["delivered"]
