"""SMS delivery on common.outbox: the gateway is called with no transaction open and no row
locked; two workers racing for a message send it once; a worker that dies mid-send delays the
message until its lease ends, then the sweep hands it over again (and, had the provider accepted
the first send, it goes out twice: documented in sms.services); a message too old to matter is
not sent."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.utils import timezone

from common import outbox
from sms import services
from sms.models import SmsMessage, SmsStatus
from sms.services import sms_attempt, sms_redrive

pytestmark = pytest.mark.django_db


def queued(**columns) -> SmsMessage:
    return SmsMessage.objects.create(
        mobile="13800138001", text="验证码 123456", purpose="login_code", **columns
    )


class RecordingGateway:
    """Counts the sends; each send waits `pause` seconds and runs `during` (thread-safe)."""

    sends: list[int] = []
    pause = 0.0
    during = None
    lock = threading.Lock()

    def deliver(self, message: SmsMessage) -> str:
        with RecordingGateway.lock:
            RecordingGateway.sends.append(message.pk)
        if RecordingGateway.during is not None:
            RecordingGateway.during(message)
        time.sleep(RecordingGateway.pause)
        return f"receipt-{message.pk}"


@pytest.fixture
def gateway(settings):
    settings.SMS_BACKEND = "tests.sms.test_delivery.RecordingGateway"
    RecordingGateway.sends, RecordingGateway.pause, RecordingGateway.during = [], 0.0, None
    yield RecordingGateway
    RecordingGateway.during = None


def test_the_gateway_is_called_outside_any_transaction(gateway):
    # given a message, and a gateway that looks at the connection while it sends
    message = queued()
    outer = len(connection.atomic_blocks)  # the test's own transaction
    seen = []
    gateway.during = lambda _m: seen.append(len(connection.atomic_blocks) - outer)
    # when it is tried
    assert sms_attempt(message_id=message.pk) == "delivered"
    # then the service had no transaction open (so no row lock held) while the gateway ran
    assert seen == [0]
    sent = SmsMessage.objects.get(pk=message.pk)
    assert (sent.status, sent.provider_id, sent.attempts) == (
        SmsStatus.SENT,
        f"receipt-{sent.pk}",
        1,
    )


@pytest.mark.django_db(transaction=True)
def test_the_row_is_not_locked_while_the_gateway_sends(gateway):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite ignores select_for_update)")
    # given a message, and a gateway during whose send another connection tries to lock the row
    message = queued()
    locked_by_other = []

    def lock_elsewhere(row: SmsMessage) -> None:
        def other() -> None:
            try:
                with transaction.atomic():
                    SmsMessage.objects.select_for_update(nowait=True).get(pk=row.pk)
                locked_by_other.append(True)
            except OperationalError:  # "could not obtain lock": the sender holds it
                locked_by_other.append(False)
            finally:
                connections.close_all()

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(10)

    gateway.during = lock_elsewhere
    # when it is tried
    assert sms_attempt(message_id=message.pk) == "delivered"
    # then the other connection took the lock at once: the send held none
    assert locked_by_other == [True]


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_a_message_send_it_once(gateway):
    if connection.vendor != "postgresql":
        pytest.skip("two connections racing for a row lock need PostgreSQL (SQLite has one writer)")
    # given a message, a slow gateway, and two workers handed the same message at once
    message = queued()
    gateway.pause = 0.5
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def worker() -> None:
        try:
            start.wait(10)
            outcomes.append(sms_attempt(message_id=message.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    # when both try it
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    # then one sent it and the other skipped it, without waiting for the first's send
    assert sorted(outcomes) == ["delivered", "skipped"]
    assert gateway.sends == [message.pk]
    sent = SmsMessage.objects.get(pk=message.pk)
    assert (sent.status, sent.attempts) == (SmsStatus.SENT, 1)


@pytest.mark.django_db(transaction=True)
def test_many_workers_over_many_messages_send_each_once(gateway):
    if connection.vendor != "postgresql":
        pytest.skip("connections racing for row locks need PostgreSQL (SQLite has one writer)")
    # given ten messages, each handed to four workers (a sweep and hand-overs overlapping)
    ids = [queued().pk for _ in range(10)]
    gateway.pause = 0.02
    outcomes: list[str] = []

    def worker() -> None:
        try:
            for pk in ids:
                outcomes.append(sms_attempt(message_id=pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    # then every message went out exactly once
    assert sorted(gateway.sends) == sorted(ids)
    assert outcomes.count("delivered") == 10 and outcomes.count("skipped") == 30


def test_a_worker_that_dies_mid_send_delays_the_message_until_its_lease_ends(gateway):
    # given a message claimed by a worker that died before marking it (its lease still runs)
    message = queued()
    now = timezone.now()
    lease = services.lease()
    assert outbox.claim(SmsMessage.objects.all(), message.pk, now=now, lease=lease) is not None
    # when the sweep and another worker come before the lease ends
    assert sms_redrive(now=now + lease - datetime.timedelta(seconds=1)) == 0
    assert sms_attempt(message_id=message.pk, now=now + lease / 2) == "skipped"
    assert gateway.sends == []
    # then once it has ended the sweep hands it over, and it is sent (a second time, had the
    # provider accepted the dead worker's send: at least once, not exactly once)
    after = now + lease + datetime.timedelta(seconds=1)
    assert sms_redrive(now=after) == 1
    assert sms_attempt(message_id=message.pk, now=after) == "delivered"
    sent = SmsMessage.objects.get(pk=message.pk)
    assert (sent.status, sent.attempts, gateway.sends) == (SmsStatus.SENT, 2, [message.pk])


def test_the_lease_outlasts_the_gateways_timeout(settings):
    settings.SMS_HTTP = {**settings.SMS_HTTP, "timeout": 60.0}
    assert services.lease() >= datetime.timedelta(minutes=6)
    settings.SMS_HTTP = {**settings.SMS_HTTP, "timeout": 5.0}
    assert services.lease() == services.LEASE_AT_LEAST


def test_the_sweep_hands_over_what_is_due_and_only_that(gateway):
    # given a message whose hand-over was lost, one waiting for its retry, one sent
    now = timezone.now()
    lost = queued(next_attempt_at=now - datetime.timedelta(minutes=2))
    waiting = queued(next_attempt_at=now + datetime.timedelta(seconds=30), attempts=1)
    queued(status=SmsStatus.SENT, attempts=1)
    # when the sweep runs (Celery runs the hand-over inline in tests)
    assert sms_redrive(now=now) == 1
    # then the lost one is sent, the others left alone
    assert gateway.sends == [lost.pk]
    assert SmsMessage.objects.get(pk=waiting.pk).status == SmsStatus.QUEUED


def test_a_message_too_old_to_matter_is_marked_expired_not_sent(gateway):
    # given a message recorded more than an hour ago and never sent (a broker down all along)
    message = queued()
    later = message.created_at + services.SEND_WITHIN + datetime.timedelta(seconds=1)
    # when a late hand-over arrives, then the sweep runs
    assert sms_attempt(message_id=message.pk, now=later) == "skipped"
    assert sms_redrive(now=later) == 0
    # then it was never sent, and staff see why
    expired = SmsMessage.objects.get(pk=message.pk)
    assert (expired.status, expired.last_error) == (SmsStatus.FAILED, services.EXPIRED)
    assert gateway.sends == []


def test_a_crashed_worker_before_the_cutoff_does_not_keep_an_old_message_alive(gateway):
    # given a message leased by a worker that died, its lease ending after the cutoff
    message = queued()
    claimed_at = message.created_at + services.SEND_WITHIN - datetime.timedelta(seconds=10)
    outbox.claim(SmsMessage.objects.all(), message.pk, now=claimed_at, lease=services.lease())
    # when the sweep runs while the lease holds, then after it ended
    assert sms_redrive(now=claimed_at + datetime.timedelta(seconds=20)) == 0
    assert SmsMessage.objects.get(pk=message.pk).status == SmsStatus.QUEUED  # maybe still sending
    sms_redrive(now=claimed_at + services.lease() + datetime.timedelta(seconds=1))
    # then it is failed as expired, never sent again
    assert SmsMessage.objects.get(pk=message.pk).status == SmsStatus.FAILED
    assert gateway.sends == []
