"""Deliveries to a real receiver on 127.0.0.1: signed, sent after commit only, retried with
backoff after a 500 (the same body and event id each time), every attempt logged, marked failed
after the last try, never sent again once delivered; the secret is never logged."""

from __future__ import annotations

import datetime
import json
import logging

import pytest
from django.db import transaction
from django.utils import timezone

from flows.actors import Actor
from flows.events import event_record
from flows.models import OutboxEvent
from flows.services import application_start
from tests.factories import ClientFactory, published_flow
from webhooks.deliveries import backoff, webhook_attempt
from webhooks.models import WebhookDelivery, WebhookStatus
from webhooks.tasks import webhooks_sweep

from .conftest import PERSON

pytestmark = pytest.mark.django_db


def start(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return application_start(client=ClientFactory(**PERSON), actor=Actor.system("test"))


def later(delivery: WebhookDelivery, seconds: float = 1) -> datetime.datetime:
    delivery.refresh_from_db()
    return delivery.next_attempt_at + datetime.timedelta(seconds=seconds)


def test_a_receiver_answering_500_sees_the_retries_then_the_delivery_succeeds(
    subscribe, receiver, django_capture_on_commit_callbacks
):
    # given a receiver that fails twice, then accepts
    published_flow()
    subscribe(events=["application.created"])
    receiver.answers = [500, 500, 200]
    # when an application starts (the first attempt is made after commit, at once)
    application = start(django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (WebhookStatus.PENDING, 1)
    # and the retries come due (30 s, then 1 min later)
    assert webhook_attempt(delivery_id=delivery.pk) == "skipped"  # not due yet
    first_retry = later(delivery)
    assert first_retry - delivery.created_at >= backoff(1)
    assert webhook_attempt(delivery_id=delivery.pk, now=first_retry) == "retry"
    assert webhook_attempt(delivery_id=delivery.pk, now=later(delivery)) == "delivered"
    # then the receiver heard three signed requests of the same event, byte for byte
    assert [heard.verified for heard in receiver.heard] == [True, True, True]
    assert len({heard.body for heard in receiver.heard}) == 1
    assert {heard.headers["X-Webhook-Id"] for heard in receiver.heard} == {str(delivery.event_id)}
    assert [heard.headers["X-Webhook-Attempt"] for heard in receiver.heard] == ["1", "2", "3"]
    body = json.loads(receiver.heard[0].body)
    assert body["id"] == str(delivery.event_id)
    assert body["event"] == receiver.heard[0].headers["X-Webhook-Event"] == "application.created"
    assert body["application"]["acceptance_number"] == application.acceptance_number
    # and every attempt is logged
    attempts = list(delivery.attempt_log.order_by("number"))
    assert [(a.number, a.status_code, a.delivered) for a in attempts] == [
        (1, 500, False),
        (2, 500, False),
        (3, 200, True),
    ]
    assert attempts[0].response_excerpt.startswith("receiver says no")
    assert len(attempts[0].response_excerpt) <= 500
    delivery.refresh_from_db()
    assert delivery.status == WebhookStatus.DELIVERED and delivery.delivered_at is not None


def test_a_delivered_webhook_is_never_sent_again(
    subscribe, receiver, application, django_capture_on_commit_callbacks
):
    # given a delivered webhook
    subscribe(events=["application.returned"])
    with django_capture_on_commit_callbacks(execute=True):
        event_record(name="application.rejected", application=application, payload={"to": "x"})
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookStatus.DELIVERED
    # when its task runs again (at least once), and the sweep runs
    far = timezone.now() + datetime.timedelta(days=1)
    assert webhook_attempt(delivery_id=delivery.pk, now=far) == "skipped"
    webhooks_sweep()
    # then the receiver heard it once
    assert len(receiver.heard) == 1


def test_a_receiver_that_keeps_failing_gets_the_bounded_number_of_tries_then_it_is_failed(
    subscribe, receiver, application, settings, django_capture_on_commit_callbacks
):
    # given a receiver that always answers 500, and 4 tries allowed
    settings.WEBHOOKS_MAX_ATTEMPTS = 4
    subscribe(events=["application.submitted"])
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        event_record(name="application.submitted", application=application)
    delivery = WebhookDelivery.objects.get()
    # when every retry comes due
    outcomes = [webhook_attempt(delivery_id=delivery.pk, now=later(delivery)) for _ in range(4)]
    # then three more tries were made, the last marked failed, and nothing after it
    assert outcomes == ["retry", "retry", "failed", "skipped"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        WebhookStatus.FAILED,
        4,
        500,
    )
    assert len(receiver.heard) == 4
    assert delivery.attempt_log.count() == 4


def test_the_backoff_grows_exponentially_and_is_capped():
    assert [backoff(n).total_seconds() for n in range(1, 9)] == [
        30,
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
    ]


def test_a_slow_receiver_times_out_and_the_attempt_is_logged(
    subscribe, receiver, application, settings, django_capture_on_commit_callbacks
):
    # given a receiver slower than the timeout
    settings.WEBHOOKS_TIMEOUT = 0.3
    receiver.delay = 1.0
    subscribe(events=["application.approved"])
    # when an event is sent
    with django_capture_on_commit_callbacks(execute=True):
        event_record(name="application.approved", application=application)
    # then the attempt failed with a timeout, and a retry is due
    delivery = WebhookDelivery.objects.get()
    attempt = delivery.attempt_log.get()
    assert (attempt.status_code, attempt.error) == (None, "TimeoutError")
    assert attempt.duration_ms < 1000
    assert delivery.status == WebhookStatus.PENDING


def test_a_rolled_back_transaction_sends_nothing(
    subscribe, receiver, application, django_capture_on_commit_callbacks
):
    # given a subscription
    subscribe(events=["application.submitted"])
    # when an event is recorded in a transaction that rolls back
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                event_record(name="application.submitted", application=application)
                raise RuntimeError("the change failed after the event")
        except RuntimeError:
            pass
    # then nothing was recorded or sent
    assert callbacks == []
    assert not WebhookDelivery.objects.exists()
    assert not OutboxEvent.objects.filter(name="application.submitted").exists()
    assert receiver.heard == []


def test_nothing_is_sent_before_commit(
    subscribe, receiver, application, django_capture_on_commit_callbacks
):
    subscribe(events=["application.submitted"])
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            event_record(name="application.submitted", application=application)
            assert receiver.heard == [] and not WebhookDelivery.objects.exists()
    assert len(receiver.heard) == 1


def test_a_lost_hand_over_is_picked_up_by_the_sweeps(subscribe, receiver, application):
    # given an event committed whose hand-overs never ran (on_commit callbacks are not run here)
    subscribe(events=["application.submitted"])
    event_record(name="application.submitted", application=application)
    from flows.tasks import events_sweep

    # when the outbox sweep runs (it fans the event out; that hand-over is lost too) …
    events_sweep()
    assert WebhookDelivery.objects.count() == 1
    # … and the webhooks sweep runs
    webhooks_sweep()
    # then it is delivered once
    assert len(receiver.heard) == 1
    assert WebhookDelivery.objects.get().status == WebhookStatus.DELIVERED


def test_the_secret_is_never_logged_nor_stored_in_clear(
    subscribe, receiver, application, caplog, django_capture_on_commit_callbacks
):
    # given a subscription whose receiver fails (failures are logged)
    caplog.set_level(logging.DEBUG)
    subscription = subscribe(events=["application.submitted"])
    receiver.answers = [500]
    # when an event is sent
    with django_capture_on_commit_callbacks(execute=True):
        event_record(name="application.submitted", application=application)
    # then the failure was logged, without the secret or the signature
    assert "failed" in caplog.text
    assert receiver.secret not in caplog.text
    signature = receiver.heard[0].headers["X-Webhook-Signature"]
    assert signature.split("v1=")[1] not in caplog.text
    # and the database holds the secret encrypted only
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT secret FROM webhooks_webhooksubscription WHERE id = %s", [subscription.pk]
        )
        (stored,) = cursor.fetchone()
    assert receiver.secret not in stored


def test_a_switched_off_subscription_gets_no_more_attempts(
    subscribe, receiver, application, django_capture_on_commit_callbacks
):
    # given a delivery waiting for its retry
    subscription = subscribe(events=["application.submitted"])
    receiver.answers = [500, 200]
    with django_capture_on_commit_callbacks(execute=True):
        event_record(name="application.submitted", application=application)
    delivery = WebhookDelivery.objects.get()
    # when the integrator switches the subscription off, and the retry comes due
    subscription.active = False
    subscription.save()
    assert webhook_attempt(delivery_id=delivery.pk, now=later(delivery)) == "skipped"
    # then nothing more was sent, and the delivery is closed with the reason
    assert len(receiver.heard) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == (
        WebhookStatus.FAILED,
        "subscription_inactive",
    )
