"""A bounded load test of the witness queue on loopback: N investors of one branch queued, each
with the queue page's websocket open against the ASGI server as the product serves it (uvicorn),
then the queue moves (one investor leaves, joins again, ROUNDS times): every page must hear each
new count, with no error; the p95 of the time from the mover pressing the button to a page
hearing the new count is reported. With PostgreSQL, Redis (channel layer, broker) and a Celery
worker: 50 investors, run only where DATABASE_URL and REDIS_URL name servers that answer. On the
embedded default (SQLite, in-memory layer, tasks inline): 20.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/pytest tests/load -s -m integration
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time

import pytest

from tests.faults.test_login_faults import Worker
from tests.live import ROOT, demo_env, free_port, manage, served

from .investors import prepare_clients

pytestmark = [pytest.mark.integration, pytest.mark.timeout(1200)]

ROUNDS = 8
HEAR_WITHIN_S = 20
CONNECT_WITHIN_S = 60


def _postgres_and_redis() -> tuple[str, str]:
    pg, rd = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not pg.startswith("postgres") or not rd.startswith("redis"):
        pytest.skip("queue load on PostgreSQL + Redis: set DATABASE_URL and REDIS_URL")
    try:
        import psycopg
        import redis

        admin = pg.rsplit("/", 1)[0].replace("postgres://", "postgresql://") + "/postgres"
        name = pg.rsplit("/", 1)[1] + "_queueload"
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        redis.Redis.from_url(rd, socket_connect_timeout=3).flushdb()
    except Exception as error:  # noqa: BLE001 - whatever the reason, they do not answer
        pytest.skip(f"PostgreSQL or Redis does not answer: {type(error).__name__}")
    return pg.rsplit("/", 1)[0] + f"/{name}", rd


@pytest.fixture(params=[("postgres+redis", 50), ("sqlite", 20)], ids=lambda p: p[0])
def queued(request, tmp_path):
    """The server, and `count` investors queued (plus one more who moves), with sessions."""
    kind, count = request.param
    overrides = {"DEBUG": "false", "LOG_LEVEL": "WARNING"}
    if kind == "postgres+redis":
        overrides["DATABASE_URL"], overrides["REDIS_URL"] = _postgres_and_redis()
        overrides["CELERY_TASK_ALWAYS_EAGER"] = "false"
    env = demo_env(tmp_path, free_port(), **overrides)
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")
    prepare_clients(lambda *a: manage(env, *a), tmp_path, count + 1)
    pages = json.loads(_setup(env, str(count + 1)))
    worker = Worker(env, tmp_path) if kind == "postgres+redis" else None
    if worker:
        worker.start()
    try:
        with served(env, tmp_path, prepare=False) as server:
            yield kind, server, pages, count
    finally:
        if worker:
            worker.stop()


def _setup(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tests.load.queue_setup", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=True,
    )  # fmt: skip
    return done.stdout.strip().splitlines()[-1]


async def _open(url: str, page: dict[str, str]):
    import websockets

    base = url.replace("http://", "ws://")
    socket = await websockets.connect(
        f"{base}/ws/witness/queue/{page['number']}/",
        additional_headers={"Cookie": page["cookie"], "Origin": url},
        open_timeout=CONNECT_WITHIN_S,
    )
    first = json.loads(await asyncio.wait_for(socket.recv(), CONNECT_WITHIN_S))
    return socket, first


async def _hear(socket, waiting: int) -> float:
    """The wall-clock time this page hears the count `waiting`."""
    while True:
        message = json.loads(await socket.recv())
        if message.get("type") == "queue" and message.get("waiting") == waiting:
            return time.time()


async def _move(http, mover: dict[str, str], action: str) -> float:
    """The mover presses 离开排队 or 开始视频 on their page: the time the button was pressed."""
    import re

    page = await http.get(f"/business/{mover['number']}/witness/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    pressed = time.time()
    path = "leave" if action == "leave" else "queue"
    response = await http.post(
        f"/business/{mover['number']}/video/{path}/", data={"csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302, response.text[:300]
    return pressed


async def _run(url: str, pages: list[dict], mover: dict[str, str], count: int) -> dict:
    import httpx

    opened = await asyncio.gather(*(_open(url, page) for page in pages))
    sockets = [socket for socket, _first in opened]
    assert {first["waiting"] for _socket, first in opened} == {count + 1}
    latencies: list[float] = []
    name, value = mover["cookie"].split("=", 1)
    http = httpx.AsyncClient(base_url=url, timeout=60, cookies={name: value})
    hearing: list[asyncio.Task] = []
    try:
        for round_ in range(ROUNDS):
            action, waiting = ("leave", count) if round_ % 2 == 0 else ("join", count + 1)
            hearing = [asyncio.create_task(_hear(socket, waiting)) for socket in sockets]
            pressed = await _move(http, mover, action)
            heard = await asyncio.wait_for(asyncio.gather(*hearing), HEAR_WITHIN_S)
            latencies += [at - pressed for at in heard]
    finally:
        for task in hearing:
            task.cancel()
        await http.aclose()
        await asyncio.gather(*(socket.close() for socket in sockets))
    ordered = sorted(latencies)
    return {
        "updates_heard": len(ordered),
        "p50_ms": round(ordered[len(ordered) // 2] * 1000),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000),
        "max_ms": round(ordered[-1] * 1000),
    }


def test_every_queued_page_hears_each_new_count_without_error(queued):
    # given N investors queued with their pages open, and one more who moves
    kind, server, pages, count = queued

    # when the queue moves ROUNDS times
    began = time.monotonic()
    report = asyncio.run(_run(server.url, pages[:count], pages[count], count))

    # then every page heard every new count, in bounded time, and the server logged no error
    report = {"stack": kind, "investors": count, "rounds": ROUNDS, **report}
    report["seconds"] = round(time.monotonic() - began, 1)
    report["server_rss_mb"] = round(server.rss_mb())
    print(json.dumps(report), file=sys.stderr)
    assert report["updates_heard"] == count * ROUNDS
    assert report["max_ms"] < HEAR_WITHIN_S * 1000
    assert "Traceback" not in server.log_text() and " 500 " not in server.log_text()
