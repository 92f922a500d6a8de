from celery import shared_task

from .deliveries import deliveries_due, deliveries_hand_over, webhook_attempt


@shared_task(ignore_result=True, acks_late=True)
def webhook_deliver(delivery_id: int) -> str:
    """One attempt of a webhook delivery (its retries are scheduled on the row, and handed over
    again by the attempt itself with a countdown, or by the sweep)."""
    return webhook_attempt(delivery_id=delivery_id)


@shared_task(ignore_result=True)
def webhooks_sweep() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): hand over due deliveries whose hand-over was lost."""
    due = deliveries_due()
    deliveries_hand_over(due)
    return len(due)
