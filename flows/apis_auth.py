"""The acting `Actor` of an API request: the one bridge from the API's credentials to the flow's
services, so every endpoint (flows, video, signing, revisit) turns a request into an actor the
same way.

    actor = request_actor(request)                          # whoever calls
    actor = request_actor(request, staff_as=ActorKind.REVIEWER)  # a review decision

- an integrator key (`Authorization: Api-Key …`) → `Actor.integrator(key owner)`, acting on an
  investor's behalf; with `staff_as=REVIEWER` (or AGENT) the key's owner must hold that role
  and the key the scope of that role (`review` / `witness`) → `Actor.reviewer(owner)` /
  `Actor.agent(owner)`;
- an investor token (`Authorization: Bearer …`) → `Actor.investor(token.client)`: only that
  investor's own applications;
- a staff session (the consoles' own calls) → `Actor.reviewer(user)` or `Actor.agent(user)` by
  role (`staff_as` picks one when the user holds both; without it, reviewer first), or, for a
  signed-in integrator account without either role, `Actor.integrator(user)`.

Anything else is refused with 403 `permission_denied` (never a 500): the services then check
what the actor may do with the application at hand."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request

from api.models import InvestorToken
from api.principals import key_scopes
from api.scopes import Scope
from staff.models import IntegratorKey
from staff.roles import Role
from staff.selectors import user_has_role

from .actors import Actor, ActorKind

STAFF_ROLES = {ActorKind.REVIEWER: Role.REVIEWER, ActorKind.AGENT: Role.WITNESS_AGENT}
# the scope a key needs to act in that role
STAFF_SCOPES = {ActorKind.REVIEWER: Scope.REVIEW, ActorKind.AGENT: Scope.WITNESS}


def request_actor(request: Request, *, staff_as: ActorKind | None = None) -> Actor:
    """Who acts, from the request's credentials (after DRF authenticated it)."""
    if staff_as is not None and staff_as not in STAFF_ROLES:
        raise ValueError(f"staff_as must be reviewer or agent, not {staff_as}")
    auth = request.auth
    if isinstance(auth, InvestorToken):
        if staff_as is not None:
            raise PermissionDenied(_("投资者令牌不能执行员工操作。"))
        return Actor.investor(auth.client)
    if isinstance(auth, IntegratorKey):
        if staff_as is None:
            return Actor.integrator(auth.owner)
        held = key_scopes(request) or frozenset()
        if STAFF_SCOPES[staff_as] not in held or not user_has_role(
            auth.owner, STAFF_ROLES[staff_as]
        ):
            raise PermissionDenied(_("该接口密钥不能执行员工操作。"))
        return _staff_actor(staff_as, auth.owner)
    user = request.user
    kinds = [staff_as] if staff_as is not None else [ActorKind.REVIEWER, ActorKind.AGENT]
    for kind in kinds:
        if user_has_role(user, STAFF_ROLES[kind]):
            return _staff_actor(kind, user)
    if staff_as is None and user_has_role(user, Role.INTEGRATOR):
        return Actor.integrator(user)
    raise PermissionDenied(_("当前身份不能办理此业务。"))


def _staff_actor(kind: ActorKind, user) -> Actor:
    return Actor.reviewer(user) if kind == ActorKind.REVIEWER else Actor.agent(user)
