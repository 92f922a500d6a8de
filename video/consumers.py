"""The witness's websockets. Thin: who may join is checked in `connect` (through selectors, in
a thread), one handler per message type; anything else is answered with an error, and the
consumer goes on.

- ws/witness/queue/<acceptance_number>/: the investor of that application, while queued or
  in the call: the branch's waiting count and their own place, and "taken" / "ended".
- ws/witness/console/: a witness agent with a branch: that branch's queue, live.
- ws/witness/call/<acceptance_number>/: the two ends of that application's open call (its
  investor, the agent who took it): WebRTC signalling (offer, answer, ICE) relayed to the other.
"""

from __future__ import annotations

import json
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from clients.auth import SESSION_KEY
from flows.models import Application, ApplicationState
from staff.roles import Role
from staff.selectors import agent_branch_id, user_has_role

from . import groups
from .selectors import order_position, position_in, queue_order, queue_snapshot, session_open
from .services import queue_connection_back, queue_connection_lost
from .turn import ice_servers

MAX_MESSAGE = 64 * 1024  # an SDP is a few KiB; nothing legitimate comes near this
REFUSED = 4403


def _investor_application(scope: dict, acceptance_number: str) -> Application | None:
    """The application, if the investor logged in on this connection owns it."""
    session = scope.get("session")
    client_id = session.get(SESSION_KEY) if session is not None else None
    if client_id is None:
        return None
    return (
        Application.objects.select_related("client")
        .filter(client_id=client_id, acceptance_number=acceptance_number)
        .first()
    )


class JsonConsumer(AsyncJsonWebsocketConsumer):
    """Malformed JSON, a message that is not an object, an unknown type: an error back, never
    a crash."""

    handlers: dict[str, str] = {}

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is None or len(text_data) > MAX_MESSAGE:
            await self.error("malformed", "消息格式不正确。")
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.error("malformed", "消息格式不正确。")
            return
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        handler = self.handlers.get(kind) if isinstance(kind, str) else None
        if handler is None:
            await self.error("unknown_type", "不支持的消息类型。")
            return
        await getattr(self, handler)(content)

    async def error(self, code: str, message: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": message})

    async def ping(self, content: dict) -> None:
        await self.send_json({"type": "pong"})


class QueueConsumer(JsonConsumer):
    handlers = {"ping": "ping"}

    async def connect(self) -> None:
        number = self.scope["url_route"]["kwargs"]["acceptance_number"]
        found = await database_sync_to_async(self._authorise)(number)
        if found is None:
            await self.close(code=REFUSED)
            return
        self.application_id, self.branch_id = found
        self.groups_joined = [
            groups.queue_investors(self.branch_id),
            groups.applicant(self.application_id),
        ]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        waiting, position = await database_sync_to_async(self._place)()
        await self.send_json({"type": "queue", "waiting": waiting, "position": position})

    def _place(self) -> tuple[int, int | None]:
        order = queue_order(branch_id=self.branch_id)
        return len(order), position_in(order, self.application_id)

    def _authorise(self, number: str) -> tuple[int, int] | None:
        application = _investor_application(self.scope, number)
        waiting = (ApplicationState.QUEUED_FOR_WITNESS, ApplicationState.WITNESS_IN_PROGRESS)
        if application is None or application.state not in waiting:
            return None
        queue_connection_back(application_id=application.pk)
        return application.pk, application.client.branch_id

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)
        if hasattr(self, "application_id"):
            await database_sync_to_async(queue_connection_lost)(application_id=self.application_id)

    async def queue_count(self, message: dict) -> None:
        # the branch's order comes with the count: this investor hears their own place only
        position = order_position(message.get("order", ""), self.application_id)
        await self.send_json({"type": "queue", "waiting": message["waiting"], "position": position})

    async def witness_state(self, message: dict) -> None:
        await self.send_json({"type": message["event"], "state": message["state"]})


class ConsoleConsumer(JsonConsumer):
    handlers = {"ping": "ping"}

    async def connect(self) -> None:
        branch_id = await database_sync_to_async(self._authorise)()
        if branch_id is None:
            await self.close(code=REFUSED)
            return
        self.group = groups.queue_agents(branch_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        entries = await database_sync_to_async(queue_snapshot)(branch_id=branch_id)
        await self.send_json({"type": "queue", "entries": entries})

    def _authorise(self) -> int | None:
        user = self.scope.get("user")
        if user is None or not user_has_role(user, Role.WITNESS_AGENT):
            return None
        return agent_branch_id(user)

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def queue_snapshot(self, message: dict) -> None:
        await self.send_json({"type": "queue", "entries": message["entries"]})


SIGNALS = {"offer": "sdp", "answer": "sdp", "ice": "candidate"}


class CallConsumer(JsonConsumer):
    """Signalling between the two ends of one call. Each message is checked for its shape and
    relayed to the other end only (the sender does not hear itself)."""

    handlers = {
        "ping": "ping",
        "offer": "signal",
        "answer": "signal",
        "ice": "signal",
        "ready": "notice",
        "hangup": "notice",
        "media_error": "notice",
    }

    async def connect(self) -> None:
        number = self.scope["url_route"]["kwargs"]["acceptance_number"]
        found = await database_sync_to_async(self._authorise)(number)
        if found is None:
            await self.close(code=REFUSED)
            return
        self.session_id, self.role = found
        self.group = groups.call(self.session_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        # TURN credentials for this call and this end only, valid for a limited time
        servers = ice_servers(subject=f"witness-{self.session_id}-{self.role}")
        await self.send_json({"type": "joined", "role": self.role, "ice_servers": servers})
        await self._relay({"type": "peer_joined", "role": self.role})

    def _authorise(self, number: str) -> tuple[int, str] | None:
        user = self.scope.get("user")
        if user is not None and user_has_role(user, Role.WITNESS_AGENT):
            application = Application.objects.filter(acceptance_number=number).first()
            session = session_open(application=application) if application else None
            if session is not None and session.agent_id == user.pk:
                return session.pk, "agent"
            return None
        application = _investor_application(self.scope, number)
        if application is None or application.state != ApplicationState.WITNESS_IN_PROGRESS:
            return None
        session = session_open(application=application)
        return (session.pk, "investor") if session is not None else None

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self._relay({"type": "peer_left", "role": self.role})
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def _relay(self, content: dict) -> None:
        await self.channel_layer.group_send(
            self.group, {"type": "call.signal", "sender": self.channel_name, "content": content}
        )

    async def signal(self, content: dict) -> None:
        field = SIGNALS[content["type"]]
        payload = content.get(field)
        valid = (
            isinstance(payload, dict)
            if field == "sdp"
            else payload is None or isinstance(payload, dict)
        )
        if not valid:
            await self.error("malformed", "信令消息格式不正确。")
            return
        await self._relay({"type": content["type"], field: payload, "from": self.role})

    async def notice(self, content: dict) -> None:
        detail = content.get("detail", "")
        if not isinstance(detail, str) or len(detail) > 200:
            await self.error("malformed", "信令消息格式不正确。")
            return
        await self._relay({"type": content["type"], "detail": detail, "from": self.role})

    async def call_signal(self, message: dict) -> None:
        if message["sender"] != self.channel_name:
            await self.send_json(message["content"])

    async def call_liveness(self, message: dict) -> None:
        await self.send_json({"type": "liveness", "text": message["text"]})

    async def call_ended(self, message: dict) -> None:
        await self.send_json({"type": "ended", "outcome": message["outcome"]})
        await self.close()
