"""The queue update fan-out: 1,000 investors of one branch connected to their queue sockets
(the real consumer through the ASGI application, each with its session), then one queue event:
how long until every investor has the new count. On the in-memory channel layer, and on Redis
when REDIS_URL is set. Run by `make bench` (bench/run.py)."""

from __future__ import annotations

import asyncio
import logging
import os
import time

INVESTORS = 1000
BATCH = 100


def _world(count: int):
    """A branch, a flow with the witness, and `count` queued investors with their sessions."""
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction

    from clients.auth import SESSION_KEY
    from flows.models import Application, ApplicationState
    from staff.services import roles_sync
    from tests.factories import BranchFactory, ClientFactory, published_flow
    from video.models import QueueEntry

    roles_sync()
    published_flow([("photos", {"security_letter": None}), ("witness", {"script": None})])
    branch = BranchFactory()
    from flows.services import application_start
    from tests.load.investors import load_id_number

    cookies, numbers = [], []

    def one(n: int) -> None:
        # ID numbers of their own: a thousand random ones collide now and then
        client = ClientFactory(branch=branch, id_number=load_id_number(900000 + n))
        application = application_start(client=client)
        Application.objects.filter(pk=application.pk).update(
            state=ApplicationState.QUEUED_FOR_WITNESS
        )
        QueueEntry.objects.create(application=application, branch=branch)
        session = SessionStore()
        session[SESSION_KEY] = client.pk
        session.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}".encode())
        numbers.append(application.acceptance_number)

    # a hundred investors per transaction: the same rows and events (delivered as each batch
    # commits), without a commit per row
    for first in range(0, count, BATCH):
        with transaction.atomic():
            for n in range(first, min(first + BATCH, count)):
                one(n)
    return branch, cookies, numbers


async def _fanout(branch_id: int, cookies: list[bytes], numbers: list[str]) -> tuple[float, float]:
    from channels.db import database_sync_to_async
    from channels.testing import WebsocketCommunicator

    from flows.events import EventMessage
    from onboarding.asgi import application
    from video.subscribers import push_queue

    started = time.perf_counter()
    pages = []
    for cookie, number in zip(cookies, numbers, strict=True):
        page = WebsocketCommunicator(
            application,
            f"/ws/witness/queue/{number}/",
            headers=[(b"cookie", cookie), (b"origin", b"http://127.0.0.1:8000")],
        )
        connected, _ = await page.connect(timeout=30)
        if not connected:
            raise RuntimeError(f"the queue socket of {number} was refused")
        await page.receive_json_from(timeout=30)
        pages.append(page)
    connect_s = time.perf_counter() - started
    message = EventMessage(
        id="bench",
        name="application.queued",
        application_id=None,
        acceptance_number="",
        actor="bench",
        payload={"branch_id": branch_id},
        occurred_at=None,  # type: ignore[arg-type]
    )
    started = time.perf_counter()
    await database_sync_to_async(push_queue)(message)
    await asyncio.gather(*(page.receive_json_from(timeout=60) for page in pages))
    fanout_s = time.perf_counter() - started
    for page in pages:
        await page.disconnect()
    return connect_s, fanout_s


def _layers() -> dict[str, dict]:
    from onboarding.settings.base import channel_layer_host

    layers = {"in-memory": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    url = os.environ.get("REDIS_URL", "")
    if url.startswith("redis"):
        layers["Redis"] = {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [channel_layer_host(url)], "prefix": "bench-witness"},
        }
    return layers


def bench_witness_fanout(count: int = INVESTORS) -> None:
    from asgiref.sync import async_to_sync
    from channels.layers import channel_layers
    from django.db import connection
    from django.test.utils import override_settings, setup_test_environment

    logging.getLogger("onboarding.access").setLevel(logging.WARNING)
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        branch, cookies, numbers = _world(count)
        for name, layer in _layers().items():
            try:
                with override_settings(CHANNEL_LAYERS={"default": layer}):
                    channel_layers.backends.clear()
                    connect_s, fanout_s = async_to_sync(_fanout)(branch.pk, cookies, numbers)
            except Exception as error:  # noqa: BLE001 (a bench reports what failed, and goes on)
                print(
                    f"witness queue fan-out ({name} layer): failed: {type(error).__name__}: {error}"
                )
                continue
            finally:
                channel_layers.backends.clear()
            print(
                f"witness queue fan-out ({name} layer): {count} investors connected in "
                f"{connect_s:.1f} s; one queue event reached all of them in "
                f"{fanout_s * 1000:.0f} ms"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
