"""Live events for the staff consoles (a new investor in the branch queue, a new application to
review). Thin: permission in connect, one handler per event type."""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from . import groups, selectors
from .roles import Role


class StaffEventsConsumer(AsyncJsonWebsocketConsumer):
    """ws/staff/events/<role>/: agents hear only their own branch."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        try:
            role = Role(self.scope["url_route"]["kwargs"]["role"])
        except ValueError:
            await self.close(code=4404)
            return
        allowed, branch_id = await database_sync_to_async(self._authorise)(user, role)
        if not allowed:
            await self.close(code=4403)
            return
        self.group = groups.role_group(role, branch_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    @staticmethod
    def _authorise(user, role: Role) -> tuple[bool, int | None]:
        if user is None or not selectors.user_has_role(user, role):
            return False, None
        if role == Role.WITNESS_AGENT:
            branch_id = selectors.agent_branch_id(user)
            return branch_id is not None, branch_id
        return True, None

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def staff_event(self, message: dict) -> None:
        await self.send_json(message["event"])
