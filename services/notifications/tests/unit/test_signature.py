"""Webhook signatures: HMAC-SHA256 of the raw body, as receivers check it."""

from datetime import UTC, datetime

from coso_notifications.domain.delivery import Delivery
from coso_notifications.domain.rules import Rule
from coso_notifications.domain.signature import sign, verify
from coso_notifications.domain.webhook import webhook_request

NOW = datetime(2025, 11, 25, 8, 30, tzinfo=UTC)


def test_signature_is_the_hex_hmac_sha256_of_the_body_with_the_secret() -> None:
    # Computed independently: printf '{"a":1}' | openssl dgst -sha256 -hmac 'k'
    assert sign(b'{"a":1}', "k") == "sha256=c3a92ff9e274cdcce27a58c15a78ec6dcbbdbd0038a87e7a11baef2028fd8bff"


def test_a_receiver_accepts_the_signature_of_the_exact_body_only() -> None:
    signature = sign('{"text":"Quần chúng ưu tú"}'.encode(), "bí mật")

    assert verify('{"text":"Quần chúng ưu tú"}'.encode(), "bí mật", signature)
    assert not verify('{"text":"Quần chúng ưu tú "}'.encode(), "bí mật", signature)
    assert not verify('{"text":"Quần chúng ưu tú"}'.encode(), "another secret", signature)
    assert not verify('{"text":"Quần chúng ưu tú"}'.encode(), "bí mật", signature.removeprefix("sha256="))
    assert not verify(b"{}", "bí mật", None)


def _delivery() -> Delivery:
    payload = {"notification_id": "n-1", "rule": "candidate_proposed", "subject": "c-1", "data": {"x": "ý"}}
    return Delivery.schedule("n-1", Rule.CANDIDATE_PROPOSED, "c-1", "https://hook.example/in", "hn", payload, NOW)


def test_a_webhook_request_is_signed_and_names_its_notification_and_time() -> None:
    request = webhook_request(_delivery(), "k", NOW)

    assert request.url == "https://hook.example/in"
    assert verify(request.body, "k", request.headers["X-Coso-Signature"])
    assert request.headers["X-Coso-Delivery"] == "n-1"
    assert request.headers["X-Coso-Timestamp"] == str(int(NOW.timestamp()))
    assert request.headers["Content-Type"].startswith("application/json")


def test_every_attempt_sends_the_same_body_and_signature() -> None:
    delivery = _delivery()
    first = webhook_request(delivery, "k", NOW)
    later = webhook_request(delivery, "k", NOW.replace(hour=9))

    assert first.body == later.body
    assert first.headers["X-Coso-Signature"] == later.headers["X-Coso-Signature"]
    assert first.headers["X-Coso-Timestamp"] != later.headers["X-Coso-Timestamp"]
