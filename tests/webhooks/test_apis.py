"""Integrators manage their own subscriptions over the API: create (the secret in that answer
only), list, read, switch off, rotate the secret; bad input is a 400 in the one error shape; the
subscriptions of another integrator are not found."""

from __future__ import annotations

import json

import pytest

from api.scopes import Scope
from audit.models import AuditEvent
from staff.models import IntegratorKey
from staff.roles import Role
from tests.factories import staff_user
from webhooks.models import WebhookSubscription
from webhooks.signature import signature_header

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, integrator, local_receivers):
    _, key = IntegratorKey.objects.create_key(name="crm", owner=integrator, scopes=[Scope.WEBHOOKS])
    client.defaults["HTTP_AUTHORIZATION"] = f"Api-Key {key}"
    return client


def post(api, url, data=None):
    return api.post(url, json.dumps(data or {}), content_type="application/json")


def create(api, **given):
    data = {"url": "http://127.0.0.1:9/in", "events": ["application.submitted"], **given}
    return post(api, "/api/v1/webhooks/", data)


def test_an_integrator_subscribes_and_sees_the_secret_once(api, integrator):
    # when
    answer = create(api, description="CRM")
    # then the secret is in the answer, and only there
    assert answer.status_code == 201, answer.content
    made = answer.json()
    assert made["secret"].startswith("whsec_") and len(made["secret"]) > 40
    assert made["events"] == ["application.submitted"] and made["active"] is True
    subscription = WebhookSubscription.objects.get(pk=made["id"])
    assert subscription.owner == integrator and subscription.secret == made["secret"]
    listed = api.get("/api/v1/webhooks/").json()
    assert [s["id"] for s in listed] == [made["id"]]
    assert "secret" not in listed[0]
    assert "secret" not in api.get(f"/api/v1/webhooks/{made['id']}/").json()
    # and the audit trail has the creation, without the secret
    entry = AuditEvent.objects.get(action="webhook.subscription_create")
    assert made["secret"] not in json.dumps(entry.data)


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ({"url": "http://127.0.0.1:9/in", "events": []}, "invalid"),
        ({"url": "http://127.0.0.1:9/in", "events": ["application.exploded"]}, "invalid"),
        ({"url": "http://127.0.0.1:9/in", "events": "application.submitted"}, "invalid"),
        ({"events": ["application.submitted"]}, "invalid"),
        ({"url": "http://127.0.0.1:9/in", "events": ["witness.passed"], "x": 1}, "invalid"),
        ({"url": "ftp://hooks.example.com/", "events": ["witness.passed"]}, "webhook_url_scheme"),
    ],
)
def test_bad_input_is_refused_in_the_error_shape_and_nothing_is_stored(api, given, code):
    answer = post(api, "/api/v1/webhooks/", given)
    assert answer.status_code == 400
    assert answer.json()["code"] == code and answer.json()["message"]
    assert not WebhookSubscription.objects.exists()


def test_an_internal_url_is_refused_when_private_networks_are_not_allowed(api, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False
    answer = create(api, url="http://169.254.169.254/latest/meta-data/")
    assert answer.status_code == 400
    assert answer.json()["code"] == "webhook_url_private"
    assert answer.json()["fields"] == {"url": [answer.json()["message"]]}


def test_deleting_switches_the_subscription_off_and_keeps_it(api):
    made = create(api).json()
    assert api.delete(f"/api/v1/webhooks/{made['id']}/").status_code == 204
    assert api.get(f"/api/v1/webhooks/{made['id']}/").json()["active"] is False


def test_rotating_gives_a_new_secret_that_signs_from_now_on(api):
    made = create(api).json()
    answer = post(api, f"/api/v1/webhooks/{made['id']}/rotate-secret/")
    assert answer.status_code == 200
    rotated = answer.json()["secret"]
    assert rotated != made["secret"]
    subscription = WebhookSubscription.objects.get(pk=made["id"])
    assert subscription.secret == rotated and subscription.secret_rotated_at is not None
    # the old secret's signatures no longer match what is sent
    assert signature_header(secret=made["secret"], body=b"{}", timestamp=1) != (
        signature_header(secret=subscription.secret, body=b"{}", timestamp=1)
    )


def test_another_integrators_subscriptions_are_not_found(api):
    other = staff_user("other_app", Role.INTEGRATOR)
    _, key = IntegratorKey.objects.create_key(name="other", owner=other, scopes=[Scope.WEBHOOKS])
    theirs = create(api).json()
    api.defaults["HTTP_AUTHORIZATION"] = f"Api-Key {key}"
    assert api.get("/api/v1/webhooks/").json() == []
    assert api.get(f"/api/v1/webhooks/{theirs['id']}/").status_code == 404
    assert api.delete(f"/api/v1/webhooks/{theirs['id']}/").status_code == 404
    assert post(api, f"/api/v1/webhooks/{theirs['id']}/rotate-secret/").status_code == 404
    assert WebhookSubscription.objects.get(pk=theirs["id"]).active is True


def test_a_key_without_the_webhooks_scope_is_refused_and_nothing_is_stored(client, integrator):
    _, key = IntegratorKey.objects.create_key(
        name="reader", owner=integrator, scopes=[Scope.APPLICATIONS_READ]
    )
    client.defaults["HTTP_AUTHORIZATION"] = f"Api-Key {key}"
    answer = create(client)
    assert answer.status_code == 403
    assert answer.json()["code"] == "scope_missing"
    assert not WebhookSubscription.objects.exists()


def test_callers_without_an_integrator_key_are_refused(client):
    assert client.get("/api/v1/webhooks/").status_code in (401, 403)
    client.defaults["HTTP_AUTHORIZATION"] = "Api-Key nope.nope"
    assert client.get("/api/v1/webhooks/").status_code == 401


def test_the_catalogue_lists_every_event(api):
    names = [event["name"] for event in api.get("/api/v1/webhooks/events/").json()]
    assert "certificate.issued" in names and "application.step_completed" in names
    assert "witness.started" in names and "witness.released" in names
    assert len(names) == 13


def test_the_schema_documents_the_webhook_endpoints(client):
    schema = client.get("/api/schema/?format=json").json()
    assert "/api/v1/webhooks/" in schema["paths"]
    assert "/api/v1/webhooks/{id}/rotate-secret/" in schema["paths"]
