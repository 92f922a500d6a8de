from celery import shared_task

from .services import sms_deliver_now, sms_redrive


@shared_task(bind=True, max_retries=5, default_retry_delay=30, acks_late=True, ignore_result=True)
def sms_deliver(self, message_id: int) -> None:
    try:
        sms_deliver_now(message_id=message_id)
    except Exception as error:
        raise self.retry(exc=error) from error


@shared_task
def sms_redrive_waiting() -> int:
    return sms_redrive()
