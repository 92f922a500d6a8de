"""Idempotency-Key on POST: replay, conflict, in progress, per principal, 24 hours."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client as Browser
from django.utils import timezone

from api.idempotency import idempotency_purge
from api.models import IdempotencyRecord, IdempotencyState
from content.models import Exchange
from tests.api.conftest import auth

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls")]

URL = "/api/v1/test/exchanges/"
GOOD = {"code": "DCE", "name_zh": "大连商品交易所", "name_en": "Dalian", "category": "commodity"}


def post(client, key, body=GOOD, idempotency_key="k-1", url=URL):
    headers = auth(key)
    if idempotency_key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = idempotency_key
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_the_same_key_and_body_replays_the_first_answer(client, key):
    # given
    first = post(client, key)
    # when
    again = post(client, key)
    # then
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Exchange.objects.count() == 1


def test_the_body_is_kept_only_as_a_hash(client, key):
    post(client, key)
    record = IdempotencyRecord.objects.get()
    assert len(record.request_hash) == 64
    assert "大连" not in record.request_hash
    assert record.state == IdempotencyState.DONE
    assert record.principal.startswith("key:")


def test_the_same_key_with_another_body_is_a_conflict(client, key):
    post(client, key)
    response = post(client, key, {**GOOD, "code": "CZCE"})
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_conflict"
    assert Exchange.objects.count() == 1


def test_the_same_key_on_another_endpoint_is_a_conflict(client, key):
    post(client, key)
    response = post(client, key, {}, url="/api/v1/test/refusing/")
    assert response.status_code == 422


def test_a_request_still_in_progress_gets_409(client, key):
    # given a first request whose answer is not yet written
    post(client, key)
    IdempotencyRecord.objects.update(state=IdempotencyState.IN_PROGRESS, response_body="")
    # when it is sent again
    response = post(client, key)
    # then
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_in_progress"
    assert Exchange.objects.count() == 1


def test_a_request_abandoned_long_ago_runs_again(client, key):
    post(client, key, {**GOOD, "code": "INE"})
    Exchange.objects.all().delete()
    IdempotencyRecord.objects.update(
        state=IdempotencyState.IN_PROGRESS,
        created_at=timezone.now() - datetime.timedelta(minutes=10),
    )
    response = post(client, key, {**GOOD, "code": "INE"})
    assert response.status_code == 201
    assert Exchange.objects.count() == 1


def test_refusals_are_replayed_too(client, key):
    first = post(client, key, {**GOOD, "colour": "red"})
    again = post(client, key, {**GOOD, "colour": "red"})
    assert first.status_code == again.status_code == 400
    assert again.json() == first.json()


def test_a_crash_frees_the_key_for_a_retry(key):
    browser = Browser(raise_request_exception=False)
    response = post(browser, key, {}, url="/api/v1/test/crashing/")
    assert response.status_code == 500
    assert not IdempotencyRecord.objects.exists()


def test_keys_are_per_principal(client, key, make_key):
    other = make_key()
    post(client, key)
    response = post(client, other, {**GOOD, "code": "GFEX"})
    assert response.status_code == 201
    assert Exchange.objects.count() == 2


def test_without_a_key_every_post_runs(client, key):
    post(client, key, idempotency_key=None)
    response = post(client, key, idempotency_key=None)
    assert response.status_code == 400  # the second DCE: the code is taken
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.parametrize("bad", ["with space", "x" * 256, "中文"])
def test_a_malformed_key_is_refused(client, key, bad):
    response = post(client, key, idempotency_key=bad)
    assert response.status_code == 400
    assert response.json()["details"] == {"header": "Idempotency-Key"}
    assert not Exchange.objects.exists()


def test_keys_older_than_a_day_are_purged_and_free_again(client, key):
    post(client, key)
    IdempotencyRecord.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    assert idempotency_purge() == 1
    assert not IdempotencyRecord.objects.exists()
