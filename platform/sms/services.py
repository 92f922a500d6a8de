"""Recording and delivering text messages, through common.outbox.

A message is recorded (`sms_send`) in the caller's transaction and handed to a worker once it
commits. A worker claims it in a short transaction (`select_for_update(skip_locked=True)` and a
lease: a second worker racing for the same message gets nothing), calls the gateway with no
transaction open and no lock held, then marks it sent, or due again after the outbox's backoff
(30 s, 1, 2, 4, 8 minutes: the retry is handed over with that countdown), or failed after
MAX_ATTEMPTS tries (listed for administrators under 设置 → 短信记录 with the error label, never
the text). `sms_redrive` (Celery beat, every minute) hands over whatever is due: a hand-over the
broker lost, a retry, a message whose worker died (once its lease has ended).

At most once per claim, at least once overall, so a message may go out twice, in two cases:
the worker dies (or loses the database) after the provider accepted it and before it is marked
sent (each such crash adds one send, after the lease); or the provider accepted it but the
answer was lost (a read timeout), which counts as a failed try. The providers' APIs have no
idempotency key to prevent this. Two workers never send it at the same time: the lease outlasts
the gateway's timeout several times over.

A message not sent within SEND_WITHIN of being recorded is not sent any more (a login code is
stale long before): the sweep marks it failed, "expired"."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from common import outbox
from common.outbox import SWEEP_BATCH, backoff

from .backends import SmsProviderError, get_gateway
from .models import SmsMessage, SmsStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6  # the first try and 5 retries
SEND_WITHIN = datetime.timedelta(hours=1)
EXPIRED = "expired: not sent within 60 min"
LEASE_AT_LEAST = datetime.timedelta(minutes=2)


def sms_send(
    *,
    mobile: str,
    text: str,
    purpose: str,
    params: dict[str, Any] | None = None,
    key: str | None = None,
) -> SmsMessage:
    """Record the message and deliver it in the background once the transaction commits. The
    message is safe in the database first: when the broker is down the request still succeeds,
    and `sms_redrive` hands the message to a worker once the broker is back. `params` fill a
    provider's template; `key` makes a message asked for again (an event delivered twice) the
    same message."""
    if key is not None:
        existing = SmsMessage.objects.filter(key=key).first()
        if existing is not None:
            return existing
    message = SmsMessage.objects.create(
        mobile=mobile,
        text=text,
        purpose=purpose,
        params=params or {},
        key=key,
        next_attempt_at=timezone.now(),
    )
    pk = message.pk
    transaction.on_commit(lambda: messages_hand_over([pk]), robust=True)
    return message


def messages_hand_over(message_ids: list[int], *, countdown: float = 0) -> None:
    """Give messages to the workers; a broker that does not answer loses nothing (the sweep
    hands them over)."""
    from .tasks import sms_deliver

    outbox.hand_over(sms_deliver, message_ids, countdown=countdown)


def lease() -> datetime.timedelta:
    """How long a claimed message is held: several times the gateway's timeout (httpx applies
    it to the connection, the request and the answer each), so that the lease never ends while
    a send is still under way, and a second worker never sends the same message meanwhile."""
    timeout = float(settings.SMS_HTTP.get("timeout") or 0)
    return max(LEASE_AT_LEAST, datetime.timedelta(seconds=6 * timeout))


def _sendable(now: datetime.datetime):
    return SmsMessage.objects.filter(created_at__gt=now - SEND_WITHIN)


def sms_attempt(*, message_id: int, now: datetime.datetime | None = None) -> str:
    """One try at a due message: "delivered", "retry", "failed" (tries used up), or "skipped"
    (not due, sent already, failed, expired, or held by another worker)."""
    now = now or timezone.now()
    message = outbox.claim(_sendable(now), message_id, now=now, lease=lease())
    if message is None:
        return "skipped"
    try:  # no transaction is open and no lock held: a slow gateway holds up nobody
        receipt = get_gateway().deliver(message)
    except Exception as error:  # any gateway failure: recorded, retried, then shown to staff
        return _failed(message, error, now)
    return outbox.mark_delivered(message, provider_id=receipt or "")


def _failed(message: SmsMessage, error: Exception, now: datetime.datetime) -> str:
    gave_up = message.attempts >= MAX_ATTEMPTS
    label = error_label(error)
    logger.warning(
        "sms %s (%s) failed, attempt %s%s: %s",
        message.pk,
        message.purpose,
        message.attempts,
        ", giving up" if gave_up else "",
        label,
    )
    outcome = outbox.mark_failed(message, now=now, error=label, give_up=gave_up)
    if outcome == "retry":
        messages_hand_over([message.pk], countdown=backoff(message.attempts).total_seconds())
    return outcome


def sms_redrive(*, now: datetime.datetime | None = None, limit: int = SWEEP_BATCH) -> int:
    """The sweep: mark failed the messages that waited too long to be worth sending, and hand
    over the due ones (never handed over, a retry whose time has come, a lease that ended). A
    message handed over twice is sent once (the claim). How many were handed over."""
    now = now or timezone.now()
    _expire(now)
    due = outbox.due_ids(_sendable(now), now=now, limit=limit)
    messages_hand_over(due)
    return len(due)


def _expire(now: datetime.datetime) -> None:
    free = Q(leased_until__isnull=True) | Q(leased_until__lt=now)
    SmsMessage.objects.filter(
        free, status=SmsStatus.QUEUED, created_at__lte=now - SEND_WITHIN
    ).update(status=SmsStatus.FAILED, leased_until=None, last_error=EXPIRED)


def error_label(error: Exception) -> str:
    """What staff see of a failure: the provider's code, or the kind of error (a timeout, a
    refused connection); never the message's text, number or parameters."""
    if isinstance(error, SmsProviderError):
        return f"SmsProviderError: {error.detail}"[:200]
    return type(error).__name__[:200]
