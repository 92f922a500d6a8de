"""The outbox mechanism shared by event and webhook deliveries (common.outbox): a row held by one
worker is skipped by another without waiting; statuses mean the same in every outbox table.
What each caller builds on it is tested with it: tests/flows/test_events.py (subscribers) and
tests/webhooks/test_deliveries.py (HTTP, signatures, the attempt log)."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from common import outbox
from flows.models import EventDelivery, OutboxEvent
from webhooks.models import WebhookStatus


def test_every_outbox_table_takes_the_same_status_values():
    assert {status.value for status in WebhookStatus} == {
        status.value for status in outbox.DeliveryStatus
    }


@pytest.mark.django_db(transaction=True)
def test_a_row_held_by_one_worker_is_skipped_by_another_without_waiting():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite ignores select_for_update)")
    # given a due delivery, locked by a worker in the middle of claiming it
    now = timezone.now()
    event = OutboxEvent.objects.create(name="application.abandoned")
    delivery = EventDelivery.objects.create(event=event, subscriber="s", next_attempt_at=now)
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                EventDelivery.objects.select_for_update().get(pk=delivery.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    worker = threading.Thread(target=hold)
    worker.start()
    try:
        assert locked.wait(10)
        # when another worker claims it
        started = time.monotonic()
        claimed = outbox.claim(
            EventDelivery.objects.all(), delivery.pk, now=now, lease=datetime.timedelta(minutes=1)
        )
        # then it gets nothing, at once
        assert claimed is None
        assert time.monotonic() - started < 2
    finally:
        release.set()
        worker.join(10)
    # and once the lock is gone, a claim takes it, counts the attempt and leases it
    claimed = outbox.claim(
        EventDelivery.objects.all(), delivery.pk, now=now, lease=datetime.timedelta(minutes=1)
    )
    assert claimed is not None and claimed.attempts == 1
    assert claimed.leased_until == now + datetime.timedelta(minutes=1)
    assert outbox.due_ids(EventDelivery.objects.all(), now=now) == []
