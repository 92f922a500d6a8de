"""The outbox: an event is delivered after commit and never after a rollback; a crash between
commit and hand-over, or a worker that died mid-delivery, only delays it; a delivery is never
handed to its subscriber twice once delivered; a failing subscriber is retried, then shown to
staff, and the business goes on."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from flows import events
from flows.actors import Actor
from flows.events import (
    LEASE,
    MAX_ATTEMPTS,
    delivery_attempt,
    delivery_retry,
    event_record,
    subscriber_register,
    subscriber_unregister,
)
from flows.models import Application, ApplicationState, DeliveryStatus, EventDelivery, OutboxEvent
from flows.services import application_abandon, application_start
from flows.tasks import events_sweep
from staff.roles import Role
from tests.factories import ClientFactory, published_flow, staff_user

pytestmark = pytest.mark.django_db


class Recorder:
    def __init__(self, fail: int = 0):
        self.heard: list[events.EventMessage] = []
        self.fail = fail

    def __call__(self, message):
        if self.fail:
            self.fail -= 1
            raise ConnectionError("the subscriber's service does not answer")
        self.heard.append(message)


@pytest.fixture
def recorder():
    heard = Recorder()
    subscriber_register("test_recorder", heard, events=["application.abandoned"])
    yield heard
    subscriber_unregister("test_recorder")


@pytest.fixture
def application(db):
    published_flow()
    return application_start(client=ClientFactory())


def abandon(application):
    return application_abandon(application=application, actor=Actor.system("test"))


def test_an_event_is_delivered_after_commit_never_before(
    application, recorder, django_capture_on_commit_callbacks
):
    # given / when
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            abandon(application)
            # then nothing is heard inside the transaction
            assert recorder.heard == []
    # and once committed, the subscriber hears it once, with ids and states only
    (message,) = recorder.heard
    assert (message.name, message.acceptance_number) == (
        "application.abandoned",
        application.acceptance_number,
    )
    assert message.payload["from"] == "in_progress" and message.payload["to"] == "abandoned"
    assert message.actor == "system:test"
    assert EventDelivery.objects.get(subscriber="test_recorder").status == DeliveryStatus.DELIVERED


def test_a_rollback_sends_nothing(application, recorder, django_capture_on_commit_callbacks):
    # given / when a transition whose transaction rolls back
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                abandon(application)
                raise RuntimeError("something after it failed")
        except RuntimeError:
            pass
    # then nothing was recorded, handed over or heard
    assert callbacks == []
    assert not OutboxEvent.objects.filter(name="application.abandoned").exists()
    assert recorder.heard == []
    assert Application.objects.get(pk=application.pk).state == ApplicationState.IN_PROGRESS


def test_a_hand_over_lost_after_commit_is_picked_up_by_the_sweep(application, recorder):
    # given an event committed, whose hand-over never ran (the process died after commit)
    abandon(application)  # on_commit callbacks do not run here: the hand-over is lost
    assert recorder.heard == []
    # when the sweep runs (every minute, Celery beat)
    events_sweep()
    # then it is delivered
    assert len(recorder.heard) == 1


def test_a_delivery_held_by_a_worker_that_died_is_delivered_when_its_lease_ends(
    application, recorder
):
    # given a worker that claimed the delivery, then died before handing it to the subscriber
    abandon(application)
    delivery = EventDelivery.objects.get(subscriber="test_recorder")
    now = timezone.now()
    assert events._claim(delivery.pk, now) is not None
    # when another worker tries while the lease runs, then after it ends
    assert delivery_attempt(delivery_id=delivery.pk, now=now + datetime.timedelta(seconds=5))
    held = EventDelivery.objects.get(pk=delivery.pk)
    later = now + LEASE + datetime.timedelta(seconds=1)
    assert delivery.pk not in events.deliveries_due(now=now + datetime.timedelta(seconds=5))
    assert delivery.pk in events.deliveries_due(now=later)
    outcome = delivery_attempt(delivery_id=delivery.pk, now=later)
    # then it waited for the lease, and is delivered once
    assert held.status == DeliveryStatus.PENDING
    assert outcome == "delivered"
    assert len(recorder.heard) == 1


def test_a_delivered_event_is_never_handed_over_again(application, recorder):
    # given a delivered event
    abandon(application)
    delivery = EventDelivery.objects.get(subscriber="test_recorder")
    assert delivery_attempt(delivery_id=delivery.pk) == "delivered"
    # when the task runs again (a broker redelivery), the sweep runs, staff ask for a retry
    assert delivery_attempt(delivery_id=delivery.pk) == "skipped"
    events_sweep()
    delivery_retry(delivery_id=delivery.pk)
    delivery_attempt(delivery_id=delivery.pk)
    # then the subscriber heard it once
    assert len(recorder.heard) == 1


def test_a_failing_subscriber_is_retried_with_backoff_then_shown_to_staff(application, client):
    # given a subscriber whose service keeps failing
    failing = Recorder(fail=MAX_ATTEMPTS + 5)
    subscriber_register("test_failing", failing, events=["application.abandoned"])
    try:
        abandon(application)
        delivery = EventDelivery.objects.get(subscriber="test_failing")
        now = timezone.now()
        # when it is tried again and again, each time after its backoff
        outcomes = []
        for _attempt in range(MAX_ATTEMPTS):
            due = EventDelivery.objects.get(pk=delivery.pk).next_attempt_at
            now = max(now, due) + datetime.timedelta(seconds=1)
            outcomes.append(delivery_attempt(delivery_id=delivery.pk, now=now))
        # then it is retried, then marked failed with the error, not tried any more
        assert outcomes == ["retry"] * (MAX_ATTEMPTS - 1) + ["failed"]
        failed = EventDelivery.objects.get(pk=delivery.pk)
        assert failed.status == DeliveryStatus.FAILED
        assert failed.last_error.startswith("ConnectionError")
        assert delivery_attempt(delivery_id=delivery.pk, now=now + LEASE * 100) == "skipped"
        # and the business went on
        assert Application.objects.get(pk=application.pk).state == ApplicationState.ABANDONED
        # and an administrator sees it in the admin, and can hand it over again
        client.force_login(staff_user("admin-events", Role.ADMINISTRATOR))
        listing = client.get("/cms/snippets/flows/eventdelivery/?status=failed")
        assert listing.status_code == 200
        assert "test_failing" in listing.content.decode()
        failing.fail = 0
        retried = client.post(f"/cms/flows/deliveries/{delivery.pk}/retry/")
        assert retried.status_code == 302
        delivery_attempt(delivery_id=delivery.pk)
        assert EventDelivery.objects.get(pk=delivery.pk).status == DeliveryStatus.DELIVERED
    finally:
        subscriber_unregister("test_failing")


def test_only_administrators_read_or_retry_deliveries(application, client):
    client.force_login(staff_user("reviewer-events", Role.REVIEWER))
    assert client.get("/cms/snippets/flows/eventdelivery/").status_code in (302, 403)
    assert client.post("/cms/flows/deliveries/1/retry/").status_code in (302, 403)


def test_an_event_carries_no_personal_data(application, recorder):
    # given an investor with a name, an ID number and a mobile number
    abandon(application)
    event = OutboxEvent.objects.get(name="application.abandoned")
    client = application.client
    text = repr(event.payload) + event.actor_label
    # then none of them is in the event
    for personal in (client.name, client.id_number, client.mobile):
        assert personal not in text


def test_bad_registrations_are_refused_at_start_up():
    with pytest.raises(ValueError, match="undeclared"):
        subscriber_register("x", lambda message: None, events=["application.exploded"])
    subscriber_register("twice", print)
    try:
        with pytest.raises(ValueError, match="registered twice"):
            subscriber_register("twice", repr)
    finally:
        subscriber_unregister("twice")
    with pytest.raises(ValueError, match="undeclared"):
        event_record(name="nothing.happened")
