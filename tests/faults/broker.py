"""A Redis of the test's own, as Celery's broker, that the test stops and starts again (the
shared Redis is never touched), and the worker's part played in-process: the tasks waiting in the
broker's queue taken off it and run as a worker runs them (late acknowledgement: a task leaves
the queue only once it has run)."""

from __future__ import annotations

import base64
import contextlib
import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

QUEUE = "celery"  # Celery's default queue: a Redis list of that name


class PrivateRedis:
    def __init__(self, workdir: Path) -> None:
        if shutil.which("redis-server") is None:
            pytest.skip("no redis-server on this machine")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        """Redis stops: its connections close, new ones are refused (and what it held is lost,
        as with `--save ""`: nothing may depend on it)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def client(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def waiting(self) -> list[tuple[str, list]]:
        """(task name, args) of every task waiting in the queue, oldest first."""
        return [_task(raw) for raw in reversed(self.client().lrange(QUEUE, 0, -1))]


def _task(raw: bytes) -> tuple[str, list]:
    envelope = json.loads(raw)
    body = json.loads(base64.b64decode(envelope["body"]))
    return envelope["headers"]["task"], body[0]


@contextlib.contextmanager
def celery_on(broker_url: str) -> Iterator[None]:
    """Celery hands tasks to `broker_url` instead of running them inline."""
    from onboarding.celery import app

    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = broker_url, False
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app.conf.broker_url, app.conf.task_always_eager = saved
        app._pool = None
        app.amqp._producer_pool = None


def work_off(redis: PrivateRedis, run_on_commit) -> list[tuple[str, list]]:
    """The worker back: run every waiting task (and those they queue) until none waits; a task
    is removed from the queue after it ran (acknowledged late)."""
    from onboarding.celery import app

    ran = []
    client = redis.client()
    while raw := client.lindex(QUEUE, -1):
        name, args = _task(raw)
        with run_on_commit(execute=True):
            app.tasks[name].apply(args=args)
        client.rpop(QUEUE)
        ran.append((name, args))
    return ran
