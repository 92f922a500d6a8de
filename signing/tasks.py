from celery import shared_task

from .services import signing_leftovers_purge


@shared_task(ignore_result=True)
def signing_purge() -> dict[str, int]:
    """Hourly (CELERY_BEAT_SCHEDULE): expired challenges and signature requests."""
    return signing_leftovers_purge()
