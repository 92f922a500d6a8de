"""The SMS reminder before an appointment's slot (Celery beat, video.tasks): an investor whose
booked slot starts within WITNESS_REMINDER_MINUTES is told once when and where, so that they
log in and queue before the start (which gives them priority during the slot).

Once only, even when two beats overlap: an appointment is claimed by an UPDATE … WHERE
reminded_at IS NULL in the same transaction that records the SMS, so the second claimant finds
it taken (the row lock makes it wait for the first, then see the mark); the SMS's key
(`witness-reminder:<id>`) is a second guard. The SMS itself goes out after commit (sms_send)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from flows.subscribers import company_name, sms_template_text
from sms.services import sms_send

from .models import Appointment, AppointmentStatus

PURPOSE = "witness_reminder"
TEMPLATE = "sms-witness-reminder"
DEFAULT_TEXT = (
    "【{company}】您预约的视频见证将于{time}开始（{branch}），请在开始前登录并点击“开始视频”排队。"
)


def lead_time() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.WITNESS_REMINDER_MINUTES)


def appointments_due(*, now: datetime.datetime) -> list[int]:
    """Booked appointments starting within the lead time, not reminded yet."""
    return list(
        Appointment.objects.filter(
            status=AppointmentStatus.BOOKED,
            reminded_at__isnull=True,
            starts_at__gt=now,
            starts_at__lte=now + lead_time(),
        ).values_list("pk", flat=True)
    )


def _text(appointment: Appointment) -> tuple[str, dict[str, str]]:
    params = {
        "company": company_name(),
        "time": timezone.localtime(appointment.starts_at).strftime("%m-%d %H:%M"),
        "branch": appointment.branch.name,
    }
    text = sms_template_text(TEMPLATE, DEFAULT_TEXT)
    for name, value in params.items():
        text = text.replace("{" + name + "}", value)
    return text, params


def appointment_remind(*, appointment_id: int, now: datetime.datetime | None = None) -> bool:
    """Claim the appointment and record its reminder; False when it was not due any more
    (reminded by another run, cancelled, already started)."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = Appointment.objects.filter(
            pk=appointment_id,
            status=AppointmentStatus.BOOKED,
            reminded_at__isnull=True,
            starts_at__gt=now,
        ).update(reminded_at=now)
        if not claimed:
            return False
        appointment = Appointment.objects.select_related("client", "branch").get(pk=appointment_id)
        text, params = _text(appointment)
        sms_send(
            mobile=appointment.client.mobile,
            text=text,
            purpose=PURPOSE,
            params=params,
            key=f"witness-reminder:{appointment.pk}",
        )
    return True


def appointment_reminders_send(*, now: datetime.datetime | None = None) -> list[int]:
    """Remind every investor whose slot is near (Celery beat). Returns the appointments
    reminded by this run."""
    now = now or timezone.now()
    return [
        appointment_id
        for appointment_id in appointments_due(now=now)
        if appointment_remind(appointment_id=appointment_id, now=now)
    ]
