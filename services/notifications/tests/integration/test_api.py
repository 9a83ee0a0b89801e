"""The delivery log over HTTP and RPC, served by `coso-notifications api` (nameko) as deployed."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import requests

from coso_backbone.testing import free_port, wait_healthy
from coso_notifications.domain.deadlines import Deadline, DeadlineKind

# nameko's standalone RPC proxy imports eventlet, which warns that it is deprecated.
pytestmark = pytest.mark.filterwarnings(r"ignore:\s*Eventlet is deprecated")


def test_the_delivery_log_is_served_over_http_and_rpc(
    database_url, vhost_uri, notifications, receiver, tmp_path
) -> None:
    hook = receiver()
    service = notifications(hook.url)
    service.apply(service.proposal("c-sent"))
    service.deliverer().deliver_due()
    service.clock.advance(60)
    service.apply(service.proposal("c-waiting"))
    [delivered] = service.log("delivered")

    port = free_port()
    env = {
        **os.environ,
        "COSO_NOTIFICATIONS_DATABASE_URL": database_url,
        "COSO_NOTIFICATIONS_HTTP": f"127.0.0.1:{port}",
        "COSO_AMQP_URI": vhost_uri,
    }
    cli = Path(sys.executable).parent / "coso-notifications"
    with open(tmp_path / "api.log", "wb") as log:
        api = subprocess.Popen([str(cli), "api"], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:

        def alive() -> None:
            assert api.poll() is None, (tmp_path / "api.log").read_text()

        wait_healthy(base, "the notifications API to start", also=alive)

        everything = requests.get(f"{base}/deliveries", timeout=5).json()
        pending = requests.get(f"{base}/deliveries", params={"status": "pending"}, timeout=5).json()
        one = requests.get(f"{base}/deliveries/{delivered['notification_id']}", timeout=5).json()
        bad_status = requests.get(f"{base}/deliveries", params={"status": "sent"}, timeout=5)
        unknown = requests.get(f"{base}/deliveries/no-such-notification", timeout=5)
        metrics = requests.get(f"{base}/metrics", timeout=5).text

        assert [e["subject"] for e in everything] == ["c-waiting", "c-sent"]
        assert set(everything[0]) >= {
            "notification_id", "rule", "subject", "target", "status", "attempts", "last_error",
            "scheduled_at", "next_attempt_at", "last_attempt_at", "delivered_at", "failed_at",
        }  # fmt: skip
        assert [(e["subject"], e["attempts"]) for e in pending] == [("c-waiting", 0)]
        assert (one["status"], one["attempts"], one["target"]) == ("delivered", 1, hook.url)
        assert [h["event"] for h in one["history"]] == ["NotificationScheduled", "NotificationDelivered"]
        assert one["payload"]["subject"] == "c-sent"
        assert bad_status.status_code == 422
        assert (bad_status.json()["field"], bad_status.json()["rule"]) == (
            "status",
            "one of pending, delivered, failed",
        )
        assert unknown.status_code == 404
        assert "coso_notifications_pending 1.0" in metrics

        # Subscriptions: created, listed by authority/role/channel, refused with field and rule, deleted.
        feed_request = {"authority": "hn", "role": "organization_department", "channel": "feed", "target": "btc-hn"}
        created = requests.post(f"{base}/subscriptions", json=feed_request, timeout=5)
        assert created.status_code == 201
        subscription = created.json()
        assert (subscription["channel"], subscription["target"], subscription["signed"]) == ("feed", "btc-hn", False)
        bad_email = requests.post(
            f"{base}/subscriptions", json={**feed_request, "channel": "email", "target": "not-an-address"}, timeout=5
        )
        assert bad_email.status_code == 422
        assert (bad_email.json()["field"], bad_email.json()["rule"]) == ("target", "email address")
        unsigned = requests.post(
            f"{base}/subscriptions", json={**feed_request, "channel": "webhook", "target": hook.url}, timeout=5
        )
        assert (unsigned.status_code, unsigned.json()["field"]) == (422, "secret")
        listed = requests.get(f"{base}/subscriptions", params={"authority": "hn", "channel": "feed"}, timeout=5)
        assert [s["subscription_id"] for s in listed.json()] == [subscription["subscription_id"]]
        assert requests.get(f"{base}/subscriptions", params={"role": "nobody"}, timeout=5).json() == []

        # The in-app feed and the dead letters.
        service.track(Deadline("c-late", DeadlineKind.DECISION_DUE, date(2025, 11, 20), "hn.kcn"))
        service.scheduler().evaluate()
        service.deliverer().deliver_due()
        feed = requests.get(f"{base}/feed", params={"recipient": "btc-hn"}, timeout=5).json()
        assert [(i["rule"], i["subject"]) for i in feed] == [("decision_overdue", "c-late")]
        assert feed[0]["title"].startswith("[Quá hạn] Quyết định kết nạp")
        assert requests.get(f"{base}/feed", timeout=5).json()["field"] == "recipient"
        assert requests.get(f"{base}/dead-letters", timeout=5).json() == []
        by_rule = requests.get(f"{base}/deliveries", params={"rule": "decision_overdue"}, timeout=5).json()
        assert [e["channel"] for e in by_rule] == ["feed"]
        bad_filter = requests.get(f"{base}/deliveries", params={"colour": "red"}, timeout=5)
        assert (bad_filter.status_code, bad_filter.json()["field"]) == (422, "colour")

        gone = requests.delete(f"{base}/subscriptions/{subscription['subscription_id']}", timeout=5)
        assert gone.status_code == 200
        assert requests.delete(f"{base}/subscriptions/{subscription['subscription_id']}", timeout=5).status_code == 404
        assert requests.get(f"{base}/subscriptions", timeout=5).json() == []

        from nameko.standalone.rpc import ClusterRpcProxy

        with ClusterRpcProxy({"AMQP_URI": vhost_uri}, timeout=10) as rpc:
            delivered_feed = rpc.notifications.deliveries(status="delivered", channel="feed")
            assert [e["subject"] for e in delivered_feed] == ["c-late"]
            assert rpc.notifications.delivery(delivered["notification_id"])["attempts"] == 1
            assert [i["subject"] for i in rpc.notifications.feed("btc-hn")] == ["c-late"]
            assert rpc.notifications.subscriptions(authority="hn") == []
    finally:
        api.terminate()
        api.wait(timeout=15)
