"""The shared cache on Redis, with connections that outlive a request.

Django's RedisCache keeps its client, and so its connection pools, on the backend instance, and
the cache handler makes a backend per request context: under ASGI every request built a new pool
and opened a new TCP connection, paying the connect and redis-py's handshake (about 2 ms of CPU)
before the session could be read (Django ticket #35651, unfixed in 5.2); and every cache call
built a new `redis.Redis` (its table of ~170 response callbacks), which cost more than the GET
it made. Here the clients, each with its pool, belong to the process: one per server and
options, shared by every backend and thread (redis-py's clients and pools are thread-safe, and
after a fork a pool starts afresh in the child)."""

from __future__ import annotations

import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

_clients: dict[tuple[str, str], Any] = {}
_clients_lock = threading.Lock()


class SharedClients(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        found = (self._servers[index], repr(sorted(self._pool_options.items(), key=str)))
        client = _clients.get(found)
        if client is None:
            with _clients_lock:
                client = _clients.get(found)
                if client is None:
                    pool = self._pool_class.from_url(self._servers[index], **self._pool_options)
                    client = _clients[found] = self._client(connection_pool=pool)
        return client

    def _get_connection_pool(self, write):
        return self.get_client(write=write).connection_pool


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClients
