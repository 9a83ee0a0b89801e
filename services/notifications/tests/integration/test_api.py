"""The delivery log over HTTP and RPC, served by `coso-notifications api` (nameko) as deployed."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

# nameko's standalone RPC proxy imports eventlet, which warns that it is deprecated.
pytestmark = pytest.mark.filterwarnings(r"ignore:\s*Eventlet is deprecated")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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

    port = _free_port()
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
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert api.poll() is None, (tmp_path / "api.log").read_text()
            assert time.monotonic() < deadline, "the API did not start"
            time.sleep(0.1)

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

        from nameko.standalone.rpc import ClusterRpcProxy

        with ClusterRpcProxy({"AMQP_URI": vhost_uri}, timeout=10) as rpc:
            assert [e["subject"] for e in rpc.notifications.deliveries(status="delivered")] == ["c-sent"]
            assert rpc.notifications.delivery(delivered["notification_id"])["attempts"] == 1
    finally:
        api.terminate()
        api.wait(timeout=15)
