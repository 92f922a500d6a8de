"""Throttles per integrator key and per investor (over all their tokens), 429 with retry info."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from api.throttles import PrincipalRateThrottle
from api.tokens import investor_token_issue
from tests.api.conftest import auth, bearer
from tests.factories import ClientFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls")]

URL = "/api/v1/test/exchanges/"


@pytest.fixture(autouse=True)
def low_rates(monkeypatch):
    rates = {"api_key": "3/min", "investor": "2/min", "staff": "5/min", "anon": "5/min"}
    monkeypatch.setattr(PrincipalRateThrottle, "THROTTLE_RATES", rates)


def test_each_key_has_its_own_count(client, key, make_key):
    statuses = [client.get(URL, **auth(key)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    # another key of the same owner is not held back by the first
    assert client.get(URL, **auth(make_key())).status_code == 200


def test_a_throttled_call_says_when_to_retry(client, key):
    for _ in range(3):
        client.get(URL, **auth(key))
    response = client.get(URL, **auth(key))
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "throttled"
    assert 0 < body["details"]["retry_after"] <= 60
    assert response["Retry-After"] == str(body["details"]["retry_after"])
    assert "秒后再试" in body["message"]


def test_an_investor_is_counted_over_all_their_tokens(client, db):
    investor = ClientFactory()
    tokens = [investor_token_issue(client=investor, issuer=None).token for _ in range(2)]
    statuses = [client.get(URL, **bearer(tokens[n % 2])).status_code for n in range(3)]
    assert statuses == [200, 200, 429]
    # another investor is not
    other = investor_token_issue(client=ClientFactory(), issuer=None).token
    assert client.get(URL, **bearer(other)).status_code == 200


def test_tokens_expire_after_the_configured_time(settings, db):
    settings.API_INVESTOR_TOKEN_TTL_SECONDS = 60
    issued = investor_token_issue(client=ClientFactory(), issuer=None)
    lifetime = issued.record.expires_at - issued.record.created_at
    assert lifetime == datetime.timedelta(seconds=60)
    assert issued.record.expires_at > timezone.now()
