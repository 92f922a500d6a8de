"""The webhooks capability's one outbox subscriber: every event an integrator may subscribe to
is fanned out to the subscriptions that want it (webhooks.deliveries)."""

from __future__ import annotations

from flows.events import subscriber_register

from .catalog import outbox_events
from .deliveries import webhooks_fan_out


def register() -> None:
    subscriber_register("webhooks", webhooks_fan_out, events=sorted(outbox_events()))
