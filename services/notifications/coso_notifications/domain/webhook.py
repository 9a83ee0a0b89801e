"""What a webhook delivery sends, and how its answer is read.

The POST carries the delivery's JSON body unchanged on every attempt, with
- `X-Coso-Signature: sha256=<HMAC-SHA256 hex of the body with the webhook's secret>`,
- `X-Coso-Delivery: <notification id>`: the same on every attempt of a notification,
- `X-Coso-Timestamp: <Unix seconds of this attempt>`.
A 2xx answer delivers it; anything else (another status, a timeout, a refused connection)
is a failed attempt.

Delivery is at least once: if the process stops after the receiver answered but before the
answer is recorded, the notification is sent again. Receivers dedupe by `X-Coso-Delivery`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from coso_notifications.domain.delivery import Delivery
from coso_notifications.domain.signature import sign

SIGNATURE_HEADER = "X-Coso-Signature"
DELIVERY_HEADER = "X-Coso-Delivery"
TIMESTAMP_HEADER = "X-Coso-Timestamp"
USER_AGENT = "coso-notifications/0.1"


@dataclass(frozen=True)
class WebhookRequest:
    url: str
    body: bytes
    headers: dict[str, str]


def webhook_request(delivery: Delivery, secret: str, now: datetime) -> WebhookRequest:
    body = delivery.body.encode("utf-8")
    return WebhookRequest(
        url=delivery.target,
        body=body,
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            SIGNATURE_HEADER: sign(body, secret),
            DELIVERY_HEADER: delivery.notification_id,
            TIMESTAMP_HEADER: str(int(now.timestamp())),
        },
    )


@dataclass(frozen=True)
class WebhookAnswer:
    """What came back: an HTTP status, or none when the request did not get through."""

    status: int | None
    detail: str = ""

    @property
    def accepted(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def reason(self) -> str:
        """Why the attempt failed, for the delivery log."""
        if self.status is None:
            return self.detail or "no answer"
        detail = f": {self.detail}" if self.detail else ""
        return f"HTTP {self.status}{detail}"
