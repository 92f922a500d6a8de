"""The memory of one Celery worker over many tasks: a real `celery worker` (solo pool, as the
compose file's worker runs one task at a time) against Redis, fed batches of SMS deliveries
through the product's own path (`sms_send`: recorded, enqueued on commit, delivered by the
worker to the outbox backend); its resident memory after the 10th and after the last batch.

Needs Redis (BENCH_REDIS_URL, else REDIS_URL, else redis://127.0.0.1:6379/0); the database is
PostgreSQL when one answers (a database of its own, recreated), else SQLite in a temporary
folder. Only 127.0.0.1 is contacted.

    .venv/bin/python bench/worker.py [--batches 100] [--batch 10]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

from bench.fanout import REDIS_URL, _redis_answers  # noqa: E402
from tests.live import demo_env, free_port  # noqa: E402

# a database of its own beside the step pages' one (BENCH_POSTGRES_URL), recreated
POSTGRES_URL = (
    os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/bench_pages")
    + "_worker"
)
TIMEOUT_S = 120


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def _batch(first: int, size: int) -> list[int]:
    """`size` messages sent the product's way; their ids."""
    from django.db import transaction

    from sms.services import sms_send

    ids = []
    for n in range(first, first + size):
        with transaction.atomic():  # enqueued when it commits, as in a request
            message = sms_send(
                mobile=f"139{n:08d}", text=f"您的验证码是 {n % 1000000:06d}。", purpose="bench"
            )
        ids.append(message.pk)
    return ids


def _delivered(ids: list[int], worker: subprocess.Popen) -> None:
    from sms.models import SmsMessage, SmsStatus

    deadline = time.monotonic() + TIMEOUT_S
    while SmsMessage.objects.filter(pk__in=ids).exclude(status=SmsStatus.SENT).exists():
        if worker.poll() is not None:
            raise RuntimeError("the worker exited")
        if time.monotonic() > deadline:
            raise RuntimeError(f"a batch was not delivered within {TIMEOUT_S} s")
        time.sleep(0.05)


def bench_worker(batches: int = 100, size: int = 10) -> None:
    if not _redis_answers(REDIS_URL):
        print(f"Celery worker memory: skipped (no Redis answers at {REDIS_URL})")
        return
    from bench.database import keep_migrated, postgres_fresh, sqlite_fresh

    with tempfile.TemporaryDirectory(prefix="bench-worker-") as folder:
        tmp = Path(folder)
        database_url = (
            POSTGRES_URL if postgres_fresh(POSTGRES_URL) else sqlite_fresh(tmp / "db.sqlite3")
        )
        env = demo_env(
            tmp,
            free_port(),
            DJANGO_SETTINGS_MODULE="onboarding.settings.demo",
            DATABASE_URL=database_url,
            REDIS_URL=REDIS_URL,
            CELERY_TASK_ALWAYS_EAGER="false",
            DEBUG="false",
            LOG_LEVEL="WARNING",
        )
        os.environ.update(env)
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        from django.db import connection

        connection.close()
        keep_migrated(database_url)
        worker = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "celery", "-A", "onboarding", "worker", "-l", "warning"]
            + ["--pool", "solo", "--concurrency", "1", "--without-heartbeat"]
            + ["--without-gossip", "--without-mingle"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=(tmp / "worker.log").open("wb"),
        )
        rss: dict[int, float] = {}
        began = time.perf_counter()
        try:
            for n in range(1, batches + 1):
                _delivered(_batch(n * size, size), worker)
                if n in (1, 10, batches):
                    rss[n] = _rss_mb(worker.pid)
        except RuntimeError as error:
            print(f"Celery worker memory: failed: {error}")
            print((tmp / "worker.log").read_text(errors="replace")[-3000:])
            return
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=10)
        spent = time.perf_counter() - began
    tasks = batches * size
    growth = rss[batches] - rss[10]
    print(
        f"Celery worker (solo pool, Redis broker), {tasks} SMS deliveries in {batches} batches "
        f"({spent:.0f} s): memory after the 1st batch {rss[1]:.0f} MB, after the 10th "
        f"{rss[10]:.0f} MB, after the {batches}th {rss[batches]:.0f} MB: growth 10th -> "
        f"{batches}th {growth:+.1f} MB   (goal: flat)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=100)
    parser.add_argument("--batch", type=int, default=10)
    arguments = parser.parse_args()
    bench_worker(arguments.batches, arguments.batch)
