from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from common.locking import lock

from .backends import SmsProviderError, get_gateway
from .models import SmsMessage, SmsStatus

REDRIVE_AFTER = datetime.timedelta(minutes=1)
REDRIVE_WITHIN = datetime.timedelta(hours=1)


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
        mobile=mobile, text=text, purpose=purpose, params=params or {}, key=key
    )
    transaction.on_commit(lambda: _enqueue(message.pk), robust=True)
    return message


def _enqueue(message_id: int) -> None:
    from .tasks import sms_deliver

    sms_deliver.delay(message_id)


def sms_redrive(*, now: datetime.datetime | None = None) -> int:
    """Queue again the messages still waiting a minute after they were recorded (the broker was
    down, or a worker died holding them). Delivery is idempotent: a message sent meanwhile is
    skipped by the worker. How many were queued."""
    now = now or timezone.now()
    waiting = SmsMessage.objects.filter(
        status=SmsStatus.QUEUED,
        created_at__lt=now - REDRIVE_AFTER,
        created_at__gt=now - REDRIVE_WITHIN,
    ).values_list("pk", flat=True)
    count = 0
    for message_id in waiting:
        _enqueue(message_id)
        count += 1
    return count


def sms_deliver_now(*, message_id: int) -> SmsMessage:
    """Deliver a queued message once (a retried task finds it sent and does nothing). A gateway
    failure is recorded on the message, then raised so that the task retries."""
    failure: Exception | None = None
    with transaction.atomic():
        message = lock(SmsMessage, pk=message_id)
        if message.status == SmsStatus.SENT:
            return message
        message.attempts += 1
        try:
            receipt = get_gateway().deliver(message)
        except Exception as error:  # any gateway failure: record it, retry later
            failure = error
            message.status, message.error = SmsStatus.FAILED, _error_label(error)
        else:
            message.status, message.error = SmsStatus.SENT, ""
            message.provider_id = receipt or ""
            message.sent_at = timezone.now()
        message.save(update_fields=["attempts", "status", "sent_at", "error", "provider_id"])
    if failure is not None:
        raise failure
    return message


def _error_label(error: Exception) -> str:
    """What staff see of a failure: the provider's code, or the kind of error (a timeout, a
    refused connection); never the message's text, number or parameters."""
    if isinstance(error, SmsProviderError):
        return f"SmsProviderError: {error.detail}"[:200]
    return type(error).__name__[:200]
