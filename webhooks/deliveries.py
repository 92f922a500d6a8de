"""Sending webhooks: an outbox event fanned out to the subscriptions that want it (one delivery
each, its body generated once), each delivery sent by Celery after commit, retried with
exponential backoff up to WEBHOOKS_MAX_ATTEMPTS, every attempt logged, then marked failed (an
administrator may replay it). The same shape as the outbox (flows.events): a delivery is claimed
with a lease in a short transaction; the HTTP request runs with no lock held."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from common.exceptions import BusinessError
from flows.events import EventMessage
from flows.models import OutboxEvent

from . import sender
from .addresses import target_check
from .catalog import public_names
from .models import WebhookAttempt, WebhookDelivery, WebhookStatus, WebhookSubscription
from .payloads import event_id_for, payload_build
from .signature import signature_header

logger = logging.getLogger(__name__)

LEASE = datetime.timedelta(minutes=2)
SWEEP_BATCH = 200


def backoff(attempts: int) -> datetime.timedelta:
    """After the n-th failed attempt: 30 s, 1, 2, 4, 8, 16, 32 minutes… capped at an hour."""
    return datetime.timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


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

    for delivery_id in delivery_ids:
        try:
            webhook_deliver.apply_async((delivery_id,), countdown=countdown or None)
        except Exception:  # the broker is down: the delivery stays pending for the sweep
            logger.warning("webhook delivery %s not handed over; the sweep will", delivery_id)


# --- one attempt --------------------------------------------------------------------------------


def _claim(delivery_id: int, now: datetime.datetime) -> WebhookDelivery | None:
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("subscription")
            .filter(pk=delivery_id, status=WebhookStatus.PENDING, next_attempt_at__lte=now)
            .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
            .first()
        )
        if delivery is None:
            return None
        delivery.leased_until = now + LEASE
        delivery.attempts += 1
        delivery.save(update_fields=["leased_until", "attempts"])
    return delivery


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
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return "skipped"
    if not delivery.subscription.active:
        _finish(delivery, None, now, give_up=True, error="subscription_inactive")
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
        _finish(delivery, answer, now, delivered=True)
        return "delivered"
    gave_up = delivery.attempts >= delivery.give_up_after
    _finish(delivery, answer, now, give_up=gave_up)
    logger.warning(
        "webhook %s (%s) to subscription %s failed, attempt %s%s: %s",
        delivery.pk,
        delivery.event_name,
        delivery.subscription_id,
        delivery.attempts,
        ", giving up" if gave_up else "",
        answer.error or f"HTTP {answer.status_code}",
    )
    if gave_up:
        return "failed"
    transaction.on_commit(
        lambda: deliveries_hand_over(
            [delivery.pk], countdown=backoff(delivery.attempts).total_seconds()
        )
    )
    return "retry"


def _ok(answer: sender.Answer) -> bool:
    return answer.status_code is not None and 200 <= answer.status_code < 300


def _finish(
    delivery: WebhookDelivery,
    answer: sender.Answer | None,
    now: datetime.datetime,
    *,
    delivered: bool = False,
    give_up: bool = False,
    error: str = "",
) -> None:
    if delivered:
        status = WebhookStatus.DELIVERED
    else:
        status = WebhookStatus.FAILED if give_up else WebhookStatus.PENDING
    if answer is not None and not delivered:
        error = answer.error or f"HTTP {answer.status_code}"
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=status,
        next_attempt_at=now + backoff(delivery.attempts),
        leased_until=None,
        last_status_code=answer.status_code if answer is not None else None,
        last_error=error[:300],
        delivered_at=timezone.now() if delivered else None,
    )


def deliveries_due(*, now: datetime.datetime | None = None, limit: int = SWEEP_BATCH) -> list[int]:
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(status=WebhookStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
