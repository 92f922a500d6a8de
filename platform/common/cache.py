"""The shared cache on Redis, with connections that outlive a request.

Django's RedisCache keeps its client, and so its connection pools, on the backend instance, and
the cache handler makes a backend per request context: under ASGI every request built a new pool
and opened a new TCP connection, paying the connect and redis-py's handshake (about 2 ms of CPU)
before the session could be read (Django ticket #35651, unfixed in 5.2). Here the pools belong to
the process, one per server and options, shared by every backend and thread (redis-py's pools are
thread-safe, and after a fork a pool starts afresh in the child)."""

from __future__ import annotations

import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

_pools: dict[tuple[str, str], Any] = {}
_pools_lock = threading.Lock()


class SharedPoolsClient(RedisCacheClient):
    def _get_connection_pool(self, write: bool):
        index = self._get_connection_pool_index(write)
        key = (self._servers[index], repr(sorted(self._pool_options.items(), key=str)))
        pool = _pools.get(key)
        if pool is None:
            with _pools_lock:
                pool = _pools.get(key)
                if pool is None:
                    pool = _pools[key] = self._pool_class.from_url(
                        self._servers[index], **self._pool_options
                    )
        return pool


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedPoolsClient
