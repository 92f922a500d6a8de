"""Housekeeping: idempotency keys are kept 24 hours, expired investor tokens a day."""

from celery import shared_task

from .idempotency import idempotency_purge
from .tokens import investor_tokens_purge


@shared_task
def api_records_purge() -> dict[str, int]:
    return {"idempotency": idempotency_purge(), "investor_tokens": investor_tokens_purge()}
