from celery import shared_task

from .services import sms_attempt, sms_redrive


@shared_task(ignore_result=True, acks_late=True)
def sms_deliver(message_id: int) -> str:
    """One try at a message (sms.services: its retries are scheduled on the row and handed over
    again with their countdown, or by the sweep; failed after MAX_ATTEMPTS, shown to
    administrators under 设置 → 短信记录)."""
    return sms_attempt(message_id=message_id)


@shared_task(ignore_result=True)
def sms_redrive_waiting() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): hand over the due messages."""
    return sms_redrive()
