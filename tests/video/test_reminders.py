"""The SMS reminder before an appointment's slot (Celery beat): sent once to each investor
whose slot starts within the lead time, with the CMS template's text; never twice, even when
two beats overlap; nothing for a cancelled, started or far-off slot."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.db import connection

from sms.models import SmsMessage
from tests.factories import ClientFactory, published_document
from video import reminders
from video.models import Appointment, AppointmentStatus
from video.reminders import appointment_remind, appointment_reminders_send
from video.tasks import witness_appointment_reminders

ZONE = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 12, 7, 9, 40, tzinfo=ZONE)


def booked(world, starts_at: datetime.datetime, **fields) -> Appointment:
    return Appointment.objects.create(
        client=ClientFactory(branch=world.branch),
        branch=world.branch,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=30),
        **fields,
    )


def test_a_slot_starting_within_the_lead_time_is_reminded_once(world, settings):
    # given appointments at 10:00 (in 20 minutes), 10:30 (50 minutes) and one cancelled
    settings.WITNESS_REMINDER_MINUTES = 30
    soon = booked(world, NOW + datetime.timedelta(minutes=20))
    later = booked(world, NOW + datetime.timedelta(minutes=50))
    booked(world, NOW + datetime.timedelta(minutes=10), status=AppointmentStatus.CANCELLED)
    booked(world, NOW - datetime.timedelta(minutes=5))  # already started
    # when the beat runs, and runs again
    assert appointment_reminders_send(now=NOW) == [soon.pk]
    assert appointment_reminders_send(now=NOW + datetime.timedelta(minutes=1)) == []
    # then one SMS went to that investor, and the appointment is marked
    (sms,) = SmsMessage.objects.all()
    assert sms.mobile == soon.client.mobile and sms.purpose == "witness_reminder"
    assert sms.key == f"witness-reminder:{soon.pk}"
    assert "12-07 10:00" in sms.text and world.branch.name in sms.text
    assert Appointment.objects.get(pk=soon.pk).reminded_at == NOW
    assert Appointment.objects.get(pk=later.pk).reminded_at is None
    # and the later one is reminded when its time comes
    assert appointment_reminders_send(now=NOW + datetime.timedelta(minutes=25)) == [later.pk]


def test_the_text_is_the_cms_template_with_its_placeholders(world, settings):
    # given the template published in the CMS
    document = published_document("sms_template", code="sms-witness-reminder")
    document.sms_text = "【{company}】见证预约 {time} 在 {branch}，请提前登录排队。"
    document.save_revision().publish()
    booked(world, NOW + datetime.timedelta(minutes=15))
    # when the reminder goes
    appointment_reminders_send(now=NOW)
    # then its text is the template's, filled in
    sms = SmsMessage.objects.get()
    assert sms.text.endswith(f"见证预约 12-07 09:55 在 {world.branch.name}，请提前登录排队。")
    assert sms.params["time"] == "12-07 09:55"


def test_an_appointment_reminded_meanwhile_is_not_reminded_again(world):
    # given another run that marked it between this run's read and its claim
    appointment = booked(world, NOW + datetime.timedelta(minutes=10))
    Appointment.objects.filter(pk=appointment.pk).update(reminded_at=NOW)
    # when this run claims it
    assert appointment_remind(appointment_id=appointment.pk, now=NOW) is False
    # then no SMS
    assert not SmsMessage.objects.exists()


def test_the_beat_task_sends_the_reminders(world, settings):
    settings.WITNESS_REMINDER_MINUTES = 30
    booked(world, datetime.datetime.now(tz=ZONE) + datetime.timedelta(minutes=5))
    assert witness_appointment_reminders() == 1
    assert witness_appointment_reminders() == 0
    assert SmsMessage.objects.count() == 1


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_two_beats_at_once_send_one_sms(postgres_url, world, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL: run with DATABASE_URL set")
    # given a due appointment, and a first run that holds its claim open while a second runs
    appointment = booked(world, NOW + datetime.timedelta(minutes=10))
    claimed, results, errors = threading.Event(), [], []
    real_send = reminders.sms_send

    def slow_send(**kwargs):
        claimed.set()
        time.sleep(0.5)  # the second run reaches the row meanwhile, and waits for it
        return real_send(**kwargs)

    monkeypatch.setattr(reminders, "sms_send", slow_send)

    def run(wait: bool) -> None:
        try:
            if wait:
                claimed.wait(10)
            results.append(appointment_remind(appointment_id=appointment.pk, now=NOW))
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(wait,)) for wait in (False, True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # then one run reminded it and the other found it taken: one SMS
    assert not errors
    assert sorted(results) == [False, True]
    assert SmsMessage.objects.filter(key=f"witness-reminder:{appointment.pk}").count() == 1
