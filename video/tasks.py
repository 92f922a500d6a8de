from celery import shared_task

from .services import queue_sweep, sessions_expire


@shared_task
def witness_queue_sweep() -> int:
    """Take out of the queue the investors whose connection has been gone too long."""
    return len(queue_sweep())


@shared_task
def witness_sessions_expire() -> int:
    """End the witness sessions that ran past the maximum length."""
    return len(sessions_expire())
