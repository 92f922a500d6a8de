from __future__ import annotations

from django.contrib.auth.models import AbstractUser, AnonymousUser

from .roles import CONSOLE_PERMISSION, Role


def user_has_role(user: AbstractUser | AnonymousUser, role: Role) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if role == Role.ADMINISTRATOR:
        return user.has_perm("wagtailadmin.access_admin")
    return user.has_perm(CONSOLE_PERMISSION[role])


def user_roles(user: AbstractUser | AnonymousUser) -> list[Role]:
    return [role for role in Role if user_has_role(user, role)]


def agent_branch_id(user: AbstractUser | AnonymousUser) -> int | None:
    profile = getattr(user, "staff_profile", None)
    return profile.branch_id if profile else None
