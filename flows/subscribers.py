"""flows' own subscribers to its events: the staff consoles hear of changes live.

A witness agent's console hears of its branch's queue moving; a reviewer's console of
applications coming to review and leaving it. Delivered after commit through the outbox
(flows.events), over Channels (staff.services.staff_notify); harmless if heard twice."""

from __future__ import annotations

from staff.roles import Role
from staff.services import staff_notify

from .events import EventMessage, subscriber_register

WITNESS_QUEUE_EVENTS = (
    "application.queued",
    "application.left_queue",
    "application.witness_started",
    "application.witness_released",
    "application.witness_passed",
    "application.returned",
    "application.abandoned",
)
REVIEW_EVENTS = ("application.submitted", "application.approved", "application.rejected")


def _console_event(message: EventMessage) -> dict:
    return {
        "type": message.name,
        "event_id": message.id,
        "application": message.acceptance_number,
        "state": message.payload.get("to"),
    }


def push_to_witness_agents(message: EventMessage) -> None:
    branch_id = message.payload.get("branch_id")
    if branch_id is not None:
        staff_notify(role=Role.WITNESS_AGENT, branch_id=branch_id, event=_console_event(message))


def push_to_reviewers(message: EventMessage) -> None:
    staff_notify(role=Role.REVIEWER, event=_console_event(message))


def register() -> None:
    subscriber_register("witness_console", push_to_witness_agents, events=WITNESS_QUEUE_EVENTS)
    subscriber_register("review_console", push_to_reviewers, events=REVIEW_EVENTS)
