"""The product's ASGI application as uvicorn serves it, plus the bare websocket the queue fan-out
is measured against (bench/fanout.py): it joins one group of the same channel layer and passes
on what the group is sent; no session, no origin check, no database."""

from __future__ import annotations

import json

from channels.generic.websocket import AsyncWebsocketConsumer

from onboarding.asgi import application as product

BARE_PATH = "/bench/ws/bare/"
BARE_GROUP = "bench.bare"


class BareConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        await self.channel_layer.group_add(BARE_GROUP, self.channel_name)
        await self.accept()
        await self.send(text_data=json.dumps({"type": "queue", "waiting": None}))

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(BARE_GROUP, self.channel_name)

    async def queue_count(self, message: dict) -> None:
        await self.send(text_data=json.dumps({"type": "queue", "waiting": message["waiting"]}))


bare = BareConsumer.as_asgi()


async def application(scope, receive, send):
    if scope["type"] == "websocket" and scope["path"] == BARE_PATH:
        return await bare(scope, receive, send)
    return await product(scope, receive, send)
