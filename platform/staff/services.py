from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from . import groups
from .roles import GROUP_NAMES, PERMISSIONS, Role


def roles_sync() -> None:
    """Create each role's group and give it exactly its permissions (idempotent)."""
    for role, codes in PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=GROUP_NAMES[role])
        permissions = []
        for code in codes:
            app_label, codename = code.split(".")
            permissions.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)


def staff_notify(*, role: Role, branch_id: int | None = None, event: dict[str, Any]) -> None:
    """Tell every connected console of a role (of one branch, for agents) that something
    happened: sent after the current transaction commits, so nobody hears of uncommitted work."""
    name = groups.role_group(role, branch_id)
    message = {"type": "staff.event", "event": event}

    def send() -> None:
        async_to_sync(get_channel_layer().group_send)(name, message)

    transaction.on_commit(send)
