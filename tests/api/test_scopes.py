"""Scopes: an endpoint declares what it needs; a key without it gets 403 scope_missing."""

from __future__ import annotations

import json

import pytest

from api.scopes import Scope
from tests.api.conftest import auth

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls")]

URL = "/api/v1/test/exchanges/"


def test_a_read_scope_does_not_cover_writes(client, make_key):
    key = make_key(scopes={Scope.DOCUMENTS_READ})
    assert client.get(URL, **auth(key)).status_code == 200
    response = client.post(URL, json.dumps({}), content_type="application/json", **auth(key))
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "scope_missing"
    assert "applications:write" in body["message"]
    assert body["details"] == {"scope": "applications:write"}


def test_a_key_with_no_scopes_reaches_nothing_scoped(client, make_key):
    key = make_key(scopes=set())
    assert client.get("/api/v1/test/review/", **auth(key)).status_code == 403


def test_a_key_whose_owner_lost_the_role_is_refused(client, key, integrator):
    integrator.groups.clear()
    response = client.get(URL, **auth(key))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_the_last_use_of_a_key_is_kept(client, key):
    from staff.models import IntegratorKey

    client.get(URL, **auth(key))
    assert IntegratorKey.objects.get().last_used_at is not None
