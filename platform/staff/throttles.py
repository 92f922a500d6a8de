"""Limits on guessing staff credentials: failed passwords per account and per address, failed
second-factor codes per account. Counted in the cache (Redis in production, shared by every
process) in fixed windows; the counters hold keyed hashes, never a name or an address.

A per-account limit can be set off by someone who knows a user name: it holds the account for
the rest of the window only (not for good), and an administrator clears it at once
(`manage.py staff_unlock`); with the second factor, a password alone opens nothing anyway."""

from __future__ import annotations

from django.core.cache import cache

from privacy import crypto

WINDOW_SECONDS = 15 * 60
PASSWORD_FAILURES_PER_USER = 5
PASSWORD_FAILURES_PER_ADDRESS = 20
CODE_FAILURES_PER_USER = 5


def _key(kind: str, value: str) -> str:
    return f"staff-throttle:{kind}:{crypto.lookup_hash(f'{kind}:{value}')[:40]}"


class ThrottleUnavailable(Exception):
    """The counters cannot be read (the cache is down): staff logins wait rather than go
    unlimited."""


def _count(key: str) -> int:
    try:
        return int(cache.get(key) or 0)
    except Exception as error:  # the cache backend's own errors
        raise ThrottleUnavailable from error


def _add(key: str) -> None:
    try:
        if not cache.add(key, 1, timeout=WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=WINDOW_SECONDS)
    except ThrottleUnavailable:
        raise
    except Exception as error:
        raise ThrottleUnavailable from error


def password_attempts_blocked(*, username: str, ip: str) -> bool:
    """True while this account, or this address, has failed too often in the window: then even
    the right password is refused."""
    return (
        _count(_key("password-user", username.strip().lower())) >= PASSWORD_FAILURES_PER_USER
        or _count(_key("password-ip", ip)) >= PASSWORD_FAILURES_PER_ADDRESS
    )


def password_failed(*, username: str, ip: str) -> None:
    _add(_key("password-user", username.strip().lower()))
    _add(_key("password-ip", ip))


def code_attempts_blocked(*, user_id: int) -> bool:
    return _count(_key("code-user", str(user_id))) >= CODE_FAILURES_PER_USER


def code_failed(*, user_id: int) -> None:
    _add(_key("code-user", str(user_id)))


def staff_unlock(*, username: str, user_id: int | None) -> None:
    """An administrator lets an account try again at once (the address limits stay)."""
    cache.delete(_key("password-user", username.strip().lower()))
    if user_id is not None:
        cache.delete(_key("code-user", str(user_id)))
