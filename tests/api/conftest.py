from __future__ import annotations

import pytest
from django.core.cache import cache

from api.scopes import ALL_SCOPES
from staff.models import IntegratorKey
from staff.roles import Role
from tests.factories import staff_user


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def integrator(db):
    return staff_user("app", Role.INTEGRATOR)


@pytest.fixture
def make_key(integrator):
    """make_key(scopes=...) → the raw key (shown once), as the admin issues it."""

    def make(scopes=ALL_SCOPES, **fields) -> str:
        _record, raw = IntegratorKey.objects.create_key(
            name="app", owner=integrator, scopes=sorted(scopes), **fields
        )
        return raw

    return make


@pytest.fixture
def key(make_key) -> str:
    return make_key()


def auth(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Api-Key {key}"}


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
