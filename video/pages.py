"""The investor's page of the witness step: "开始视频", the waiting count (live), the call."""

from __future__ import annotations

from itertools import islice
from typing import Any

from django.utils.html import escape
from django.utils.safestring import mark_safe

from flows.models import ApplicationState
from flows.pages import StepPage

from .appointments import appointment_live, slots_ahead
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
        appointment = appointment_live(client=application.client) if may_queue else None
        slots = []
        if may_queue and appointment is None:
            free = (s for s in slots_ahead(branch=application.client.branch) if s.free > 0)
            slots = list(islice(free, MAX_SLOTS_SHOWN))
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
            # up to 200 <option>s, written here rather than by a template loop (each escaped)
            "appointment_options": mark_safe(  # noqa: S308
                "".join(
                    f'<option value="{escape(s.key)}">{escape(s.label)}</option>' for s in slots
                )
            ),
        }
