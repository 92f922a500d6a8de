"""Celery wired for real: a worker process against Redis runs a task that a service enqueued on
commit, reading and writing the same PostgreSQL database."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection, transaction

from onboarding.celery import app
from sms.models import SmsMessage, SmsStatus
from sms.services import sms_send

ROOT = Path(__file__).resolve().parents[2]


def reset_connections() -> None:
    """Make the app connect afresh to whatever broker_url now says."""
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def worker(postgres_url, redis_url, settings):
    """A real `celery worker` process on a queue of its own, using this test's database."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "onboarding.settings.demo",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DEBUG": "false",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "onboarding",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    saved = {
        key: app.conf[key]
        for key in ("broker_url", "task_always_eager", "task_default_queue", "result_backend")
    }
    app.conf.update(
        broker_url=redis_url, task_always_eager=False, task_default_queue=queue, result_backend=None
    )
    reset_connections()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        yield process
    finally:
        app.conf.update(saved)
        reset_connections()
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_an_sms_enqueued_on_commit(worker):
    # given a message recorded in a committed transaction
    with transaction.atomic():
        message = sms_send(mobile="13800138001", text="验证码 123456", purpose="login_code")
    # when the worker picks the task up
    deadline = time.monotonic() + 60
    message.refresh_from_db()
    while message.status != SmsStatus.SENT and time.monotonic() < deadline:
        assert worker.poll() is None, worker.stdout.read()
        time.sleep(0.3)
        message.refresh_from_db()
    # then it ran in the worker process and marked the message sent
    assert message.status == SmsStatus.SENT
    assert message.attempts == 1
    assert SmsMessage.objects.get(pk=message.pk).delivered_at is not None
