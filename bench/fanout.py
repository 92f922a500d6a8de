"""The queue fan-out, as production serves it: 1,000 investors queued at one branch, each with the
queue socket of their page open on the ASGI server (uvicorn on 127.0.0.1, the product's own
command) through channels-redis; then one queue event (an investor leaves the queue): the time
until every page has the new count. Against it, in the same run, from the same server: 1,000 bare
websockets in one group of the same channel layer (bench/asgi.py) and one group message to them.
And the server's resident memory per connected investor.

Needs Redis: BENCH_REDIS_URL, else REDIS_URL, else redis://127.0.0.1:6379/0 (the groups get a
prefix of their own, nothing is flushed). The database is PostgreSQL when one answers
(BENCH_POSTGRES_URL's server; a database of its own, recreated), else SQLite in a temporary
folder. The clients run in this process, in one event loop. Only 127.0.0.1 is contacted.

    .venv/bin/python bench/fanout.py [--clients 1000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

from common.serving import ASGI_APP, uvicorn_command  # noqa: E402
from tests.live import LiveServer, demo_env, free_port, wait_healthy  # noqa: E402

# a database of its own beside the step pages' one (BENCH_POSTGRES_URL), recreated
POSTGRES_URL = (
    os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/bench_pages")
    + "_fanout"
)
REDIS_URL = (
    os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
)
CONNECTING = 50  # connections opened at a time
TIMEOUT_S = 120


def _more_files() -> None:
    """A thousand sockets need more descriptors than some systems' default soft limit."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def _database(tmp: Path) -> tuple[str, str]:
    from bench.database import postgres_fresh, sqlite_fresh

    if postgres_fresh(POSTGRES_URL):
        return "PostgreSQL", POSTGRES_URL
    return "SQLite", sqlite_fresh(tmp / "db.sqlite3")


def _leave(application_id: int) -> None:
    """One investor leaves the queue (before the clock starts)."""
    from video.models import QueueEntry

    QueueEntry.objects.filter(application_id=application_id).delete()


def _push(branch_id: int) -> None:
    """What the queue's subscriber does with the event: the new count to the branch's pages."""
    from flows.events import EventMessage
    from video.subscribers import push_queue

    push_queue(
        EventMessage(
            id="bench",
            name="application.left_queue",
            application_id=None,
            acceptance_number="",
            actor="bench",
            payload={"branch_id": branch_id},
            occurred_at=None,  # type: ignore[arg-type]
        )
    )


async def _open(urls: list[str], headers: list[dict[str, str] | None]) -> list:
    """A socket to each url, CONNECTING at a time, each past its first message (the count)."""
    import websockets

    gate = asyncio.Semaphore(CONNECTING)

    async def one(url: str, header: dict[str, str] | None):
        async with gate:
            socket = await websockets.connect(
                url, additional_headers=header, open_timeout=TIMEOUT_S, ping_interval=None
            )
            first = json.loads(await asyncio.wait_for(socket.recv(), TIMEOUT_S))
            if first.get("type") != "queue":
                raise RuntimeError(f"{url} answered {first}")
            return socket

    return await asyncio.gather(*(one(u, h) for u, h in zip(urls, headers, strict=True)))


async def _all_hear(sockets: list, waiting: int) -> None:
    async def one(socket) -> None:
        while json.loads(await socket.recv()).get("waiting") != waiting:
            pass

    await asyncio.wait_for(asyncio.gather(*(one(s) for s in sockets)), TIMEOUT_S)


async def _measure(server: LiveServer, world: dict, rounds: int) -> dict:
    from asgiref.sync import sync_to_async
    from channels.layers import get_channel_layer

    from bench.asgi import BARE_GROUP, BARE_PATH

    ws_url = server.url.replace("http://", "ws://")
    origin = {"Origin": server.url}
    product_headers = [
        {**origin, "Cookie": cookie} for cookie in world["cookies"][: world["clients"]]
    ]
    queue_urls = [
        f"{ws_url}/ws/witness/queue/{number}/" for number in world["numbers"][: world["clients"]]
    ]
    bare_urls = [ws_url + BARE_PATH] * world["clients"]
    # warm the server (imports, connections) before its memory is read
    warm = await _open([queue_urls[0], bare_urls[0]], [product_headers[0], None])
    for socket in warm:
        await socket.close()
    await asyncio.sleep(1)
    rss_before = server.rss_mb()
    began = time.perf_counter()
    pages = await _open(queue_urls, product_headers)
    connect_s = time.perf_counter() - began
    await asyncio.sleep(1)
    rss_after = server.rss_mb()
    bare = await _open(bare_urls, [None] * world["clients"])
    layer = get_channel_layer()
    times: dict[str, list[float]] = {"product": [], "bare": []}
    try:
        for n in range(rounds):  # taking turns, so that load slows both alike
            leaving = world["extra"][n]
            await sync_to_async(_leave)(leaving)
            waiting = world["clients"] + rounds - n - 1
            began = time.perf_counter()
            await sync_to_async(_push)(world["branch_id"])
            await _all_hear(pages, waiting)
            times["product"].append(time.perf_counter() - began)
            began = time.perf_counter()
            await layer.group_send(BARE_GROUP, {"type": "queue.count", "waiting": n})
            await _all_hear(bare, n)
            times["bare"].append(time.perf_counter() - began)
    finally:
        await asyncio.gather(*(s.close() for s in [*pages, *bare]), return_exceptions=True)
    return {
        "connect_s": connect_s,
        "rss_mb": (rss_before, rss_after),
        "product_ms": [1000 * t for t in times["product"]],
        "bare_ms": [1000 * t for t in times["bare"]],
    }


def _world(clients: int, rounds: int) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from bench.database import keep_migrated
    from bench.witness import _world as queued_world

    call_command("migrate", verbosity=0)
    connection.close()
    keep_migrated(os.environ["DATABASE_URL"])
    branch, cookies, numbers = queued_world(clients + rounds)
    from flows.models import Application

    ids = dict(Application.objects.values_list("acceptance_number", "pk"))
    return {
        "clients": clients,
        "branch_id": branch.pk,
        "cookies": [cookie.decode() for cookie in cookies],
        "numbers": numbers,
        "extra": [ids[number] for number in numbers[clients:]],
    }


def bench_fanout(clients: int = 1000, rounds: int = 5) -> None:
    if not _redis_answers(REDIS_URL):
        print(f"queue fan-out through uvicorn: skipped (no Redis answers at {REDIS_URL})")
        return
    _more_files()
    with tempfile.TemporaryDirectory(prefix="bench-fanout-") as folder:
        tmp = Path(folder)
        label, database_url = _database(tmp)
        port = free_port()
        env = demo_env(
            tmp,
            port,
            DJANGO_SETTINGS_MODULE="bench.settings",
            DATABASE_URL=database_url,
            REDIS_URL=REDIS_URL,
            BENCH_CHANNEL_PREFIX=f"bench-fanout-{os.getpid()}",
            CELERY_TASK_ALWAYS_EAGER="true",
            TRUSTED_PROXIES="127.0.0.1",
            DEBUG="false",
            LOG_LEVEL="WARNING",
        )
        os.environ.update(env)
        import django

        django.setup()
        began = time.perf_counter()
        world = _world(clients, rounds)
        prepared_s = time.perf_counter() - began
        command = uvicorn_command("127.0.0.1", port)
        command[command.index(ASGI_APP)] = "bench.asgi:application"
        log = tmp / "server.log"
        with log.open("wb") as output:
            process = subprocess.Popen(  # noqa: S603
                command,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                preexec_fn=_more_files,  # noqa: PLW1509
            )
        server = LiveServer(url=f"http://127.0.0.1:{port}", process=process, log=log)
        try:
            wait_healthy(server)
            found = asyncio.run(_measure(server, world, rounds))
        except Exception as error:  # noqa: BLE001 (a bench reports what failed, and goes on)
            print(f"queue fan-out through uvicorn: failed: {type(error).__name__}: {error}")
            print(server.log_text()[-3000:])
            return
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:  # still closing sockets: the figures are taken
                process.kill()
                process.wait(timeout=10)
    product, bare = statistics.median(found["product_ms"]), statistics.median(found["bare_ms"])
    low, high = found["rss_mb"]
    ratio = product / bare
    print(
        f"queue fan-out, {clients} websockets on uvicorn (127.0.0.1) through channels-redis "
        f"({label}; {clients} investors queued in {prepared_s:.0f} s, connected in "
        f"{found['connect_s']:.1f} s), median of {rounds}:"
    )
    print(
        f"  one queue event to every investor's page {product:7.1f} ms; one group message to "
        f"{clients} bare sockets {bare:7.1f} ms; ratio {ratio:.2f}   "
        f"(goal <= 2x: {'met' if ratio <= 2 else 'MISSED'})"
    )
    print(
        f"  server memory {low:.0f} MB before the investors connected, {high:.0f} MB after: "
        f"{1024 * (high - low) / clients:.0f} KB per connected investor   (reported)"
    )
    print(
        "  all rounds (ms): queue event "
        + " ".join(f"{t:.0f}" for t in found["product_ms"])
        + "; bare "
        + " ".join(f"{t:.0f}" for t in found["bare_ms"])
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    bench_fanout(arguments.clients, arguments.rounds)
