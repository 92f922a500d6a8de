from celery import shared_task

from .reminders import appointment_reminders_send
from .services import queue_sweep, sessions_expire


@shared_task
def witness_queue_sweep() -> int:
    """Take out of the queue the investors whose connection has been gone too long."""
    return len(queue_sweep())


@shared_task
def witness_sessions_expire() -> int:
    """End the witness sessions that ran past the maximum length."""
    return len(sessions_expire())


@shared_task
def witness_appointment_reminders() -> int:
    """SMS the investors whose appointment starts soon (once each)."""
    return len(appointment_reminders_send())
