"""A fixed-window counter in the cache (Redis in production, shared by every process): enough
to keep a public, costly endpoint from being used as a lever, without a table of its own."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address. The edge (onboarding/edge.py) has already put the right one in
    REMOTE_ADDR: the peer's, or the hop a trusted proxy added. Forwarded headers are never read
    here (a client writes them)."""
    return request.META.get("REMOTE_ADDR", "")


def rate_limit_exceeded(*, scope: str, who: str, limit: int, window_seconds: int) -> bool:
    """Count one use by `who` (e.g. an IP) in `scope`; True once more than `limit` uses fall in
    the current window. `who` is hashed: no address is kept in clear."""
    key = f"ratelimit:{scope}:{hashlib.sha256(who.encode()).hexdigest()[:32]}"
    if cache.add(key, 1, timeout=window_seconds):
        return False
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds)
        return False
