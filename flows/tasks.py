from celery import shared_task

from .events import deliveries_due, deliveries_hand_over, delivery_attempt


@shared_task(ignore_result=True, acks_late=True)
def event_deliver(delivery_id: int) -> str:
    """One delivery of an outbox event (retries are scheduled on the row; `events_sweep` hands
    them over when due)."""
    return delivery_attempt(delivery_id=delivery_id)


@shared_task(ignore_result=True)
def events_sweep() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): hand over due deliveries: retries, and any whose
    hand-over was lost (a crash after commit, a broker down, a worker that died)."""
    due = deliveries_due()
    deliveries_hand_over(due)
    return len(due)
