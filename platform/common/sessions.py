"""Sessions read from the shared cache, kept in the database (Django's cached_db), with the
cache an accelerator only: every page of a logged-in person reads the session, and the cache
saves that query; a Redis outage makes the store read and write the database alone, as the
themes' cache does (themes.models), rather than answer 500 on every page or refuse a login.

Django's cached_db already logs and passes over a failed write after saving to the database;
it does not for the write after a database read, for `exists` (asked for every new key, so at
each login) or for `delete` (logout, key rotation). A write or a delete the cache missed in an
outage leaves the entry it had; the entry lives at most CACHE_SECONDS, which bounds how long
such a stale copy (a session ended while Redis was unreachable) can be read back. (Only the
synchronous methods are changed: Django's middleware and Channels' call those.)"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import cached_db

logger = logging.getLogger(__name__)

CACHE_SECONDS = 300


class SessionStore(cached_db.SessionStore):
    def load(self) -> dict:
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # the backend's connection errors (and invalid keys, as Django says)
            data = None
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        self._cache_call("set", self.cache_key, data, self._cache_seconds(stored.expire_date))
        return data

    def exists(self, session_key: str) -> bool:
        if session_key and self._cache_call("has_key", self.cache_key_prefix + session_key):
            return True
        return super(cached_db.SessionStore, self).exists(session_key)

    def save(self, must_create: bool = False) -> None:
        super(cached_db.SessionStore, self).save(must_create)
        self._cache_call("set", self.cache_key, self._session, self._cache_seconds())

    def delete(self, session_key: str | None = None) -> None:
        super(cached_db.SessionStore, self).delete(session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self._cache_call("delete", self.cache_key_prefix + session_key)

    def _cache_seconds(self, expiry=None) -> int:
        age = self.get_expiry_age(expiry=expiry) if expiry else self.get_expiry_age()
        return min(age, CACHE_SECONDS)

    def _cache_call(self, operation: str, *args):
        try:
            return getattr(self._cache, operation)(*args)
        except Exception:  # the cache backend's own connection errors
            logger.warning("session cache unavailable (%s); using the database", operation)
            return None
