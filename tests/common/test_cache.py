"""The shared cache's Redis connections outlive a request (common/cache.py). Django's own
RedisCache builds a new client, pool and TCP connection in every request context under ASGI
(Django ticket #35651): each page then paid a connect and the client's handshake, about 2 ms of
CPU, before its session was read."""

from __future__ import annotations

import threading

import pytest
import redis

from common.cache import RedisCache

BACKEND = "common.cache.RedisCache"


def _backend(url: str, **options) -> RedisCache:
    """A new backend, as each request context under ASGI makes one (CacheHandler's Local)."""
    return RedisCache(url, {"OPTIONS": options})


def test_backends_of_one_location_share_one_connection_pool():
    first, second = _backend("redis://127.0.0.1:6390/3"), _backend("redis://127.0.0.1:6390/3")
    assert first is not second
    assert first._cache._get_connection_pool(True) is second._cache._get_connection_pool(True)


def test_backends_of_one_location_share_one_client():
    # building a redis.Redis (its ~170 response callbacks) cost more than the GET it made
    first, second = _backend("redis://127.0.0.1:6390/3"), _backend("redis://127.0.0.1:6390/3")
    client = first._cache.get_client("key")
    assert client is second._cache.get_client("other", write=True)
    assert client.connection_pool is first._cache._get_connection_pool(False)


def test_another_location_or_other_options_get_a_pool_of_their_own():
    base = _backend("redis://127.0.0.1:6390/3")._cache._get_connection_pool(True)
    assert _backend("redis://127.0.0.1:6390/4")._cache._get_connection_pool(True) is not base
    other = _backend("redis://127.0.0.1:6390/3", socket_timeout=1)._cache._get_connection_pool(True)
    assert other is not base


def test_threads_asking_at_once_get_the_same_pool():
    found, start = [], threading.Barrier(8)

    def ask():
        backend = _backend("redis://127.0.0.1:6390/5")
        start.wait()
        found.append(backend._cache._get_connection_pool(False))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(pool) for pool in found}) == 1


def test_a_hundred_request_contexts_open_one_connection(redis_url):
    pool = None
    for n in range(100):
        backend = _backend(redis_url)
        backend.set(f"test-cache-{n}", n, 30)
        assert backend.get(f"test-cache-{n}") == n
        pool = backend._cache._get_connection_pool(True)
    assert isinstance(pool, redis.ConnectionPool)
    assert pool._created_connections == 1  # noqa: SLF001


def test_the_settings_use_it_with_redis(settings):
    from onboarding.settings import base

    if not base.REDIS_URL:
        pytest.skip("the embedded default has no Redis cache (REDIS_URL unset)")
    assert base.CACHES["default"]["BACKEND"] == BACKEND
