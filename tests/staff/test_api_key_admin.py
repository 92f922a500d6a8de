"""Integrator keys in the CMS: administrators issue them with scopes and an expiry (the key shown
once, only its hash kept), rotate and revoke them; nobody else reaches the screens."""

from __future__ import annotations

import re

import pytest

from audit.models import AuditEvent
from staff.models import IntegratorKey
from staff.roles import Role
from tests.factories import BranchFactory, ExchangeFactory, staff_user

pytestmark = pytest.mark.django_db

LIST = "/cms/api-keys/"
NEW = "/cms/api-keys/new/"


@pytest.fixture
def admin_browser(client):
    client.force_login(staff_user("boss", Role.ADMINISTRATOR))
    return client


@pytest.fixture
def integrator():
    return staff_user("mobile_app", Role.INTEGRATOR)


def shown_key(response) -> str:
    return re.search(r"<code data-api-key>([^<]+)</code>", response.content.decode()).group(1)


def issue(admin_browser, integrator, scopes=("applications:read",)) -> str:
    response = admin_browser.post(
        NEW, {"name": "手机 App", "owner": integrator.pk, "scopes": list(scopes)}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return shown_key(response)


def test_an_administrator_issues_a_key_shown_once_and_stored_hashed(admin_browser, integrator):
    # when
    raw = issue(admin_browser, integrator, scopes=("applications:read", "webhooks"))
    # then
    key = IntegratorKey.objects.get()
    assert key.scopes == ["applications:read", "webhooks"]
    assert raw not in key.hashed_key and raw.startswith(key.prefix)
    listing = admin_browser.get(LIST).content.decode()
    assert key.prefix in listing
    assert raw not in listing
    assert AuditEvent.objects.filter(action="api_key.issued").exists()


def test_the_issued_key_works_with_its_scopes(admin_browser, integrator, client):
    ExchangeFactory()
    raw = issue(admin_browser, integrator)
    response = client.get("/api/v1/exchanges/", HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert response.status_code == 200


def test_rotation_gives_a_new_key_and_revokes_the_old(admin_browser, integrator):
    old_raw = issue(admin_browser, integrator)
    old = IntegratorKey.objects.get()
    # when
    response = admin_browser.post(f"/cms/api-keys/{old.prefix}/rotate/")
    # then
    new_raw = shown_key(response)
    old.refresh_from_db()
    assert old.revoked
    assert old.replaced_by.scopes == old.scopes
    assert new_raw != old_raw
    assert IntegratorKey.objects.get_from_key(new_raw) == old.replaced_by


def test_revocation_takes_effect_at_once(admin_browser, integrator, client):
    ExchangeFactory()
    raw = issue(admin_browser, integrator)
    prefix = IntegratorKey.objects.get().prefix
    admin_browser.post(f"/cms/api-keys/{prefix}/revoke/")
    response = client.get("/api/v1/exchanges/", HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert response.status_code == 401
    assert response.json()["code"] == "key_revoked"


def test_the_owner_must_be_an_integrator(admin_browser):
    nobody = staff_user("nobody")
    response = admin_browser.post(NEW, {"name": "x", "owner": nobody.pk})
    assert response.status_code == 200
    assert not IntegratorKey.objects.exists()
    assert "data-api-key" not in response.content.decode()


def test_a_witness_agent_gets_a_key_for_the_agent_api(admin_browser, client):
    agent = staff_user("agent_api", Role.WITNESS_AGENT, branch=BranchFactory())
    # when
    raw = issue(admin_browser, agent, scopes=("witness",))
    # then
    response = client.get("/api/v1/witness/agent/queue/", HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert response.status_code == 200
    assert response.json()["waiting"] == 0


@pytest.mark.parametrize(
    ("role", "scope", "named"),
    [
        (Role.INTEGRATOR, "witness", "见证坐席"),
        (Role.INTEGRATOR, "review", "复核员"),
        (Role.WITNESS_AGENT, "applications:write", "接口对接"),
    ],
)
def test_a_scope_the_owner_cannot_use_is_refused_by_name(admin_browser, role, scope, named):
    owner = staff_user("owner", role, branch=BranchFactory())
    # when
    response = admin_browser.post(NEW, {"name": "x", "owner": owner.pk, "scopes": [scope]})
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "用不了所选的权限范围" in page and named in page
    assert not IntegratorKey.objects.exists()


@pytest.mark.parametrize("role", [Role.COMPLIANCE, Role.INTEGRATOR, Role.REVIEWER])
def test_only_administrators_reach_the_screens(client, role, integrator):
    client.force_login(staff_user("someone", role))
    assert client.get(LIST).status_code in (302, 403)
    client.post(NEW, {"name": "x", "owner": integrator.pk, "scopes": ["review"]})
    assert not IntegratorKey.objects.exists()
