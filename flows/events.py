"""Events after commit, through a transactional outbox.

A service records what happened (`event_record`) in the same transaction as the change: one
`OutboxEvent` and one `EventDelivery` per subscriber that wants it. After commit, each delivery
is handed to Celery (`flows.tasks.event_deliver`); a delivery is claimed with a lease, handed to
its subscriber outside any lock, then marked delivered, or retried with backoff and, after
`MAX_ATTEMPTS`, marked failed (listed for staff in the admin, retried from there). A rollback
leaves nothing to send; a crash between commit and hand-over, or a worker that dies mid-delivery,
only delays it: `events_sweep` (Celery beat, every minute) hands over whatever is due. The
claiming, the backoff and the marking are common.outbox's, shared with the webhook deliveries.

Delivery is at least once: a subscriber must be idempotent by event id (the SMS subscriber keys
its message on it; the console push is harmless twice). A delivery marked delivered is never
handed over again.

Capabilities register subscribers from their AppConfig.ready(); flows names none of them."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from common import outbox
from common.locking import lock
from common.outbox import SWEEP_BATCH

from .actors import Actor
from .models import Application, DeliveryStatus, EventDelivery, OutboxEvent

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
LEASE = datetime.timedelta(minutes=5)

# The events of the application's lifecycle (flows.services.lifecycle) and of its steps.
# Capabilities declare theirs with `event_declare` (e.g. "witness.recording_stored").
EVENTS: dict[str, str] = {
    "application.started": "一笔业务开始办理",
    "application.queued": "投资者进入视频见证排队",
    "application.left_queue": "投资者离开排队",
    "application.witness_started": "坐席接通视频见证",
    "application.witness_released": "视频见证中断，回到排队",
    "application.witness_passed": "视频见证通过",
    "application.returned": "视频见证退回到某一步",
    "application.resumed": "投资者完成了退回的步骤",
    "application.submitted": "业务提交复核",
    "application.approved": "复核通过",
    "application.rejected": "复核驳回到某一步",
    "application.abandoned": "业务已放弃",
    "step.completed": "完成一个步骤",
    "steps.reopened": "之后的步骤需要重新确认",
}


@dataclass(frozen=True)
class EventMessage:
    """What a subscriber receives: ids, states and codes, never personal data."""

    id: str
    name: str
    application_id: int | None
    acceptance_number: str
    actor: str
    payload: dict[str, Any]
    occurred_at: datetime.datetime


Handler = Callable[[EventMessage], None]


@dataclass(frozen=True)
class Subscriber:
    name: str
    handler: Handler
    events: frozenset[str] = field(default_factory=frozenset)  # empty: every event

    def wants(self, event_name: str) -> bool:
        return not self.events or event_name in self.events


_subscribers: dict[str, Subscriber] = {}


def event_declare(name: str, description: str) -> None:
    """A capability's own event name (idempotent)."""
    EVENTS.setdefault(name, description)


def subscriber_register(name: str, handler: Handler, *, events: Iterable[str] = ()) -> Subscriber:
    """Register a subscriber (again with the same handler: ready() may run more than once).
    A name taken by another handler, or an event nobody declared, is refused at start-up."""
    wanted = frozenset(events)
    unknown = sorted(wanted - set(EVENTS))
    if unknown:
        raise ValueError(f"subscriber {name!r} wants undeclared events: {', '.join(unknown)}")
    subscriber = Subscriber(name, handler, wanted)
    existing = _subscribers.get(name)
    if existing is not None and existing.handler is not handler:
        raise ValueError(f"subscriber {name!r} is registered twice")
    _subscribers[name] = subscriber
    return subscriber


def subscriber_unregister(name: str) -> None:
    _subscribers.pop(name, None)


def subscribers() -> dict[str, Subscriber]:
    return dict(_subscribers)


# --- recording ------------------------------------------------------------------------------


def event_record(
    *,
    name: str,
    application: Application | None = None,
    actor: Actor | None = None,
    payload: dict[str, Any] | None = None,
) -> OutboxEvent:
    """Record an event in the caller's transaction; its deliveries are handed over after
    commit (and never, if the transaction rolls back)."""
    if name not in EVENTS:
        raise ValueError(f"undeclared event {name!r}")
    with transaction.atomic():
        event = OutboxEvent.objects.create(
            name=name,
            application=application,
            actor_label=actor.label if actor is not None else "system",
            payload=payload or {},
        )
        now = timezone.now()
        deliveries = EventDelivery.objects.bulk_create(
            EventDelivery(event=event, subscriber=subscriber.name, next_attempt_at=now)
            for subscriber in _subscribers.values()
            if subscriber.wants(name)
        )
    ids = [delivery.pk for delivery in deliveries]
    if ids:
        transaction.on_commit(lambda: deliveries_hand_over(ids))
    return event


def deliveries_hand_over(delivery_ids: Iterable[int]) -> None:
    """Give deliveries to the workers (inline in the demo: Celery runs tasks eagerly there).
    A broker that does not answer loses nothing: the sweep hands them over later."""
    from .tasks import event_deliver

    outbox.hand_over(event_deliver, delivery_ids)


# --- delivering -----------------------------------------------------------------------------


def _claim(delivery_id: int, now: datetime.datetime) -> EventDelivery | None:
    """Take a due delivery for LEASE (nobody else may hand it over meanwhile)."""
    rows = EventDelivery.objects.select_related("event", "event__application")
    return outbox.claim(rows, delivery_id, now=now, lease=LEASE)


def _message(event: OutboxEvent) -> EventMessage:
    application = event.application
    return EventMessage(
        id=str(event.id),
        name=event.name,
        application_id=application.pk if application else None,
        acceptance_number=application.acceptance_number if application else "",
        actor=event.actor_label,
        payload=dict(event.payload),
        occurred_at=event.occurred_at,
    )


def delivery_attempt(*, delivery_id: int, now: datetime.datetime | None = None) -> str:
    """Hand one due delivery to its subscriber: "delivered", "retry", "failed", or "skipped"
    (not due, already delivered, or held by another worker). A retry waits for the sweep."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return "skipped"
    subscriber = _subscribers.get(delivery.subscriber)
    try:
        if subscriber is None:
            raise LookupError(f"no subscriber {delivery.subscriber!r} is registered")
        subscriber.handler(_message(delivery.event))
    except Exception as error:  # any subscriber failure: recorded, retried, then shown to staff
        return _failed(delivery, error, now)
    return outbox.mark_delivered(delivery)


def _failed(delivery: EventDelivery, error: Exception, now: datetime.datetime) -> str:
    gave_up = delivery.attempts >= MAX_ATTEMPTS
    logger.warning(
        "event %s to %s failed (attempt %s%s): %s",
        delivery.event.name,
        delivery.subscriber,
        delivery.attempts,
        ", giving up" if gave_up else "",
        type(error).__name__,
    )
    return outbox.mark_failed(
        delivery, now=now, error=f"{type(error).__name__}: {error}", give_up=gave_up
    )


def deliveries_due(*, now: datetime.datetime | None = None, limit: int = SWEEP_BATCH) -> list[int]:
    """Pending deliveries whose time has come and that no live lease holds."""
    return outbox.due_ids(EventDelivery.objects.all(), now=now or timezone.now(), limit=limit)


def delivery_retry(*, delivery_id: int) -> EventDelivery:
    """Staff ask for a failed (or waiting) delivery to be tried again now."""
    with transaction.atomic():
        delivery = lock(EventDelivery, pk=delivery_id)
        if delivery.status != DeliveryStatus.DELIVERED:
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.attempts = MAX_ATTEMPTS - 1  # one more try
            outbox.reopen(delivery, hand_over=deliveries_hand_over)
    return delivery
