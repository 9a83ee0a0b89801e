"""The delivery channels other than webhooks: email over SMTP, AMQP messages to a partner's
exchange, and the in-app feed. Each sends a delivery's payload and answers like a webhook
does: accepted, or a failed attempt with the reason (never an exception)."""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from datetime import datetime
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime, formataddr
from typing import Any

import amqp
from kombu import Connection

from coso_backbone.broker import open_channel
from coso_notifications.domain.delivery import Delivery
from coso_notifications.domain.webhook import DELIVERY_HEADER, WebhookAnswer

log = logging.getLogger(__name__)
_DETAIL = 300
_POLICY = default_policy.clone(max_line_length=998)


class SmtpEmailSender:
    """One email per delivery: the payload's title as the subject, its text as the body.

    The Message-ID is derived from the notification id, so a mail system can drop the
    duplicate left by a crash between sending and recording.
    """

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        sender_name: str = "",
        username: str = "",
        password: str = "",
        starttls: bool = False,
        timeout_seconds: float = 10.0,
    ) -> None:
        self._host = host
        self._port = port
        self._sender = sender
        self._sender_name = sender_name
        self._username = username
        self._password = password
        self._starttls = starttls
        self._timeout = timeout_seconds

    def message(self, delivery: Delivery, now: datetime) -> EmailMessage:
        payload = delivery.payload
        # Folding a header of encoded words at 78 characters drops the space at the fold
        # (a CPython bug): Vietnamese subjects stay on one line, within RFC 5322's 998.
        message = EmailMessage(policy=_POLICY)
        message["From"] = formataddr((self._sender_name, self._sender)) if self._sender_name else self._sender
        message["To"] = delivery.target
        message["Subject"] = str(payload.get("title") or delivery.rule.value)[:300]
        message["Date"] = format_datetime(now)
        message["Message-ID"] = f"<{delivery.notification_id}@coso-notifications>"
        message[DELIVERY_HEADER] = delivery.notification_id
        message.set_content(str(payload.get("text") or ""), charset="utf-8")
        return message

    def send(self, delivery: Delivery, now: datetime) -> WebhookAnswer:
        try:
            with smtplib.SMTP(self._host, self._port, timeout=self._timeout) as smtp:
                if self._starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self._username:
                    smtp.login(self._username, self._password)
                refused = smtp.send_message(self.message(delivery, now))
        except smtplib.SMTPResponseException as exc:
            return WebhookAnswer(None, f"SMTP {exc.smtp_code}: {exc.smtp_error!r}"[:_DETAIL])
        except (smtplib.SMTPException, OSError) as exc:
            return WebhookAnswer(None, f"SMTP: {type(exc).__name__}: {exc}"[:_DETAIL])
        if refused:
            return WebhookAnswer(None, f"SMTP refused {', '.join(refused)}"[:_DETAIL])
        return WebhookAnswer(250)


class AmqpExchangeSender:
    """Publishes the payload (JSON) to the exchange named by the delivery's target, with the
    rule as routing key and the notification id as message id, and waits for the broker's
    confirm. The partner owns the exchange: a missing exchange is a failed attempt."""

    def __init__(self, amqp_uri: str, confirm_timeout: float = 10.0) -> None:
        self._uri = amqp_uri
        self._timeout = confirm_timeout
        self._connection: Connection | None = None
        self._channel: Any = None
        self._lock = threading.Lock()

    def send(self, delivery: Delivery, now: datetime) -> WebhookAnswer:
        message = amqp.Message(
            delivery.body.encode("utf-8"),
            content_type="application/json",
            content_encoding="utf-8",
            delivery_mode=2,
            message_id=delivery.notification_id,
            timestamp=int(now.timestamp()),
            application_headers={
                DELIVERY_HEADER: delivery.notification_id,
                "coso-rule": delivery.rule.value,
                "coso-subject": delivery.subject,
                "coso-authority": delivery.authority,
            },
        )
        with self._lock:
            try:
                channel = self._ensure_channel()
                channel.basic_publish_confirm(
                    message, exchange=delivery.target, routing_key=delivery.rule.value, confirm_timeout=self._timeout
                )
            except Exception as exc:  # noqa: BLE001 - any broker failure is a failed attempt
                self.close()
                return WebhookAnswer(None, f"AMQP: {type(exc).__name__}: {exc}"[:_DETAIL])
        return WebhookAnswer(200)

    def _ensure_channel(self) -> Any:
        if self._channel is None:
            self._connection, self._channel = open_channel(self._uri)
        return self._channel

    def close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None:
            try:
                connection.close()
            except Exception as exc:  # noqa: BLE001 - closing a broken connection
                log.debug("closing the AMQP connection: %s", exc)


class FeedSender:
    """The in-app feed reads the delivery log: a feed delivery is delivered by being recorded."""

    def send(self, delivery: Delivery, now: datetime) -> WebhookAnswer:
        return WebhookAnswer(200)
