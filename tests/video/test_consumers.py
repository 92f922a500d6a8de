"""The witness websockets through the real ASGI application (origin check, sessions): who may
join which socket, the waiting count pushed live from the outbox events, the agents' queue,
signalling relayed between the two ends of one call only, and bad messages answered with an
error without breaking the connection. On the in-memory layer, and on Redis when REDIS_URL is
set."""

from __future__ import annotations

import time
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.test import Client as Browser

from clients.auth import SESSION_KEY
from onboarding.asgi import application as asgi
from video.services import witness_queue_join, witness_queue_leave, witness_take_next

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
ORIGIN = (b"origin", b"http://127.0.0.1:8000")


def staff_cookie(user) -> tuple[bytes, bytes]:
    browser = Browser()
    browser.force_login(user)
    value = browser.cookies[django_settings.SESSION_COOKIE_NAME].value
    return (b"cookie", f"{django_settings.SESSION_COOKIE_NAME}={value}".encode())


def investor_cookie(client) -> tuple[bytes, bytes]:
    browser = Browser()
    session = browser.session
    session[SESSION_KEY] = client.pk
    session.save()
    return (b"cookie", f"{django_settings.SESSION_COOKIE_NAME}={session.session_key}".encode())


async def connect(path: str, cookie=None) -> tuple[WebsocketCommunicator, bool]:
    headers = [ORIGIN, *([cookie] if cookie else [])]
    communicator = WebsocketCommunicator(asgi, path, headers=headers)
    connected, _ = await communicator.connect()
    return communicator, connected


@sync_to_async
def queued_investor(world):
    investor, application = world.investor()
    witness_queue_join(application=application, actor=investor)
    return investor, application, investor_cookie(investor.client)


@pytest.fixture(autouse=True)
def delivered_at_once(monkeypatch):
    """The outbox hands each delivery to Celery after commit (that path has its own tests in
    tests/flows/test_events.py). Here the hand-over attempts it at once in this process, so that
    what these tests hear does not depend on the Celery configuration an earlier test left: in
    the full suite's order, the hand-over went to a broker and the pushes were never heard."""
    from flows import events, tasks

    monkeypatch.setattr(
        tasks.event_deliver,
        "delay",
        lambda delivery_id: events.delivery_attempt(delivery_id=delivery_id),
    )


@pytest.fixture(autouse=True)
def layer(request, settings):
    """The in-memory layer (every test unless it asks otherwise), and the Redis one when
    REDIS_URL names a reachable server; a fresh layer object either way."""
    kind = getattr(request, "param", "memory")
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    if kind == "redis":
        url = request.getfixturevalue("redis_url")
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {"hosts": [url], "prefix": f"test-{uuid.uuid4().hex[:8]}"},
            }
        }
    from channels.layers import channel_layers

    channel_layers.backends.clear()  # the layer as the settings now say
    yield kind
    channel_layers.backends.clear()


@pytest.mark.parametrize("layer", ["memory", "redis"], indirect=True)
async def test_the_waiting_count_moves_live_as_investors_join_and_leave(world, layer):
    # given an investor queued, with the page open
    first, first_app, first_cookie = await queued_investor(world)
    path = f"/ws/witness/queue/{first_app.acceptance_number}/"
    page, connected = await connect(path, first_cookie)
    assert connected
    assert await page.receive_json_from() == {"type": "queue", "waiting": 1, "position": 1}
    # when another investor of the branch joins
    second, second_app, _cookie = await queued_investor(world)
    # then the first hears the new count (and that they are still first)
    heard = await page.receive_json_from(timeout=5)
    assert heard == {"type": "queue", "waiting": 2, "position": 1}
    # when the second leaves
    await sync_to_async(witness_queue_leave)(application=second_app, actor=second)
    heard = await page.receive_json_from(timeout=5)
    assert heard == {"type": "queue", "waiting": 1, "position": 1}
    await page.disconnect()


@pytest.mark.parametrize("layer", ["memory", "redis"], indirect=True)
async def test_each_investor_hears_their_own_place_live(world, layer):
    # given two investors queued, the second with the page open
    first, first_app, _first_cookie = await queued_investor(world)
    _second, second_app, second_cookie = await queued_investor(world)
    page, _ = await connect(f"/ws/witness/queue/{second_app.acceptance_number}/", second_cookie)
    assert await page.receive_json_from() == {"type": "queue", "waiting": 2, "position": 2}
    # when a third joins, the second is still second
    await queued_investor(world)
    heard = await page.receive_json_from(timeout=5)
    assert heard == {"type": "queue", "waiting": 3, "position": 2}
    # when the first leaves, the second moves up: the outbox event pushes it
    await sync_to_async(witness_queue_leave)(application=first_app, actor=first)
    heard = await page.receive_json_from(timeout=5)
    assert heard == {"type": "queue", "waiting": 2, "position": 1}
    await page.disconnect()


async def test_agents_see_their_branchs_queue_live_and_only_theirs(world):
    agent_cookie = await sync_to_async(staff_cookie)(world.agent)
    other_cookie = await sync_to_async(staff_cookie)(world.other_branch_agent)
    console, ok = await connect("/ws/witness/console/", agent_cookie)
    other, ok_other = await connect("/ws/witness/console/", other_cookie)
    assert ok and ok_other
    assert await console.receive_json_from() == {"type": "queue", "entries": []}
    assert await other.receive_json_from() == {"type": "queue", "entries": []}
    # when an investor of the branch queues
    _investor, application, _cookie = await queued_investor(world)
    # then the branch's agents see them; the other branch's hear nothing
    message = await console.receive_json_from(timeout=5)
    assert [e["application"] for e in message["entries"]] == [application.acceptance_number]
    assert await other.receive_nothing(timeout=0.3)
    await console.disconnect()
    await other.disconnect()


async def test_the_investor_hears_when_an_agent_takes_them(world):
    _investor, application, cookie = await queued_investor(world)
    page, _ = await connect(f"/ws/witness/queue/{application.acceptance_number}/", cookie)
    await page.receive_json_from()
    await sync_to_async(witness_take_next)(agent=world.agent)
    heard = [await page.receive_json_from(timeout=5) for _ in range(2)]
    assert {"type": "witness.taken", "state": "witness_in_progress"} in heard
    await page.disconnect()


async def test_a_dropped_page_marks_the_place_kept_and_a_new_page_takes_it_back(world):
    from video.models import QueueEntry

    _investor, application, cookie = await queued_investor(world)
    path = f"/ws/witness/queue/{application.acceptance_number}/"
    page, _ = await connect(path, cookie)
    await page.receive_json_from()
    await page.disconnect()
    entry = await sync_to_async(QueueEntry.objects.get)(application=application)
    assert entry.disconnected_at is not None
    again, _ = await connect(path, cookie)
    await again.receive_json_from()
    entry = await sync_to_async(QueueEntry.objects.get)(application=application)
    assert entry.disconnected_at is None
    await again.disconnect()


async def test_who_may_not_join_the_queue_socket_is_refused(world):
    _investor, application, _cookie = await queued_investor(world)
    stranger_cookie = await sync_to_async(lambda: investor_cookie(world.investor()[0].client))()
    agent_cookie = await sync_to_async(staff_cookie)(world.agent)
    path = f"/ws/witness/queue/{application.acceptance_number}/"
    for cookie in (None, stranger_cookie, agent_cookie):
        communicator, connected = await connect(path, cookie)
        assert not connected
        await communicator.disconnect()


async def test_an_investor_not_queued_cannot_open_the_queue_socket(world):
    @sync_to_async
    def not_queued():
        investor, application = world.investor()
        return application, investor_cookie(investor.client)

    application, cookie = await not_queued()
    communicator, connected = await connect(
        f"/ws/witness/queue/{application.acceptance_number}/", cookie
    )
    assert not connected
    await communicator.disconnect()


async def test_a_staff_member_without_the_role_or_branch_cannot_watch_a_queue(world):
    from staff.roles import Role
    from tests.factories import staff_user

    reviewer = await sync_to_async(staff_user)("rev", Role.REVIEWER, world.branch)
    for user in (reviewer, world.agent_without_branch):
        cookie = await sync_to_async(staff_cookie)(user)
        communicator, connected = await connect("/ws/witness/console/", cookie)
        assert not connected
        await communicator.disconnect()


@pytest.mark.parametrize(
    "sent",
    [
        "not json",
        "[1, 2]",
        '{"type": "no_such_type"}',
        '{"no_type": 1}',
        '{"type": 7}',
        "x" * 70_000,
    ],
)
async def test_bad_messages_get_an_error_and_the_socket_goes_on(world, sent):
    _investor, application, cookie = await queued_investor(world)
    page, _ = await connect(f"/ws/witness/queue/{application.acceptance_number}/", cookie)
    await page.receive_json_from()
    await page.send_to(text_data=sent)
    reply = await page.receive_json_from()
    assert reply["type"] == "error" and reply["code"] in ("malformed", "unknown_type")
    await page.send_json_to({"type": "ping"})
    assert await page.receive_json_from() == {"type": "pong"}
    await page.disconnect()


# --- the call's signalling ---------------------------------------------------------------------


async def in_a_call(world):
    _investor, application, investor_cookie_ = await queued_investor(world)
    await sync_to_async(witness_take_next)(agent=world.agent)
    agent_cookie = await sync_to_async(staff_cookie)(world.agent)
    return application, investor_cookie_, agent_cookie


async def test_offer_answer_and_ice_go_between_the_two_ends_of_the_call(world, settings):
    settings.WITNESS_ICE_SERVERS = [{"urls": "stun:stun.example.test:3478"}]
    application, investor_cookie_, agent_cookie = await in_a_call(world)
    path = f"/ws/witness/call/{application.acceptance_number}/"
    agent, ok_agent = await connect(path, agent_cookie)
    assert ok_agent
    joined = await agent.receive_json_from()
    assert joined == {
        "type": "joined",
        "role": "agent",
        "ice_servers": [{"urls": "stun:stun.example.test:3478"}],
    }
    investor, ok_investor = await connect(path, investor_cookie_)
    assert ok_investor
    assert (await investor.receive_json_from())["role"] == "investor"
    assert await agent.receive_json_from() == {"type": "peer_joined", "role": "investor"}
    # when the agent sends an offer, the investor an answer and a candidate
    await agent.send_json_to({"type": "offer", "sdp": {"type": "offer", "sdp": "v=0..."}})
    assert await investor.receive_json_from() == {
        "type": "offer",
        "sdp": {"type": "offer", "sdp": "v=0..."},
        "from": "agent",
    }
    await investor.send_json_to({"type": "answer", "sdp": {"type": "answer", "sdp": "v=0"}})
    await investor.send_json_to({"type": "ice", "candidate": {"candidate": "candidate:1"}})
    assert (await agent.receive_json_from())["type"] == "answer"
    assert (await agent.receive_json_from())["candidate"] == {"candidate": "candidate:1"}
    # then nobody hears their own messages
    assert await agent.receive_nothing(timeout=0.2)
    assert await investor.receive_nothing(timeout=0.2)
    await investor.disconnect()
    assert await agent.receive_json_from() == {"type": "peer_left", "role": "investor"}
    await agent.disconnect()


async def test_each_end_gets_its_own_turn_credentials_when_it_joins(world, settings):
    import base64
    import hashlib
    import hmac

    # given a TURN relay with a shared secret
    settings.WITNESS_TURN_URLS = ["turn:turn.example.test:3478"]
    settings.WITNESS_TURN_SECRET = "relay-secret"
    settings.WITNESS_TURN_TTL_SECONDS = 900
    application, investor_cookie_, agent_cookie = await in_a_call(world)
    path = f"/ws/witness/call/{application.acceptance_number}/"
    # when both ends join
    agent, _ = await connect(path, agent_cookie)
    investor, _ = await connect(path, investor_cookie_)
    servers = {
        "agent": (await agent.receive_json_from())["ice_servers"],
        "investor": (await investor.receive_json_from())["ice_servers"],
    }
    # then each has the relay with a credential for itself, valid for the configured time
    now = int(time.time())
    for role, (relay,) in servers.items():
        expiry, who = relay["username"].split(":", 1)
        assert relay["urls"] == ["turn:turn.example.test:3478"] and who.endswith(f"-{role}")
        assert now + 890 <= int(expiry) <= now + 900
        digest = hmac.new(b"relay-secret", relay["username"].encode(), hashlib.sha1).digest()
        assert relay["credential"] == base64.b64encode(digest).decode()
    await investor.disconnect()
    await agent.disconnect()


async def test_the_ice_servers_are_none_by_default(world):
    application, _investor_cookie, agent_cookie = await in_a_call(world)
    agent, _ = await connect(f"/ws/witness/call/{application.acceptance_number}/", agent_cookie)
    assert (await agent.receive_json_from())["ice_servers"] == []
    await agent.disconnect()


async def test_nobody_else_may_join_a_call(world):
    application, _investor_cookie, _agent_cookie = await in_a_call(world)
    path = f"/ws/witness/call/{application.acceptance_number}/"
    other_agent = await sync_to_async(staff_cookie)(world.second_agent)
    other_branch = await sync_to_async(staff_cookie)(world.other_branch_agent)
    stranger = await sync_to_async(lambda: investor_cookie(world.investor()[0].client))()
    for cookie in (None, other_agent, other_branch, stranger):
        communicator, connected = await connect(path, cookie)
        assert not connected
        await communicator.disconnect()


async def test_a_queued_investor_has_no_call_to_join(world):
    _investor, application, cookie = await queued_investor(world)
    communicator, connected = await connect(
        f"/ws/witness/call/{application.acceptance_number}/", cookie
    )
    assert not connected
    await communicator.disconnect()


@pytest.mark.parametrize(
    "message",
    [
        {"type": "offer"},
        {"type": "offer", "sdp": "a string"},
        {"type": "ice", "candidate": "a string"},
        {"type": "media_error", "detail": 5},
        {"type": "nonsense"},
    ],
)
async def test_a_malformed_signal_is_refused_and_not_relayed(world, message):
    application, investor_cookie_, agent_cookie = await in_a_call(world)
    path = f"/ws/witness/call/{application.acceptance_number}/"
    agent, _ = await connect(path, agent_cookie)
    await agent.receive_json_from()
    investor, _ = await connect(path, investor_cookie_)
    await investor.receive_json_from()
    await agent.receive_json_from()  # peer_joined
    await agent.send_json_to(message)
    assert (await agent.receive_json_from())["type"] == "error"
    assert await investor.receive_nothing(timeout=0.2)
    await agent.send_json_to({"type": "ping"})
    assert await agent.receive_json_from() == {"type": "pong"}
    await agent.disconnect()
    await investor.disconnect()


async def test_the_end_of_the_call_closes_both_ends(world):
    from video.models import WitnessSession
    from video.services import witness_release

    application, investor_cookie_, agent_cookie = await in_a_call(world)
    path = f"/ws/witness/call/{application.acceptance_number}/"
    agent, _ = await connect(path, agent_cookie)
    await agent.receive_json_from()
    session = await sync_to_async(WitnessSession.objects.get)(application=application)
    await sync_to_async(witness_release)(session_id=session.pk, agent=world.agent, reason="断线")
    assert await agent.receive_json_from(timeout=5) == {"type": "ended", "outcome": "released"}
    assert (await agent.receive_output(timeout=1))["type"] == "websocket.close"
    await agent.disconnect()


async def test_the_investor_sees_the_liveness_prompt_the_agent_shows(world):
    from video.evidence import liveness_prompt
    from video.models import LivenessPrompt, WitnessSession

    await sync_to_async(LivenessPrompt.objects.create)(text="请缓慢向左转头。")
    application, investor_cookie_, agent_cookie = await in_a_call(world)
    path = f"/ws/witness/call/{application.acceptance_number}/"
    investor, _ = await connect(path, investor_cookie_)
    await investor.receive_json_from()
    session = await sync_to_async(WitnessSession.objects.get)(application=application)
    shown = await sync_to_async(liveness_prompt)(session_id=session.pk, agent=world.agent)
    assert await investor.receive_json_from(timeout=5) == {
        "type": "liveness",
        "text": shown["text"],
    }
    await investor.disconnect()
