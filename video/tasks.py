from celery import shared_task

from .services import queue_sweep


@shared_task
def witness_queue_sweep() -> int:
    """Take out of the queue the investors whose connection has been gone too long."""
    return len(queue_sweep())
