"""Appointments: slots from the branch's witness hours and seats on working days within 30
calendar days (inclusive); one live appointment per investor; cancel and rebook; queued before
the slot starts means first in the queue while it runs, arriving after its start does not."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.test import Client as Browser
from django.utils import timezone

from clients.auth import SESSION_KEY
from common.exceptions import BusinessError
from content.models import CalendarDay
from video.appointments import (
    appointment_book,
    appointment_cancel,
    appointment_live,
    appointment_slots,
    working_periods,
)
from video.models import Appointment, AppointmentStatus, QueueEntry
from video.selectors import queue_position
from video.services import witness_queue_join, witness_take_next

ZONE = datetime.timezone(datetime.timedelta(hours=8))
MONDAY = datetime.datetime(2026, 12, 7, 8, 0, tzinfo=ZONE)  # before the day's hours


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ZONE)


@pytest.fixture
def branch(world):
    world.branch.working_hours = "09:00-11:30, 13:00-16:00"
    world.branch.witness_seats = 1
    world.branch.save()
    return world.branch


def test_working_hours_are_read_as_periods(branch):
    assert working_periods(branch) == [
        (datetime.time(9), datetime.time(11, 30)),
        (datetime.time(13), datetime.time(16)),
    ]
    branch.working_hours = "全天"
    assert working_periods(branch) == []


def test_slots_are_on_working_days_within_30_days_inclusive(branch):
    # given a holiday on a weekday and a make-up working Saturday
    CalendarDay.objects.create(date=datetime.date(2026, 12, 8), kind="holiday")
    CalendarDay.objects.create(date=datetime.date(2026, 12, 12), kind="make_up")
    days = {
        timezone.localtime(s.starts_at).date() for s in appointment_slots(branch=branch, now=MONDAY)
    }
    assert datetime.date(2026, 12, 7) in days  # today, before its hours
    assert datetime.date(2026, 12, 8) not in days  # the holiday
    assert datetime.date(2026, 12, 12) in days  # the make-up Saturday
    assert datetime.date(2026, 12, 13) not in days  # a Sunday
    assert datetime.date(2027, 1, 6) in days  # the 30th day (a Wednesday)
    assert max(days) == datetime.date(2027, 1, 6)
    monday = [
        s
        for s in appointment_slots(branch=branch, now=MONDAY)
        if s.starts_at.date() == MONDAY.date()
    ]
    assert len(monday) == 5 + 6  # 09:00–11:30 and 13:00–16:00 in 30-minute slots


def test_a_months_slots_read_the_calendar_once(branch, django_assert_num_queries):
    # given exceptions in the calendar on several days of the window
    CalendarDay.objects.create(date=datetime.date(2026, 12, 8), kind="holiday")
    CalendarDay.objects.create(date=datetime.date(2026, 12, 12), kind="make_up")
    CalendarDay.objects.create(date=datetime.date(2027, 1, 1), kind="holiday")

    # when the slots of the 31 days are listed
    with django_assert_num_queries(2):  # the booked seats, the calendar
        slots = appointment_slots(branch=branch, now=MONDAY)

    # then the calendar's days are honoured, and each slot reads as its local time
    days = {timezone.localtime(s.starts_at).date() for s in slots}
    assert datetime.date(2027, 1, 1) not in days and datetime.date(2026, 12, 12) in days
    assert slots[0].label == "2026-12-07 09:00–09:30"


def test_a_slot_already_started_is_not_offered(branch):
    now = at(MONDAY.date(), 10, 5)
    starts = [s.starts_at for s in appointment_slots(branch=branch, now=now)]
    assert at(MONDAY.date(), 10) not in starts and at(MONDAY.date(), 10, 30) in starts


def test_book_cancel_and_rebook(world, branch):
    investor, _application = world.investor()
    client = investor.client
    booked = appointment_book(client=client, starts_at=at(MONDAY.date(), 9, 30), now=MONDAY)
    assert appointment_live(client=client, now=MONDAY) == booked
    # a second live appointment is refused
    with pytest.raises(BusinessError) as refused:
        appointment_book(client=client, starts_at=at(MONDAY.date(), 10), now=MONDAY)
    assert refused.value.code == "appointment_exists"
    # cancelled, another can be booked
    appointment_cancel(client=client, now=MONDAY)
    assert Appointment.objects.get(pk=booked.pk).status == AppointmentStatus.CANCELLED
    appointment_book(client=client, starts_at=at(MONDAY.date(), 10), now=MONDAY)


def test_a_full_slot_is_refused(world, branch):
    first, _a = world.investor()
    second, _b = world.investor()
    appointment_book(client=first.client, starts_at=at(MONDAY.date(), 9), now=MONDAY)
    with pytest.raises(BusinessError) as refused:
        appointment_book(client=second.client, starts_at=at(MONDAY.date(), 9), now=MONDAY)
    assert refused.value.code == "slot_full"


@pytest.mark.parametrize(
    "starts_at",
    [
        at(datetime.date(2027, 1, 7), 9),  # the 31st day
        at(datetime.date(2026, 12, 13), 9),  # a Sunday
        at(MONDAY.date(), 9, 10),  # not the start of a slot
        at(MONDAY.date(), 17),  # after the hours
        at(datetime.date(2026, 12, 4), 9),  # in the past
    ],
)
def test_a_time_that_is_not_an_open_slot_is_refused(world, branch, starts_at):
    investor, _application = world.investor()
    with pytest.raises(BusinessError) as refused:
        appointment_book(client=investor.client, starts_at=starts_at, now=MONDAY)
    assert refused.value.code == "invalid_slot"
    assert not Appointment.objects.exists()


def test_no_appointment_to_cancel(world, branch):
    investor, _application = world.investor()
    with pytest.raises(BusinessError) as refused:
        appointment_cancel(client=investor.client, now=MONDAY)
    assert refused.value.code == "no_appointment"


def _queue_at(world, when: datetime.datetime):
    investor, application = world.investor()
    with mock.patch("django.utils.timezone.now", return_value=when):
        witness_queue_join(application=application, actor=investor)
    return investor, application


def test_queued_before_the_slot_goes_first_during_it_arriving_late_does_not(world, branch):
    day = MONDAY.date()
    # given: an investor queued at 09:10 without appointment
    _walk_in, walk_in = _queue_at(world, at(day, 9, 10))
    # one with the 09:30 slot, queued at 09:20 (before it starts)
    early, early_app = _queue_at(world, at(day, 9, 20))
    Appointment.objects.create(
        client=early.client, branch=branch, starts_at=at(day, 9, 30), ends_at=at(day, 10)
    )
    # one with the 09:30 slot too, queued at 09:35 (after its start)
    late, late_app = _queue_at(world, at(day, 9, 35))
    Appointment.objects.create(
        client=late.client, branch=branch, starts_at=at(day, 9, 30), ends_at=at(day, 10)
    )
    # when an agent takes the next at 09:40
    with mock.patch("django.utils.timezone.now", return_value=at(day, 9, 40)):
        assert queue_position(application=early_app) == 1
        assert queue_position(application=late_app) == 3
        session = witness_take_next(agent=world.agent)
    # then the investor who queued before the slot comes first; then arrival order
    assert session.application_id == early_app.pk
    # after the slot, arrival order only
    with mock.patch("django.utils.timezone.now", return_value=at(day, 10, 5)):
        assert witness_take_next(agent=world.second_agent).application_id == walk_in.pk
    assert QueueEntry.objects.get(application=late_app).session is None


def test_the_investor_books_and_cancels_from_the_witness_page(world, branch, settings):
    investor, application = world.investor()
    browser = Browser()
    session = browser.session
    session[SESSION_KEY] = investor.client.pk
    session.save()
    page = f"/business/{application.acceptance_number}/witness/"
    shown = browser.get(page).content.decode()
    assert "预约视频见证" in shown
    slot = appointment_slots(branch=branch)[0]
    response = browser.post(
        f"/business/{application.acceptance_number}/video/appointment/", {"slot": slot.key}
    )
    assert (response.status_code, response["Location"]) == (302, page)
    assert appointment_live(client=investor.client).starts_at == slot.starts_at
    assert "取消预约" in browser.get(page).content.decode()
    bad = browser.post(
        f"/business/{application.acceptance_number}/video/appointment/",
        {"slot": "tomorrow"},
        follow=True,
    )
    assert "请选择预约时段。" in [str(m) for m in bad.context["messages"]]
    browser.post(f"/business/{application.acceptance_number}/video/appointment/cancel/")
    assert appointment_live(client=investor.client) is None
