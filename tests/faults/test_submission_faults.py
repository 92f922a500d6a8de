"""Parts stopping in the middle of the revisit step's submission (flows.services.lifecycle's
`submit` through the step engine, the outbox's events and the investor's SMS): the database
connection cut as the submission is written, Redis (the broker) stopped as its events are handed
over, the Celery worker stopped while they wait. Each time the application's state stays
consistent (submitted exactly once, or not at all), no event or SMS is lost or sent twice, and
the work completes once the part is back.

Redis is one of the test's own (broker.py), stopped and started again; the shared one is never
touched. The worker's part is played in-process from the broker's queue."""

from __future__ import annotations

import time

import pytest
from django.db import OperationalError

from flows.models import (
    Application,
    ApplicationState,
    DeliveryStatus,
    EventDelivery,
    OutboxEvent,
    StepRecord,
)
from flows.services import lifecycle, step_submit
from flows.tasks import event_deliver, events_sweep
from revisit.models import RevisitAnswer
from sms.models import SmsMessage
from tests.revisit.test_revisit import answers, at_revisit

from .broker import PrivateRedis, celery_on, work_off

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def _submitted_events(application) -> list[OutboxEvent]:
    return list(OutboxEvent.objects.filter(application=application, name="application.submitted"))


def _sms(application) -> list[tuple[str, str]]:
    return list(
        SmsMessage.objects.filter(purpose="application_submitted").values_list("status", "key")
    )


def test_the_database_cut_as_the_submission_is_written_leaves_nothing_half_done(
    questionnaire, monkeypatch, django_capture_on_commit_callbacks
):
    # given an application at the revisit, and the connection dropping as the submission's
    # event is written (after the state, the answers and the audit entry)
    application, me = at_revisit()
    real_event_record = lifecycle.event_record

    def connection_lost(**kwargs):
        if kwargs["name"] == "application.submitted":
            raise OperationalError("server closed the connection unexpectedly")
        return real_event_record(**kwargs)

    monkeypatch.setattr(lifecycle, "event_record", connection_lost)

    # when the investor confirms the revisit
    with pytest.raises(OperationalError), django_capture_on_commit_callbacks(execute=True):
        step_submit(
            application=application, actor=me, step_name="revisit", data=answers(questionnaire)
        )

    # then none of it stayed: not submitted, no answers, no event, no SMS
    assert Application.objects.get(pk=application.pk).state != ApplicationState.SUBMITTED
    assert not RevisitAnswer.objects.filter(application=application).exists()
    assert not StepRecord.objects.filter(application=application, kind="revisit").exists()
    assert _submitted_events(application) == []
    assert not EventDelivery.objects.filter(event__name="application.submitted").exists()
    assert _sms(application) == []

    # and when the database is back, the same answers submit it, once, with its SMS
    monkeypatch.setattr(lifecycle, "event_record", real_event_record)
    with django_capture_on_commit_callbacks(execute=True):
        step_submit(
            application=Application.objects.get(pk=application.pk),
            actor=me,
            step_name="revisit",
            data=answers(questionnaire),
        )
    assert Application.objects.get(pk=application.pk).state == ApplicationState.SUBMITTED
    (event,) = _submitted_events(application)
    assert set(event.deliveries.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
    assert _sms(application) == [("delivered", f"event:{event.id}")]


def test_redis_and_the_worker_stopped_during_a_submission_delay_its_events_and_lose_nothing(
    questionnaire, redis, django_capture_on_commit_callbacks
):
    # given Celery handing its work to a Redis that has stopped
    application, me = at_revisit()
    with celery_on(redis.url):
        redis.stop()

        # when the investor confirms the revisit
        began = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            submission = step_submit(
                application=application, actor=me, step_name="revisit", data=answers(questionnaire)
            )

        # then the submission holds, at once; its events wait in the outbox, nothing is sent
        assert submission.outcome.done
        assert time.monotonic() - began < 15
        assert Application.objects.get(pk=application.pk).state == ApplicationState.SUBMITTED
        (event,) = _submitted_events(application)
        deliveries = EventDelivery.objects.filter(event__application=application)
        assert deliveries.exists()
        assert set(deliveries.values_list("status", "attempts")) == {(DeliveryStatus.PENDING, 0)}
        assert _sms(application) == []

        # when Redis is back (the worker still stopped): the sweep hands the events over, and
        # they wait in the broker
        redis.start()
        assert events_sweep() == deliveries.count()
        waiting = redis.waiting()
        assert sorted(args[0] for _name, args in waiting) == sorted(
            deliveries.values_list("pk", flat=True)
        )
        assert {name for name, _args in waiting} == {"flows.tasks.event_deliver"}
        assert set(deliveries.values_list("status", flat=True)) == {DeliveryStatus.PENDING}

        # when the worker is back
        ran = work_off(redis, django_capture_on_commit_callbacks)

        # then every event is delivered, the SMS sent once (its own task went through Redis)
        assert "sms.tasks.sms_deliver" in {name for name, _args in ran}
        assert set(deliveries.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
        assert _sms(application) == [("delivered", f"event:{event.id}")]
        # and nothing is done twice: a second sweep finds nothing due, a delivery handed over
        # again (at least once) is skipped
        assert events_sweep() == 0
        assert event_deliver.apply(args=[deliveries.first().pk]).get() == "skipped"
        assert _sms(application) == [("delivered", f"event:{event.id}")]
