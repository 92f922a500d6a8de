from __future__ import annotations

from django.contrib.auth.models import AbstractUser, AnonymousUser

from .consoles import console_of
from .roles import ROLE_PERMISSION, Role


def role_permission(role: Role) -> str | None:
    """The permission that makes someone hold the role (None: no app provides the role)."""
    console = console_of(role)
    return console.permission if console is not None else ROLE_PERMISSION.get(role)


def user_has_role(user: AbstractUser | AnonymousUser, role: Role) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    permission = role_permission(role)
    return permission is not None and user.has_perm(permission)


def user_roles(user: AbstractUser | AnonymousUser) -> list[Role]:
    return [role for role in Role if user_has_role(user, role)]


def agent_branch_id(user: AbstractUser | AnonymousUser) -> int | None:
    profile = getattr(user, "staff_profile", None)
    return profile.branch_id if profile else None
