"""The investor's page of the witness step: "开始视频", the waiting count (live), the call."""

from __future__ import annotations

from typing import Any

from flows.models import ApplicationState
from flows.pages import StepPage

from .appointments import appointment_live, appointment_slots
from .selectors import queue_count, queue_position

MAX_SLOTS_SHOWN = 200


class WitnessPage(StepPage):
    template_name = "video/steps/witness.html"

    def context(self) -> dict[str, Any]:
        application = self.application
        queued = application.state == ApplicationState.QUEUED_FOR_WITNESS
        return {
            "witness_state": application.state,
            "witness_queued": queued,
            "witness_in_call": application.state == ApplicationState.WITNESS_IN_PROGRESS,
            "witness_may_queue": application.state == ApplicationState.IN_PROGRESS,
            "witness_waiting": queue_count(branch_id=application.client.branch_id),
            "witness_position": queue_position(application=application) if queued else None,
            "appointment": appointment_live(client=application.client),
            "appointment_slots": [
                slot
                for slot in appointment_slots(branch=application.client.branch)
                if slot.free > 0
            ][:MAX_SLOTS_SHOWN],
        }
