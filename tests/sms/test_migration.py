"""The migration onto common.outbox keeps every message and gives it sensible outbox values."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("sms", "0002_params_key_receipt")]
AFTER = [("sms", "0003_outbox_delivery")]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_existing_messages_get_outbox_values():
    # given messages of the old kind: sent, queued (recent and stale), failed (tries left or not)
    old = migrate(BEFORE).get_model("sms", "SmsMessage")
    now = timezone.now()
    sent_at = now - datetime.timedelta(minutes=5)

    def make(name, status, age_minutes, attempts=0, **columns):
        row = old.objects.create(
            mobile="13800138001",
            text="x",
            purpose=name,
            status=status,
            attempts=attempts,
            **columns,
        )
        old.objects.filter(pk=row.pk).update(
            created_at=now - datetime.timedelta(minutes=age_minutes)
        )
        return row.pk

    ids = {
        "sent": make("sent", "sent", 6, 1, sent_at=sent_at, provider_id="biz"),
        "queued": make("queued", "queued", 2),
        "stale": make("stale", "queued", 120),
        "retrying": make("retrying", "failed", 3, 2, error="ReadTimeout"),
        "given_up": make("given_up", "failed", 30, 6, error="SmsProviderError: x"),
    }
    # when the migration runs
    new = migrate(AFTER).get_model("sms", "SmsMessage")
    rows = {row.purpose: row for row in new.objects.filter(pk__in=ids.values())}
    # then each keeps its data under the outbox's names, with a status the outbox understands
    sent = rows["sent"]
    assert (sent.status, sent.delivered_at, sent.next_attempt_at) == ("delivered", sent_at, sent_at)
    assert (sent.provider_id, sent.leased_until) == ("biz", None)
    assert rows["queued"].status == "pending"
    assert rows["queued"].next_attempt_at == rows["queued"].created_at  # due: the sweep sends it
    assert (rows["stale"].status, rows["stale"].last_error[:7]) == ("failed", "expired")
    retrying = rows["retrying"]
    assert (retrying.status, retrying.last_error, retrying.attempts) == (
        "pending",
        "ReadTimeout",
        2,
    )
    assert retrying.next_attempt_at <= timezone.now()
    assert (rows["given_up"].status, rows["given_up"].last_error) == (
        "failed",
        "SmsProviderError: x",
    )
