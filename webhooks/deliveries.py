"""Sending webhooks: an outbox event fanned out to the subscriptions that want it (one delivery
each, its body generated once), each delivery sent by Celery after commit, retried with
exponential backoff up to WEBHOOKS_MAX_ATTEMPTS, every attempt logged, then marked failed (an
administrator may replay it). The same mechanism as the outbox (flows.events), from
common.outbox: a delivery is claimed with a lease in a short transaction; the HTTP request runs
with no lock held. Unlike the outbox's, a webhook keeps a row for every attempt (what the
receiver answered, and when), and its retry is handed over with its countdown."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from common import outbox
from common.exceptions import BusinessError
from common.outbox import SWEEP_BATCH, backoff
from flows.events import EventMessage
from flows.models import OutboxEvent

from . import sender
from .addresses import target_check
from .catalog import public_names
from .models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from .payloads import event_id_for, payload_build
from .signature import signature_header

logger = logging.getLogger(__name__)

LEASE = datetime.timedelta(minutes=2)  # an attempt is one request of WEBHOOKS_TIMEOUT (10 s)


# --- fan-out (the outbox subscriber) ------------------------------------------------------------


def webhooks_fan_out(message: EventMessage) -> None:
    """Make the deliveries of one outbox event, once: run again (the outbox delivers at least
    once), it finds them made and makes none."""
    names = public_names(message.name)
    source = OutboxEvent.objects.select_related("application").filter(pk=message.id).first()
    if source is None or not names:
        return
    made: list[int] = []
    with transaction.atomic():
        for subscription in WebhookSubscription.objects.filter(active=True).order_by("pk"):
            for name in names:
                if subscription.wants(name):
                    delivery = _delivery_make(subscription, source, name)
                    if delivery is not None:
                        made.append(delivery.pk)
        if made:
            transaction.on_commit(lambda: deliveries_hand_over(made))


def _delivery_make(
    subscription: WebhookSubscription, source: OutboxEvent, name: str
) -> WebhookDelivery | None:
    event_id = event_id_for(source=source, name=name)
    if WebhookDelivery.objects.filter(subscription=subscription, event_id=event_id).exists():
        return None
    try:
        with transaction.atomic():
            return WebhookDelivery.objects.create(
                subscription=subscription,
                event_id=event_id,
                event_name=name,
                source_event=source,
                body=payload_build(source=source, name=name),
                give_up_after=settings.WEBHOOKS_MAX_ATTEMPTS,
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:  # made meanwhile by another worker
        return None


def deliveries_hand_over(delivery_ids: Iterable[int], *, countdown: float = 0) -> None:
    """Give deliveries to the workers; a broker that does not answer loses nothing (the sweep
    hands them over when due)."""
    from .tasks import webhook_deliver

    outbox.hand_over(webhook_deliver, delivery_ids, countdown=countdown)


# --- one attempt --------------------------------------------------------------------------------


def _send(delivery: WebhookDelivery) -> sender.Answer:
    """Check the address again (after DNS resolution, now), sign, POST."""
    subscription = delivery.subscription
    try:
        target = target_check(subscription.url)
    except BusinessError as refused:
        return sender.Answer(None, 0, f"refused:{refused.code}"[:100], "")
    body = delivery.body.encode()
    headers = {
        "X-Webhook-Id": str(delivery.event_id),
        "X-Webhook-Event": delivery.event_name,
        "X-Webhook-Attempt": str(delivery.attempts),
        "X-Webhook-Signature": signature_header(secret=subscription.secret, body=body),
    }
    return sender.post(target=target, body=body, headers=headers, timeout=settings.WEBHOOKS_TIMEOUT)


def webhook_attempt(*, delivery_id: int, now: datetime.datetime | None = None) -> str:
    """Send one due delivery: "delivered", "retry", "failed", or "skipped" (not due, already
    delivered or failed, held by another worker, or its subscription switched off)."""
    now = now or timezone.now()
    rows = WebhookDelivery.objects.select_related("subscription")
    delivery = outbox.claim(rows, delivery_id, now=now, lease=LEASE)
    if delivery is None:
        return "skipped"
    if not delivery.subscription.active:
        outbox.mark_failed(
            delivery, now=now, error="subscription_inactive", give_up=True, last_status_code=None
        )
        return "skipped"
    started = timezone.now()
    answer = _send(delivery)
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        started_at=started,
        duration_ms=answer.duration_ms,
        status_code=answer.status_code,
        error=answer.error,
        response_excerpt=answer.excerpt,
        delivered=_ok(answer),
    )
    if _ok(answer):
        return outbox.mark_delivered(delivery, last_status_code=answer.status_code)
    return _failed(delivery, answer, now)


def _ok(answer: sender.Answer) -> bool:
    return answer.status_code is not None and 200 <= answer.status_code < 300


def _failed(delivery: WebhookDelivery, answer: sender.Answer, now: datetime.datetime) -> str:
    """Retried after the backoff, handed over with that countdown (the sweep is the safety net),
    until `give_up_after` attempts."""
    gave_up = delivery.attempts >= delivery.give_up_after
    error = answer.error or f"HTTP {answer.status_code}"
    logger.warning(
        "webhook %s (%s) to subscription %s failed, attempt %s%s: %s",
        delivery.pk,
        delivery.event_name,
        delivery.subscription_id,
        delivery.attempts,
        ", giving up" if gave_up else "",
        error,
    )
    outcome = outbox.mark_failed(
        delivery, now=now, error=error, give_up=gave_up, last_status_code=answer.status_code
    )
    if outcome == "retry":
        countdown = backoff(delivery.attempts).total_seconds()
        transaction.on_commit(lambda: deliveries_hand_over([delivery.pk], countdown=countdown))
    return outcome


def deliveries_due(*, now: datetime.datetime | None = None, limit: int = SWEEP_BATCH) -> list[int]:
    return outbox.due_ids(WebhookDelivery.objects.all(), now=now or timezone.now(), limit=limit)
