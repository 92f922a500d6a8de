"""Reads: ETags and 304, cursor pagination with a stable order."""

from __future__ import annotations

import pytest

from content.models import Exchange
from tests.api.conftest import auth

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls")]

URL = "/api/v1/test/exchanges/"


def _exchanges(n: int) -> None:
    for i in range(n):
        Exchange.objects.create(code=f"X{i:02d}", name_zh=f"交易所{i}", name_en=f"E{i}",
                                category="commodity")  # fmt: skip


def test_a_read_carries_an_etag_and_the_same_etag_gets_304(client, key):
    # given
    _exchanges(2)
    first = client.get(URL, **auth(key))
    etag = first["ETag"]
    # when
    again = client.get(URL, HTTP_IF_NONE_MATCH=etag, **auth(key))
    # then
    assert first.status_code == 200
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag


def test_a_change_changes_the_etag(client, key):
    _exchanges(1)
    etag = client.get(URL, **auth(key))["ETag"]
    Exchange.objects.update(name_zh="改名")
    response = client.get(URL, HTTP_IF_NONE_MATCH=etag, **auth(key))
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_head_answers_304_too(client, key):
    _exchanges(1)
    etag = client.get(URL, **auth(key))["ETag"]
    assert client.head(URL, HTTP_IF_NONE_MATCH=f"W/{etag}", **auth(key)).status_code == 304


def test_lists_are_cursor_paginated_without_gaps_or_repeats(client, key):
    # given 25 rows, and a row added between two pages
    _exchanges(25)
    page = client.get(URL, {"page_size": 10}, **auth(key)).json()
    seen = [row["code"] for row in page["results"]]
    Exchange.objects.create(code="NEW", name_zh="新", name_en="N", category="commodity")
    # when
    while page["next"]:
        page = client.get(page["next"], **auth(key)).json()
        seen += [row["code"] for row in page["results"]]
    # then every row once, newest first, the late one not slipped in between
    assert seen == [f"X{i:02d}" for i in reversed(range(25))]
    assert set(page) == {"next", "previous", "results"}


def test_a_forged_cursor_is_a_clean_404(client, key):
    response = client.get(URL, {"cursor": "garbage"}, **auth(key))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "游标" in response.json()["message"]


def test_page_size_is_capped(client, key):
    _exchanges(3)
    response = client.get(URL, {"page_size": 100000}, **auth(key))
    assert response.status_code == 200
    assert len(response.json()["results"]) == 3
