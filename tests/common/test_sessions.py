"""Sessions through the shared cache (common.sessions, production's store): a page reads its
session without a query, and the cache never outlives what the database says: logout and the
key rotated at login end the old session, an expired one is gone, each session holds only its
own person, and a cache outage leaves the database to answer."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache

from clients.auth import SESSION_KEY
from common import sessions
from common.sessions import SessionStore
from tests.factories import ClientFactory
from tests.flows.test_engine import log_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _saved(**data) -> SessionStore:
    store = SessionStore()
    store.update(data)
    store.save(must_create=True)
    return store


def test_a_saved_session_is_read_back_without_a_query(django_assert_num_queries):
    store = _saved(**{SESSION_KEY: 7})
    with django_assert_num_queries(0):
        assert SessionStore(store.session_key)[SESSION_KEY] == 7


def test_a_session_read_from_the_database_is_cached_for_the_next_request(
    django_assert_num_queries,
):
    store = _saved(**{SESSION_KEY: 7})
    cache.clear()
    with django_assert_num_queries(1):
        assert SessionStore(store.session_key)[SESSION_KEY] == 7
    with django_assert_num_queries(0):
        assert SessionStore(store.session_key)[SESSION_KEY] == 7


def test_logging_out_ends_the_old_session_everywhere(client):
    log_in(client)
    assert client.get("/business/").status_code == 200
    old_key = client.cookies["sessionid"].value
    client.post("/investor/logout/")
    assert SESSION_KEY not in SessionStore(old_key).load()
    # the old cookie, replayed, is not logged in
    client.cookies["sessionid"] = old_key
    assert client.get("/business/").url == "/investor/login/"


def test_the_key_rotated_at_login_leaves_nothing_under_the_old_one():
    before = _saved(captcha="seen")
    old_key = before.session_key
    before.cycle_key()
    before[SESSION_KEY] = 7
    before.save()
    assert SessionStore(old_key).load() == {}
    assert SessionStore(before.session_key)[SESSION_KEY] == 7


def test_an_expired_session_is_not_read_back_from_the_cache():
    store = SessionStore()
    store[SESSION_KEY] = 7
    store.set_expiry(1)
    store.save(must_create=True)
    time.sleep(1.2)
    assert SessionStore(store.session_key).load() == {}


def test_the_cache_keeps_a_session_no_longer_than_its_bound(monkeypatch):
    written = []
    monkeypatch.setattr(cache, "set", lambda key, value, timeout: written.append(timeout))
    store = SessionStore()
    store[SESSION_KEY] = 7
    store.save(must_create=True)
    assert written and set(written) == {sessions.CACHE_SECONDS}


def test_each_session_holds_only_its_own_investor(client):
    from django.test import Client

    first, second = ClientFactory(), ClientFactory()
    log_in(client, first)
    other = Client()
    log_in(other, second)
    for browser, investor in ((client, first), (other, second)):
        key = browser.cookies["sessionid"].value
        assert SessionStore(key)[SESSION_KEY] == investor.pk


def test_a_cache_outage_leaves_the_database_to_answer(client, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    for operation in ("get", "set", "delete", "has_key"):
        monkeypatch.setattr(cache, operation, down)
    # a login (a new key, asked whether it exists), a page, and a logout all work
    investor = log_in(client)
    assert client.get("/business/").status_code == 200
    old_key = client.cookies["sessionid"].value
    assert SessionStore(old_key)[SESSION_KEY] == investor.pk
    client.post("/investor/logout/")
    assert SessionStore(old_key).load() == {}
