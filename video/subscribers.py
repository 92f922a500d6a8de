"""The queue's events to the browsers: after commit, from the outbox (flows.events), never from
ad-hoc sends. Each event of the witness loop makes the branch's queue be read again from the
database (its truth) and pushed: the count to the investors waiting there, the queue to the
agents of the branch, and "taken" / "ended" to the investor concerned. Harmless twice."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from flows.events import EventMessage, subscriber_register
from flows.subscribers import WITNESS_QUEUE_EVENTS

from . import groups
from .selectors import order_encode, queue_order, queue_snapshot

# what the investor's own page hears of their application
TO_INVESTOR = {
    "application.witness_started": "witness.taken",
    "application.witness_released": "witness.released",
    "application.witness_passed": "witness.ended",
    "application.returned": "witness.ended",
}


def push_queue(message: EventMessage) -> None:
    branch_id = message.payload.get("branch_id")
    if branch_id is None:
        return
    send = async_to_sync(get_channel_layer().group_send)
    entries = queue_snapshot(branch_id=branch_id)
    order = queue_order(branch_id=branch_id)
    send(
        groups.queue_investors(branch_id),
        {"type": "queue.count", "waiting": len(order), "order": order_encode(order)},
    )
    send(groups.queue_agents(branch_id), {"type": "queue.snapshot", "entries": entries})
    if message.name in TO_INVESTOR and message.application_id is not None:
        send(
            groups.applicant(message.application_id),
            {
                "type": "witness.state",
                "event": TO_INVESTOR[message.name],
                "state": message.payload.get("to"),
            },
        )


def register() -> None:
    subscriber_register("witness_queue", push_queue, events=WITNESS_QUEUE_EVENTS)
