"""Rows handed to workers at least once: the mechanism shared by the outbox's deliveries to
subscribers (flows.events) and the webhook deliveries to integrators (webhooks.deliveries).

A row is due when it is pending, its time has come and no live lease holds it. A worker claims
it in a short transaction (`select_for_update(skip_locked=True)`: two workers never take the same
row, and neither waits for the other), counts the attempt and leases the row; it then does the
slow work (a subscriber, an HTTP request) with no lock held, and marks the row delivered, or due
again after an exponential backoff, or, past the caller's bound, failed (listed for staff, who may
hand it over again). A worker that dies mid-attempt only delays the row until its lease ends; a
hand-over that never reached the broker is found by the caller's sweep (Celery beat, `due_ids`).

What differs stays with the callers: who does the work, how long the lease is, how many tries
are allowed, whether each try gets a row of its own (webhooks log every HTTP request), and whether
a retry is handed over with a countdown or left to the sweep."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

SWEEP_BATCH = 200
ERROR_LENGTH = 300


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待投递")
    DELIVERED = "delivered", _("已投递")
    FAILED = "failed", _("投递失败")


def status_field(choices: type[models.TextChoices]) -> models.CharField:
    """The status column, with `choices` that take DeliveryStatus's values under other labels."""
    return models.CharField(
        _("状态"),
        max_length=10,
        choices=choices.choices,
        default=choices(DeliveryStatus.PENDING.value),
        db_index=True,
    )


class Delivery(models.Model):
    """The columns of the mechanism. A concrete model may declare `status` (`status_field`),
    `attempts` or `delivered_at` again, labelled in its own screen's words: the same values in
    the same columns."""

    status = status_field(DeliveryStatus)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), db_index=True)
    leased_until = models.DateTimeField(_("处理中至"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=ERROR_LENGTH, blank=True)
    delivered_at = models.DateTimeField(_("投递时间"), null=True, blank=True)

    class Meta:
        abstract = True


R = TypeVar("R", bound=Delivery)


def backoff(attempts: int) -> datetime.timedelta:
    """After the n-th failed attempt: 30 s, 1, 2, 4, 8, 16, 32 minutes… capped at an hour."""
    return datetime.timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


def _due(rows: QuerySet[R], now: datetime.datetime) -> QuerySet[R]:
    return rows.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now).filter(
        Q(leased_until__isnull=True) | Q(leased_until__lt=now)
    )


def due_ids(rows: QuerySet[R], *, now: datetime.datetime, limit: int = SWEEP_BATCH) -> list[int]:
    """The ids of due rows, the longest waiting first (what a sweep hands over)."""
    return list(
        _due(rows, now).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]
    )


def claim(
    rows: QuerySet[R], pk: int, *, now: datetime.datetime, lease: datetime.timedelta
) -> R | None:
    """Take the row if it is due, count the attempt and lease it; None if it is not due, already
    delivered or failed, or held by another worker. `rows` may `select_related` what the work
    reads; only the row itself is locked, and only while it is claimed."""
    with transaction.atomic():
        row = (
            _due(rows.select_for_update(skip_locked=True, of=("self",)), now).filter(pk=pk).first()
        )
        if row is None:
            return None
        row.leased_until = now + lease
        row.attempts += 1
        row.save(update_fields=["leased_until", "attempts"])
    return row


def mark_delivered(row: Delivery, **columns: Any) -> str:
    """Delivered: never handed over again. `columns`: the caller's own (e.g. a status code)."""
    type(row)._default_manager.filter(pk=row.pk).update(
        status=DeliveryStatus.DELIVERED,
        delivered_at=timezone.now(),
        leased_until=None,
        last_error="",
        **columns,
    )
    return "delivered"


def mark_failed(
    row: Delivery, *, now: datetime.datetime, error: str, give_up: bool, **columns: Any
) -> str:
    """A failed attempt: due again after the backoff ("retry"), or failed for good ("failed")
    when the caller gives up; the error is kept for staff."""
    type(row)._default_manager.filter(pk=row.pk).update(
        status=DeliveryStatus.FAILED if give_up else DeliveryStatus.PENDING,
        next_attempt_at=now + backoff(row.attempts),
        leased_until=None,
        last_error=error[:ERROR_LENGTH],
        **columns,
    )
    return "failed" if give_up else "retry"


def reopen(row: Delivery, *, hand_over: Callable[[list[int]], None]) -> None:
    """Due now, any lease dropped; handed over once the caller's transaction commits. Staff's
    "try again" (the caller has locked the row and decided how many tries remain)."""
    row.status = DeliveryStatus.PENDING
    row.next_attempt_at = timezone.now()
    row.leased_until = None
    row.save()
    pk = row.pk
    transaction.on_commit(lambda: hand_over([pk]))


def hand_over(task: Any, ids: Iterable[int], *, countdown: float = 0) -> None:
    """Give rows to the workers (the Celery `task` takes a row's id). A broker that does not
    answer loses nothing: the row stays due, and the sweep hands it over."""
    for pk in ids:
        try:
            if countdown:
                task.apply_async((pk,), countdown=countdown)
            else:
                task.delay(pk)
        except Exception:  # the broker is down: the row stays pending for the sweep
            logger.warning("%s %s not handed over; the sweep will", task.name, pk)
