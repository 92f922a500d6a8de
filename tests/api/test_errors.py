"""One error shape for every failure under /api/: {"code", "message", "fields"} (+ "details")."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client as Browser
from django.utils import timezone

from content.models import Exchange
from staff.models import IntegratorKey
from tests.api.conftest import auth
from tests.factories import ExchangeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls")]

URL = "/api/v1/test/exchanges/"
GOOD = {"code": "DCE", "name_zh": "大连商品交易所", "name_en": "Dalian", "category": "commodity"}


def shape(response) -> dict:
    body = response.json()
    assert {"code", "message", "fields"} <= set(body) <= {"code", "message", "fields", "details"}
    assert response["Content-Type"].startswith("application/json")
    return body


def post_json(client, key, body: str | dict, **extra):
    data = body if isinstance(body, str) else __import__("json").dumps(body)
    return client.post(URL, data, content_type="application/json", **auth(key), **extra)


def test_malformed_json_is_a_parse_error(client, key):
    response = post_json(client, key, '{"code": "DCE",')
    assert response.status_code == 400
    body = shape(response)
    assert body["code"] == "parse_error"
    assert "JSON" in body["message"]
    assert not Exchange.objects.exists()


def test_wrong_types_name_each_field(client, key):
    response = post_json(client, key, {**GOOD, "needs_score_reports": "perhaps", "category": 7})
    assert response.status_code == 400
    body = shape(response)
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"needs_score_reports", "category"}
    assert not Exchange.objects.exists()


def test_unknown_fields_are_refused_not_ignored(client, key):
    response = post_json(client, key, {**GOOD, "colour": "red", "nmae_zh": "x"})
    assert response.status_code == 400
    body = shape(response)
    assert body["fields"] == {"colour": ["未知字段。"], "nmae_zh": ["未知字段。"]}
    assert not Exchange.objects.exists()


def test_a_body_that_is_not_an_object_is_invalid(client, key):
    response = post_json(client, key, "[1, 2]")
    assert response.status_code == 400
    assert shape(response)["code"] == "invalid"


def test_an_unsupported_media_type(client, key):
    response = client.post(URL, "code=DCE", content_type="text/csv", **auth(key))
    assert response.status_code == 415
    assert shape(response)["code"] == "unsupported_media_type"


def test_a_method_the_endpoint_lacks(client, key):
    response = client.delete(URL, **auth(key))
    assert response.status_code == 405
    assert shape(response)["code"] == "method_not_allowed"


def test_no_credentials(client):
    response = client.get(URL)
    assert response.status_code == 401
    assert shape(response)["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"revoked": True}, "key_revoked"),
        ({"expiry_date": timezone.now() - datetime.timedelta(minutes=1)}, "key_expired"),
    ],
)
def test_a_revoked_or_expired_key(client, key, change, code):
    IntegratorKey.objects.update(**change)
    response = client.get(URL, **auth(key))
    assert response.status_code == 401
    body = shape(response)
    assert body["code"] == code
    assert "管理员" in body["message"]


def test_a_wrong_key(client, key):
    response = client.get(URL, **auth(key[:-2] + "zz"))
    assert response.status_code == 401
    assert shape(response)["code"] == "key_invalid"


def test_a_business_error_keeps_its_code_and_status(client, key):
    response = client.post("/api/v1/test/refusing/", **auth(key))
    assert response.status_code == 409
    assert shape(response) == {"code": "step_out_of_order", "message": "该步骤尚未开放。",
                               "fields": {}}  # fmt: skip


def test_an_unknown_url_under_api_is_json(client):
    response = client.get("/api/v2/nothing/")
    assert response.status_code == 404
    assert shape(response)["code"] == "not_found"


def test_an_unknown_url_elsewhere_is_still_the_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_a_crash_under_api_is_a_json_500(key):
    browser = Browser(raise_request_exception=False)
    response = browser.get("/api/v1/test/crashing/", **auth(key))
    assert response.status_code == 500
    body = shape(response)
    assert body["code"] == "server_error"
    assert "a bug" not in response.content.decode()


def test_a_missing_object_is_not_found(client, key):
    ExchangeFactory()
    response = client.get("/api/v1/exchanges/no-such/", **auth(key))
    assert response.status_code == 404
    assert shape(response)["code"] == "not_found"


def test_a_body_over_djangos_memory_limit_is_413_not_500(client, key, settings):
    # the edge cuts bodies off first in production (tests/onboarding/test_edge.py); behind it,
    # Django's own ceiling answers in the same shape
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {**GOOD, "name_en": "x" * 2000}
    response = post_json(client, key, body, HTTP_IDEMPOTENCY_KEY="big-1")
    assert response.status_code == 413
    assert shape(response)["code"] == "payload_too_large"
    assert not Exchange.objects.exists()
