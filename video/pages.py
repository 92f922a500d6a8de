"""The investor's page of the witness step: "开始视频", the waiting count (live), the call."""

from __future__ import annotations

from html import escape
from itertools import islice
from typing import Any

from django.utils import timezone
from django.utils.safestring import mark_safe

from flows.models import ApplicationState
from flows.pages import StepPage

from .appointments import Slot, appointment_live_and_booked, slots_ahead
from .selectors import queue_count, queue_position

MAX_SLOTS_SHOWN = 200


class WitnessPage(StepPage):
    template_name = "video/steps/witness.html"

    def context(self) -> dict[str, Any]:
        """What the page shows in the application's state, read only for that state: the live
        count while queued; the appointment, or else the free slots, while it may queue."""
        application = self.application
        queued = application.state == ApplicationState.QUEUED_FOR_WITNESS
        may_queue = application.state == ApplicationState.IN_PROGRESS
        appointment, booked = (
            appointment_live_and_booked(client=application.client) if may_queue else (None, [])
        )
        slots = []
        if may_queue and appointment is None:
            ahead = slots_ahead(branch=application.client.branch, booked_starts=booked)
            slots = list(islice((s for s in ahead if s.free > 0), MAX_SLOTS_SHOWN))
        return {
            "witness_state": application.state,
            "witness_queued": queued,
            "witness_in_call": application.state == ApplicationState.WITNESS_IN_PROGRESS,
            "witness_may_queue": may_queue,
            "witness_waiting": queue_count(branch_id=application.client.branch_id)
            if queued
            else None,
            "witness_position": queue_position(application=application) if queued else None,
            "appointment": appointment,
            "appointment_slots": slots,
            "appointment_options": _options(slots),
        }


def _options(slots: list[Slot]) -> str:
    """Up to 200 <option>s, written here rather than by a template loop, each escaped (the
    standard library's escape: Django's, lazy-aware, cost more than the option itself); the
    time zone looked up once."""
    zone = timezone.get_current_timezone()
    return mark_safe(  # noqa: S308 (every value escaped)
        "".join(
            f'<option value="{escape(s.key)}">{escape(s.label_in(zone))}</option>' for s in slots
        )
    )
