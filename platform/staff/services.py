from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from . import groups
from .consoles import registered_permissions
from .roles import GROUP_NAMES, PAGE_PERMISSIONS, PERMISSIONS, Role


def roles_sync() -> None:
    """Create each role's group and give it exactly its permissions: the base apps' and those
    the capabilities registered (idempotent)."""
    for role, base_codes in PERMISSIONS.items():
        codes = [*base_codes, *registered_permissions(role)]
        group, _ = Group.objects.get_or_create(name=GROUP_NAMES[role])
        permissions: list[Permission] = []
        for code in codes:
            app_label, codename = code.split(".")
            permissions.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)
        _page_permissions_sync(group, PAGE_PERMISSIONS.get(role, []))


def _page_permissions_sync(group: Group, codenames: list[str]) -> None:
    from wagtail.models import GroupPagePermission, Page

    root = Page.get_first_root_node()
    if root is None or not codenames:
        return
    for permission in Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=codenames
    ):
        GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)


def staff_notify(*, role: Role, branch_id: int | None = None, event: dict[str, Any]) -> None:
    """Tell every connected console of a role (of one branch, for agents) that something
    happened: sent after the current transaction commits, so nobody hears of uncommitted work."""
    name = groups.role_group(role, branch_id)
    message = {"type": "staff.event", "event": event}

    def send() -> None:
        async_to_sync(get_channel_layer().group_send)(name, message)

    transaction.on_commit(send)
