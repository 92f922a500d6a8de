"""The signature on every webhook request (docs/webhooks.md shows a receiver's check):

    X-Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>

The timestamp is signed with the body, so a captured request cannot be replayed later than the
receiver's window (REPLAY_WINDOW, five minutes, is what we document and check in our own tests)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

REPLAY_WINDOW = 300  # seconds
SECRET_PREFIX = "whsec_"  # noqa: S105 (a marker, not a secret)


def secret_generate() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature_compute(*, secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(*, secret: str, body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={signature_compute(secret=secret, timestamp=timestamp, body=body)}"


def signature_verify(
    *, secret: str, header: str, body: bytes, now: float | None = None, window: int = REPLAY_WINDOW
) -> bool:
    """What a receiver does: the header parses, its time is within the window, and one of its
    v1 signatures matches (compared in constant time)."""
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _sep, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > window:
        return False
    expected = signature_compute(secret=secret, timestamp=timestamp, body=body)
    return any(hmac.compare_digest(expected, given) for given in parts.get("v1", []))
