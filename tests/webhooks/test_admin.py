"""The administrators' screens: a subscription made in the admin shows its secret once; the URL
is checked as in the API; deliveries show their attempts; a failed one is replayed (audited);
other staff are refused."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from flows.events import event_record
from staff.roles import Role
from tests.factories import staff_user
from webhooks.deliveries import webhook_attempt
from webhooks.models import WebhookDelivery, WebhookStatus, WebhookSubscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_browser(client):
    client.force_login(staff_user("boss", Role.ADMINISTRATOR))
    return client


def test_an_administrator_subscribes_an_integrator_and_sees_the_secret_once(
    admin_browser, integrator, receiver, local_receivers
):
    # when
    answer = admin_browser.post(
        "/cms/webhook_subscriptions/new/",
        {
            "owner": integrator.pk,
            "url": receiver.url,
            "events": ["application.submitted", "witness.passed"],
            "description": "CRM",
            "active": "on",
        },
    )
    # then the page shows the secret, not to be cached
    assert answer.status_code == 200, answer.content[:2000]
    subscription = WebhookSubscription.objects.get()
    assert subscription.secret in answer.content.decode()
    assert "no-store" in answer["Cache-Control"]
    assert subscription.events == ["application.submitted", "witness.passed"]
    # and never again: neither the listing nor the edit page shows it
    listing = admin_browser.get("/cms/webhook_subscriptions/").content.decode()
    assert "application.submitted、witness.passed" in listing
    for url in (
        "/cms/webhook_subscriptions/",
        f"/cms/webhook_subscriptions/edit/{subscription.pk}/",
    ):
        page = admin_browser.get(url)
        assert page.status_code == 200
        assert subscription.secret not in page.content.decode()


def test_the_admin_refuses_an_internal_url_with_the_reason(admin_browser, integrator, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False
    answer = admin_browser.post(
        "/cms/webhook_subscriptions/new/",
        {"owner": integrator.pk, "url": "https://10.0.0.8/in", "events": ["witness.passed"]},
    )
    assert answer.status_code == 200
    assert "推送地址指向内网、本机或保留地址" in answer.content.decode()
    assert not WebhookSubscription.objects.exists()


def test_rotating_in_the_admin_shows_the_new_secret_once(admin_browser, subscribe):
    subscription = subscribe(events=["witness.passed"])
    old = subscription.secret
    answer = admin_browser.post(f"/cms/webhooks/subscriptions/{subscription.pk}/rotate/")
    subscription.refresh_from_db()
    assert subscription.secret != old
    assert subscription.secret in answer.content.decode()
    assert AuditEvent.objects.filter(action="webhook.secret_rotate").count() == 1


def test_a_failed_delivery_is_replayed_from_the_admin_and_audited(
    admin_browser, subscribe, receiver, application, settings, django_capture_on_commit_callbacks
):
    # given a delivery that failed its only try
    settings.WEBHOOKS_MAX_ATTEMPTS = 1
    subscribe(events=["application.submitted"])
    receiver.answers = [500, 200]
    with django_capture_on_commit_callbacks(execute=True):
        event_record(name="application.submitted", application=application)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookStatus.FAILED
    page = admin_browser.get(f"/cms/snippets/webhooks/webhookdelivery/inspect/{delivery.pk}/")
    assert page.status_code == 200
    assert "重新推送" in page.content.decode() and "receiver says no" in page.content.decode()
    # when the administrator replays it
    with django_capture_on_commit_callbacks(execute=True):
        answer = admin_browser.post(f"/cms/webhooks/deliveries/{delivery.pk}/replay/")
    # then it is sent again, the same event, and delivered; the replay is on the audit log
    assert answer.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == WebhookStatus.DELIVERED and delivery.attempts == 2
    assert [h.headers["X-Webhook-Id"] for h in receiver.heard] == [str(delivery.event_id)] * 2
    entry = AuditEvent.objects.get(action="webhook.replay")
    assert entry.data["delivery"] == delivery.pk


def test_a_delivery_that_did_not_fail_is_not_replayed(
    admin_browser, subscribe, application, django_capture_on_commit_callbacks
):
    subscribe(events=["application.submitted"])
    with django_capture_on_commit_callbacks(execute=True):
        event_record(name="application.submitted", application=application)
    delivery = WebhookDelivery.objects.get(status=WebhookStatus.DELIVERED)
    admin_browser.post(f"/cms/webhooks/deliveries/{delivery.pk}/replay/", follow=True)
    assert webhook_attempt(delivery_id=delivery.pk) == "skipped"
    assert not AuditEvent.objects.filter(action="webhook.replay").exists()


@pytest.mark.parametrize("role", [Role.INTEGRATOR, Role.REVIEWER, Role.COMPLIANCE, None])
def test_other_staff_are_refused(client, role, subscribe):
    subscription = subscribe(events=["witness.passed"])
    client.force_login(staff_user(f"someone_{role}", role))
    for url in ("/cms/webhook_subscriptions/", "/cms/webhook_subscriptions/new/"):
        assert client.get(url).status_code in (302, 403)
    assert client.post(f"/cms/webhooks/subscriptions/{subscription.pk}/rotate/").status_code in (
        302,
        403,
    )
    subscription.refresh_from_db()
    assert client.post("/cms/webhooks/deliveries/1/replay/").status_code in (302, 403, 404)
