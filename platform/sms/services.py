from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from common.locking import lock

from .backends import get_gateway
from .models import SmsMessage, SmsStatus


def sms_send(*, mobile: str, text: str, purpose: str) -> SmsMessage:
    """Record the message and deliver it in the background once the transaction commits."""
    from .tasks import sms_deliver

    message = SmsMessage.objects.create(mobile=mobile, text=text, purpose=purpose)
    transaction.on_commit(lambda: sms_deliver.delay(message.pk))
    return message


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
            get_gateway().deliver(message)
        except Exception as error:  # any gateway failure: record it, retry later
            failure = error
            message.status, message.error = SmsStatus.FAILED, type(error).__name__[:200]
        else:
            message.status, message.error = SmsStatus.SENT, ""
            message.sent_at = timezone.now()
        message.save(update_fields=["attempts", "status", "sent_at", "error"])
    if failure is not None:
        raise failure
    return message
