"""Channels wired for real: the ASGI application checks origins and sessions; staff events reach
exactly the consoles they are for, through the channel layer (channels-redis in production)."""

import uuid

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client

from onboarding.asgi import application
from staff.roles import Role
from staff.services import staff_notify

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

ORIGIN = (b"origin", b"http://127.0.0.1:8000")


def session_cookie(username: str) -> tuple[bytes, bytes]:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    return (b"cookie", f"{django_settings.SESSION_COOKIE_NAME}={cookie}".encode())


async def connect(path: str, *headers: tuple[bytes, bytes]) -> tuple[WebsocketCommunicator, bool]:
    communicator = WebsocketCommunicator(application, path, headers=list(headers))
    connected, _ = await communicator.connect()
    return communicator, connected


@pytest.fixture
def sync_seed():
    """Two branches with an agent each, and a reviewer."""
    from staff.services import roles_sync
    from tests.factories import BranchFactory, staff_user

    roles_sync()  # groups are flushed between transactional tests
    staff_user("agent_bj", Role.WITNESS_AGENT, BranchFactory(code="0001", name="北京营业部"))
    staff_user("agent_sh", Role.WITNESS_AGENT, BranchFactory(code="0002", name="上海营业部"))
    staff_user("reviewer", Role.REVIEWER)


async def test_a_websocket_from_another_origin_is_refused(sync_seed):
    from asgiref.sync import sync_to_async

    cookie = await sync_to_async(session_cookie)("agent_bj")
    communicator, connected = await connect(
        "/ws/staff/events/witness_agent/", (b"origin", b"https://evil.example"), cookie
    )
    assert not connected
    await communicator.disconnect()


async def test_an_anonymous_websocket_is_refused(sync_seed):
    communicator, connected = await connect("/ws/staff/events/witness_agent/", ORIGIN)
    assert not connected
    await communicator.disconnect()


async def test_a_reviewer_cannot_listen_to_the_agents_channel(sync_seed):
    from asgiref.sync import sync_to_async

    cookie = await sync_to_async(session_cookie)("reviewer")
    communicator, connected = await connect("/ws/staff/events/witness_agent/", ORIGIN, cookie)
    assert not connected
    await communicator.disconnect()


async def events_reach_only_their_branch() -> None:
    from asgiref.sync import sync_to_async

    from content.models import Branch

    bj = await sync_to_async(session_cookie)("agent_bj")
    sh = await sync_to_async(session_cookie)("agent_sh")
    beijing = await Branch.objects.aget(code="0001")
    # given two consoles of the Beijing agent and one of the Shanghai agent
    first, ok1 = await connect("/ws/staff/events/witness_agent/", ORIGIN, bj)
    second, ok2 = await connect("/ws/staff/events/witness_agent/", ORIGIN, bj)
    other, ok3 = await connect("/ws/staff/events/witness_agent/", ORIGIN, sh)
    assert ok1 and ok2 and ok3
    try:
        # when a service tells Beijing's agents that the queue changed (sent after commit)
        await sync_to_async(notify_in_transaction)(beijing.pk)
        # then both Beijing consoles hear it, Shanghai's does not
        assert await first.receive_json_from(timeout=5) == {"type": "queue", "waiting": 3}
        assert await second.receive_json_from(timeout=5) == {"type": "queue", "waiting": 3}
        assert await other.receive_nothing(timeout=0.5)
    finally:
        for communicator in (first, second, other):
            await communicator.disconnect()


def notify_in_transaction(branch_id: int) -> None:
    from django.db import transaction

    with transaction.atomic():
        staff_notify(
            role=Role.WITNESS_AGENT, branch_id=branch_id, event={"type": "queue", "waiting": 3}
        )


async def test_staff_events_reach_only_their_branch_in_memory(sync_seed):
    await events_reach_only_their_branch()


@pytest.mark.integration
async def test_staff_events_cross_the_redis_channel_layer(sync_seed, redis_url, settings):
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_url], "prefix": f"test-{uuid.uuid4().hex[:8]}"},
        }
    }
    channel_layers.backends.clear()
    try:
        await events_reach_only_their_branch()
    finally:
        await channel_layers["default"].flush()
        channel_layers.backends.clear()
