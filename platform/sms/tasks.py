from celery import shared_task

from .services import sms_deliver_now, sms_redrive

MAX_RETRIES = 5


@shared_task(
    bind=True, max_retries=MAX_RETRIES, default_retry_delay=30, acks_late=True, ignore_result=True
)
def sms_deliver(self, message_id: int) -> None:
    """Deliver one message; a failure is retried after 30 s, 1, 2, 4, 8 minutes, then left
    failed (shown to administrators under 设置 → 短信记录)."""
    try:
        sms_deliver_now(message_id=message_id)
    except Exception as error:
        if self.request.retries >= MAX_RETRIES:
            return  # recorded as failed on the message; nothing more to do
        raise self.retry(exc=error, countdown=30 * 2**self.request.retries) from error


@shared_task
def sms_redrive_waiting() -> int:
    return sms_redrive()
