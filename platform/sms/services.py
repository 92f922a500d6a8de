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
    """Deliver a queued message once (a retried task finds it sent and does nothing)."""
    with transaction.atomic():
        message = lock(SmsMessage, pk=message_id)
        if message.status == SmsStatus.SENT:
            return message
        message.attempts += 1
        try:
            get_gateway().deliver(message)
        except Exception as error:
            message.status = SmsStatus.FAILED
            message.error = type(error).__name__
            message.save(update_fields=["attempts", "status", "error"])
            raise
        message.status = SmsStatus.SENT
        message.sent_at = timezone.now()
        message.error = ""
        message.save(update_fields=["attempts", "status", "sent_at", "error"])
    return message
