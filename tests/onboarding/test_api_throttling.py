"""The API is throttled: per integrator, per address for anonymous callers, the signature check
on a tighter scope of its own; a forged X-Forwarded-For does not reset the count."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle

from api.throttles import PrincipalRateThrottle
from staff.roles import Role
from tests.factories import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def low_rates(monkeypatch):
    cache.clear()
    # DRF's own throttles (the API's default) and the per-principal one of api.base's views
    rates = {"user": "5/min", "anon": "3/min", "verify": "2/hour", "staff": "5/min"}
    for throttle in (AnonRateThrottle, UserRateThrottle, ScopedRateThrottle, PrincipalRateThrottle):
        monkeypatch.setattr(throttle, "THROTTLE_RATES", rates)
    yield
    cache.clear()


def test_every_endpoint_is_throttled_by_default():
    names = {cls.__name__ for cls in api_settings.DEFAULT_THROTTLE_CLASSES}
    assert {"AnonRateThrottle", "UserRateThrottle", "ScopedRateThrottle"} <= names
    assert api_settings.NUM_PROXIES == 0


def test_an_integrator_past_the_rate_gets_a_structured_429(client):
    client.force_login(staff_user("integrator", Role.INTEGRATOR))
    statuses = [client.get("/api/v1/exchanges/").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    body = client.get("/api/v1/exchanges/").json()
    assert body["code"] == "throttled"
    assert body["message"]


def test_anonymous_callers_are_counted_per_address_whatever_they_forward(client):
    statuses = [
        client.get("/api/schema/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_the_signature_check_has_a_tighter_limit_of_its_own(client):
    client.force_login(staff_user("integrator", Role.INTEGRATOR))
    statuses = [client.post("/api/v1/signatures/verify/").status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
