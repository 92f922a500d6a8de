"""Who may call an endpoint built on `api.base`:

- `IsApiCaller`: an integrator key whose owner holds one of the view's `key_roles` (default: the
  integrator role; the review decisions: the reviewer role), an investor token
  (unless the view sets `investor_tokens = False`), or a staff session holding one of the view's
  `session_roles` (default: the integrator role);
- `HasScope`: the key (or token) holds every scope of the view's `required_scopes` — a tuple, or
  a dict by HTTP method ({"GET": (...), "POST": (...)}). Otherwise 403 `scope_missing`, naming
  the scope."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

from staff.models import IntegratorKey
from staff.roles import Role
from staff.selectors import user_has_role

from .errors import ApiError, ErrorCode
from .models import InvestorToken
from .principals import key_scopes


class IsApiCaller(BasePermission):
    message = _("无权调用该接口。")

    def has_permission(self, request, view) -> bool:
        auth = request.auth
        if isinstance(auth, IntegratorKey):
            key_roles: Iterable[Role] = getattr(view, "key_roles", (Role.INTEGRATOR,))
            return any(user_has_role(request.user, role) for role in key_roles)
        if isinstance(auth, InvestorToken):
            return getattr(view, "investor_tokens", True)
        roles: Iterable[Role] = getattr(view, "session_roles", (Role.INTEGRATOR,))
        return any(user_has_role(request.user, role) for role in roles)


def scopes_required(view, method: str) -> tuple[str, ...]:
    declared = getattr(view, "required_scopes", ())
    if isinstance(declared, dict):
        method = "GET" if method == "HEAD" else method
        return tuple(declared.get(method, ()))
    return tuple(declared)


class ScopeMissing(ApiError):
    def __init__(self, scope: str) -> None:
        super().__init__(
            _("该凭据没有调用此接口所需的权限范围：%(scope)s。") % {"scope": scope},
            code=ErrorCode.SCOPE_MISSING,
            status=403,
            details={"scope": scope},
        )


class HasScope(BasePermission):
    def has_permission(self, request, view) -> bool:
        held = key_scopes(request)
        if held is None:
            return True
        for scope in scopes_required(view, request.method):
            if scope not in held:
                raise ScopeMissing(scope)
        return True
