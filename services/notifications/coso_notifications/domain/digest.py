"""The daily digest: one message gathering the reminders held for a recipient.

The digest is keyed by the recipient, the day and the reminders it gathers, so composing it
again (after a crash) makes the same one, and reminders held after it went out make another.
Each gathered reminder is marked delivered in the transaction that schedules the digest.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from coso_notifications.domain.delivery import Delivery
from coso_notifications.domain.reminders import Message
from coso_notifications.domain.rules import Channel, Rule

_DIGEST_NAMESPACE = uuid.UUID("3f1c9a52-7d0e-5b6a-8c2f-646967657374")

RenderDigest = Callable[[str, Sequence[dict[str, Any]], date], Message]


def recipient_of(address: str) -> tuple[Channel, str]:
    """'email:btc@hn.vn' → (email, 'btc@hn.vn')."""
    channel, _, target = address.partition(":")
    return Channel(channel), target


def digest_subject(day: date) -> str:
    return f"digest-{day.isoformat()}"


def digest_id(address: str, day: date, items: Sequence[Delivery]) -> str:
    gathered = ",".join(sorted(item.notification_id for item in items))
    return str(uuid.uuid5(_DIGEST_NAMESPACE, f"{address}\n{day.isoformat()}\n{gathered}"))


def compose_digest(
    address: str, items: Sequence[Delivery], language: str, render: RenderDigest, day: date, now: datetime
) -> Delivery:
    channel, target = recipient_of(address)
    entries = [
        {key: item.payload.get(key) for key in ("notification_id", "rule", "subject", "due_on", "title", "text")}
        for item in sorted(items, key=lambda i: (str(i.payload.get("due_on")), i.notification_id))
    ]
    message = render(language, entries, day)
    nid = digest_id(address, day, items)
    subject = digest_subject(day)
    payload = {
        "notification_id": nid,
        "rule": Rule.DAILY_DIGEST.value,
        "subject": subject,
        "day": day.isoformat(),
        "title": message.title,
        "text": message.text,
        "language": message.language,
        "items": entries,
    }
    authority = items[0].authority if items else ""
    return Delivery.schedule(nid, Rule.DAILY_DIGEST, subject, target, authority, payload, now, channel=channel)
