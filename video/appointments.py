"""Appointments for the video witness: slots from the branch's witness hours (CMS: 营业部 →
见证时间, 见证坐席数) on working days (交易日历), from today to 30 calendar days ahead inclusive;
one live appointment per investor; cancel and rebook. An investor queued before their slot
starts goes first while it runs; arriving after its start loses that (video.selectors)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from common.exceptions import BusinessError
from common.locking import lock
from common.prepared import PreparedRead
from content.models import Branch, working_days

from .models import Appointment, AppointmentStatus

WINDOW_DAYS = 30
HOURS = re.compile(r"(\d{1,2}):(\d{2})\s*[-–~至]\s*(\d{1,2}):(\d{2})")


@dataclass(frozen=True)
class Slot:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    free: int

    @property
    def key(self) -> str:
        return self.starts_at.isoformat()

    @property
    def label(self) -> str:
        """ "2026-12-07 09:00–09:15" in the company's time zone."""
        return self.label_in(timezone.get_current_timezone())

    def label_in(self, zone: datetime.tzinfo) -> str:
        """`label` in `zone`, the current time zone, looked up once for a page that lists up to
        200 slots (the lookup cost more than the rest of the label). The slots are made in that
        zone, so most need no conversion."""
        starts_at, ends_at = self.starts_at, self.ends_at
        if starts_at.tzinfo is not zone:
            starts_at, ends_at = starts_at.astimezone(zone), ends_at.astimezone(zone)
        return (
            f"{starts_at.year:04d}-{starts_at.month:02d}-{starts_at.day:02d} "
            f"{starts_at.hour:02d}:{starts_at.minute:02d}–{ends_at.hour:02d}:{ends_at.minute:02d}"
        )


def working_periods(branch: Branch) -> list[tuple[datetime.time, datetime.time]]:
    """ "09:00-11:30, 13:00-16:00" → the periods; what does not read as a period is ignored."""
    periods = []
    for h1, m1, h2, m2 in HOURS.findall(branch.working_hours or ""):
        try:
            start, end = datetime.time(int(h1), int(m1)), datetime.time(int(h2), int(m2))
        except ValueError:
            continue
        if start < end:
            periods.append((start, end))
    return periods


def _day_slots(
    periods: list[tuple[datetime.time, datetime.time]], day: datetime.date
) -> Iterator[tuple[datetime.datetime, datetime.datetime]]:
    """The slots of one day in the branch's `working_periods`, in the current time zone."""
    length = datetime.timedelta(minutes=settings.WITNESS_SLOT_MINUTES)
    zone = timezone.get_current_timezone()
    for start, end in periods:
        at = datetime.datetime.combine(day, start, tzinfo=zone)
        stop = datetime.datetime.combine(day, end, tzinfo=zone)
        while at + length <= stop:
            yield at, at + length
            at += length


def appointment_slots(*, branch: Branch, now: datetime.datetime | None = None) -> list[Slot]:
    """The slots not yet started, within the window, with their free seats (full ones too)."""
    return list(slots_ahead(branch=branch, now=now))


def slots_ahead(
    *,
    branch: Branch,
    now: datetime.datetime | None = None,
    booked_starts: Iterable[datetime.datetime] | None = None,
) -> Iterator[Slot]:
    """`appointment_slots` one at a time, soonest first (for a page that lists the first few).
    `booked_starts`: the starts of the branch's booked appointments from `now` on, when the
    caller has read them already (`appointment_live_and_booked`)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if booked_starts is None:
        booked_starts = Appointment.objects.filter(
            branch=branch, status=AppointmentStatus.BOOKED, starts_at__gte=now
        ).values_list("starts_at", flat=True)
    booked: dict[datetime.datetime, int] = {}
    for starts_at in booked_starts:
        booked[starts_at] = booked.get(starts_at, 0) + 1
    periods = working_periods(branch)  # read once for the month of days
    for day in working_days(today, today + datetime.timedelta(days=WINDOW_DAYS)):
        for starts_at, ends_at in _day_slots(periods, day):
            if starts_at > now:
                yield Slot(starts_at, ends_at, branch.witness_seats - booked.get(starts_at, 0))


def appointment_live(*, client, now: datetime.datetime | None = None) -> Appointment | None:
    """The investor's booked appointment whose slot has not ended."""
    now = now or timezone.now()
    return Appointment.objects.filter(
        client=client, status=AppointmentStatus.BOOKED, ends_at__gt=now
    ).first()


def appointment_live_and_booked(
    *, client, now: datetime.datetime | None = None
) -> tuple[Appointment | None, list[datetime.datetime]]:
    """`appointment_live` of the client, and the starts of the booked appointments of the
    client's branch from `now` on (what `slots_ahead` counts), read in one query: the witness
    page shows one or the other, and each round trip to the database counts on that page."""
    now = now or timezone.now()
    rows = _live_and_booked(client_id=client.pk, branch_id=client.branch_id, now=now)
    live = next((a for a in rows if a.client_id == client.pk and a.ends_at > now), None)
    booked = [a.starts_at for a in rows if a.branch_id == client.branch_id and a.starts_at >= now]
    return live, booked


# on every witness page: its SQL built once
_live_and_booked = PreparedRead(
    lambda client_id, branch_id, now: Appointment.objects.filter(
        status=AppointmentStatus.BOOKED
    ).filter(Q(client_id=client_id, ends_at__gt=now) | Q(branch_id=branch_id, starts_at__gte=now))
)


def appointment_book(
    *, client, starts_at: datetime.datetime, now: datetime.datetime | None = None
) -> Appointment:
    """Book the slot starting at `starts_at` of the investor's branch (a live one is refused:
    cancel it first). Seats are counted under the branch's row lock: two investors taking the
    last seat at once, one gets it."""
    now = now or timezone.now()
    with transaction.atomic():
        branch = lock(Branch, pk=client.branch_id)
        if appointment_live(client=client, now=now) is not None:
            raise BusinessError(
                _("您已有一个预约，请先取消后再预约其他时间。"), code="appointment_exists"
            )
        slot = next(
            (s for s in appointment_slots(branch=branch, now=now) if s.starts_at == starts_at), None
        )
        if slot is None:
            raise BusinessError(
                _("请选择 %(days)d 天内营业部见证时间中的时段。") % {"days": WINDOW_DAYS},
                code="invalid_slot",
            )
        if slot.free <= 0:
            raise BusinessError(_("该时段已约满，请选择其他时段。"), code="slot_full")
        appointment = Appointment.objects.create(
            client=client, branch=branch, starts_at=slot.starts_at, ends_at=slot.ends_at
        )
        audit_record(
            action="witness.appointment_book",
            actor_label=f"investor:{client.pk}",
            target=appointment,
            data={"starts_at": slot.starts_at.isoformat()},
        )
    return appointment


def appointment_cancel(*, client, now: datetime.datetime | None = None) -> Appointment:
    with transaction.atomic():
        appointment = appointment_live(client=client, now=now)
        if appointment is None:
            raise BusinessError(_("您没有可取消的预约。"), code="no_appointment")
        appointment.status = AppointmentStatus.CANCELLED
        appointment.save(update_fields=["status"])
        audit_record(
            action="witness.appointment_cancel",
            actor_label=f"investor:{client.pk}",
            target=appointment,
        )
    return appointment
