"""A fixed-window counter in the cache (Redis in production, shared by every process): enough
to keep a public, costly endpoint from being used as a lever, without a table of its own."""

from __future__ import annotations

import hashlib
import logging

from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    """The client's address. The edge (onboarding/edge.py) has already put the right one in
    REMOTE_ADDR: the peer's, or the hop a trusted proxy added. Forwarded headers are never read
    here (a client writes them)."""
    return request.META.get("REMOTE_ADDR", "")


def rate_limit_exceeded(*, scope: str, who: str, limit: int, window_seconds: int) -> bool:
    """Count one use by `who` (e.g. an IP) in `scope`; True once more than `limit` uses fall in
    the current window. `who` is hashed: no address is kept in clear. When the cache (Redis) is
    down the limit is not applied, and the outage is logged: these limits guard costly public
    endpoints, which should keep answering."""
    key = f"ratelimit:{scope}:{hashlib.sha256(who.encode()).hexdigest()[:32]}"
    try:
        if cache.add(key, 1, timeout=window_seconds):
            return False
        try:
            return cache.incr(key) > limit
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window_seconds)
            return False
    except Exception as error:  # the cache backend's own errors (redis.ConnectionError, ...)
        logger.warning(
            "rate limit %s not applied: cache unavailable (%s)", scope, type(error).__name__
        )
        return False
