"""Who calls the API, as one value: the integrator key, the investor (of an investor token) or
the staff account (a console's own call, session). Idempotency keys and throttles are kept per
principal."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rest_framework.request import Request

from staff.models import IntegratorKey

from .models import InvestorToken


class PrincipalKind(StrEnum):
    KEY = "key"
    INVESTOR = "investor"
    STAFF = "staff"
    ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Principal:
    kind: PrincipalKind
    ident: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.ident}"


def principal_of(request: Request) -> Principal:
    auth = request.auth
    if isinstance(auth, IntegratorKey):
        return Principal(PrincipalKind.KEY, str(auth.prefix))
    if isinstance(auth, InvestorToken):
        return Principal(PrincipalKind.INVESTOR, str(auth.client_id))
    user = request.user
    if user is not None and user.is_authenticated:
        return Principal(PrincipalKind.STAFF, str(user.pk))
    return Principal(PrincipalKind.ANONYMOUS, "")


def key_scopes(request: Request) -> frozenset[str] | None:
    """The scopes the caller holds; None when scopes do not apply (a staff session, governed
    by roles)."""
    from .scopes import INVESTOR_SCOPES

    auth = request.auth
    if isinstance(auth, IntegratorKey):
        return frozenset(auth.scopes or ())
    if isinstance(auth, InvestorToken):
        return INVESTOR_SCOPES
    return None
