"""Webhook signatures: `sha256=<hex HMAC-SHA256 of the raw body, keyed with the secret>`.

A receiver recomputes the HMAC over the exact bytes it received and compares in constant
time (`verify`); the body is sent unchanged on every retry, so the signature is too.
"""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "sha256="


def sign(body: bytes, secret: str) -> str:
    return PREFIX + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, signature: str | None) -> bool:
    if not signature or not signature.startswith(PREFIX):
        return False
    return hmac.compare_digest(sign(body, secret), signature)
