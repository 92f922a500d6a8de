"""The witness queue and appointments through the API, on the investor's behalf: the same
services as the investor's witness page (video.services, video.appointments)."""

from __future__ import annotations

import pytest
from django.test import Client as Browser

from flows.models import Application
from staff.roles import Role
from tests.factories import staff_user
from tests.flows.api_client import Api
from video.models import Appointment, AppointmentStatus, QueueEntry
from video.services import witness_take_next

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world):
    return Api(staff_user("app", Role.INTEGRATOR))


def queue_url(application) -> str:
    return f"applications/{application.acceptance_number}/witness/queue/"


def test_joining_the_queue_shows_the_place_and_the_branchs_count(world, api):
    # given
    _first_actor, first = world.investor()
    _second_actor, second = world.investor()
    # when
    api.post(queue_url(first))
    joined = api.post(queue_url(second))
    # then
    assert joined.status_code == 200
    assert joined.json()["queued"] is True
    assert (joined.json()["position"], joined.json()["waiting"]) == (2, 2)
    assert joined.json()["application"]["state"] == "queued_for_witness"
    assert api.get(queue_url(first)).json()["position"] == 1


def test_leaving_the_queue_gives_the_place_up(world, api):
    _actor, application = world.investor()
    api.post(queue_url(application))
    left = api.delete(queue_url(application))
    assert left.status_code == 200
    assert left.json()["queued"] is False
    assert Application.objects.get(pk=application.pk).state == "in_progress"
    assert not QueueEntry.objects.exists()


def test_joining_twice_is_refused_by_the_lifecycle(world, api):
    _actor, application = world.investor()
    api.post(queue_url(application))
    again = api.post(queue_url(application))
    assert again.status_code == 409
    assert again.json()["code"] == "transition_not_allowed"
    assert QueueEntry.objects.count() == 1


def test_once_the_agent_takes_the_call_the_queue_shows_it(world, api):
    _actor, application = world.investor()
    api.post(queue_url(application))
    witness_take_next(agent=world.agent)
    shown = api.get(queue_url(application)).json()
    assert shown["queued"] is False
    assert shown["application"]["state"] == "witness_in_progress"
    assert api.delete(queue_url(application)).status_code == 409


@pytest.fixture
def hours(world):
    world.branch.working_hours = "09:00-11:30, 13:00-16:00"
    world.branch.witness_seats = 1
    world.branch.save()


def test_an_appointment_is_booked_from_the_slots_and_cancelled(world, api, hours):
    # given
    _actor, application = world.investor()
    base = f"applications/{application.acceptance_number}/witness/"
    slots = api.get(f"{base}slots/").json()
    assert slots and all(slot["free"] == 1 for slot in slots)
    # when
    booked = api.post(f"{base}appointment/", {"starts_at": slots[0]["starts_at"]})
    again = api.post(f"{base}appointment/", {"starts_at": slots[1]["starts_at"]})
    # then
    assert booked.status_code == 201
    assert (
        api.get(f"{base}appointment/").json()["appointment"]["starts_at"]
        == booked.json()["starts_at"]
    )
    assert again.status_code == 400 and again.json()["code"] == "appointment_exists"
    assert api.get(f"{base}slots/").json()[0]["free"] == 0
    cancelled = api.delete(f"{base}appointment/")
    assert cancelled.status_code == 200
    assert Appointment.objects.get().status == AppointmentStatus.CANCELLED
    assert api.delete(f"{base}appointment/").json()["code"] == "no_appointment"


def test_only_the_investors_side_books(world, hours):
    _actor, application = world.investor()
    reviewer = Browser()  # the review console's own session: it reads, never books
    reviewer.force_login(staff_user("checker", Role.REVIEWER))
    base = f"/api/v1/applications/{application.acceptance_number}/witness/"
    slot = reviewer.get(f"{base}slots/").json()[0]
    refused = reviewer.post(
        f"{base}appointment/", {"starts_at": slot["starts_at"]}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert not Appointment.objects.exists()
