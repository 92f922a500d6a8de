"""Integrator keys, as administrators manage them: issue (the key is shown once, only its hash is
kept), rotate (a new key with the same owner, scopes and expiry; the old one is revoked at once
and points to its successor), revoke. Every change is on the audit log."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.db import transaction
from django.utils.translation import gettext as _

from api.scopes import KEY_OWNER_ROLES, Scope, scope_owner_role
from audit.services import audit_record
from common.exceptions import BusinessError
from common.locking import lock

from .models import IntegratorKey
from .roles import GROUP_NAMES
from .selectors import user_has_role


@dataclass(frozen=True)
class IssuedKey:
    key: IntegratorKey
    raw: str  # shown to the administrator once, never stored


def _create(**fields: Any) -> tuple[IntegratorKey, str]:
    key, raw = IntegratorKey.objects.create_key(**fields)
    return cast(IntegratorKey, key), raw


def integrator_key_issue(
    *,
    name: str,
    owner,
    scopes: Iterable[str],
    expiry_date: datetime.datetime | None,
    by,
) -> IssuedKey:
    key_check_owner(owner=owner, scopes=scopes)
    key, raw = _create(name=name, owner=owner, scopes=sorted(set(scopes)), expiry_date=expiry_date)
    audit_record(
        action="api_key.issued",
        actor=by,
        target=key.owner,  # a key's own id (prefix.hash) is too long for the log
        data={"prefix": key.prefix, "scopes": key.scopes},
    )
    return IssuedKey(key=key, raw=raw)


def key_check_owner(*, owner, scopes: Iterable[str]) -> None:
    """A key acts as its owner: the owner must be an integrator, a reviewer or a witness agent,
    and hold the role behind every scope asked for (`api.scopes.SCOPE_OWNER_ROLES`)."""
    if not any(user_has_role(owner, role) for role in KEY_OWNER_ROLES):
        raise BusinessError(
            _("密钥所属账号须有“接口对接”“复核员”或“见证坐席”角色。"), code="owner_not_integrator"
        )
    labels = dict(Scope.choices)
    unusable = [
        _("“%(scope)s”须由“%(role)s”角色持有")
        % {"scope": labels[scope].split("（")[0], "role": GROUP_NAMES[scope_owner_role(scope)]}
        for scope in sorted(set(scopes))
        if not user_has_role(owner, scope_owner_role(scope))
    ]
    if unusable:
        raise BusinessError(
            _("所属账号用不了所选的权限范围：%(why)s。") % {"why": "；".join(unusable)},
            code="scope_not_for_owner",
        )


def integrator_key_rotate(*, key: IntegratorKey, by) -> IssuedKey:
    with transaction.atomic():
        key = lock(IntegratorKey, pk=key.pk)
        if key.revoked:
            raise BusinessError(_("该密钥已吊销，不能轮换。"), code="key_revoked")
        new, raw = _create(
            name=key.name, owner=key.owner, scopes=key.scopes, expiry_date=key.expiry_date
        )
        key.revoked, key.replaced_by = True, new
        key.save(update_fields=["revoked", "replaced_by"])
        audit_record(
            action="api_key.rotated",
            actor=by,
            target=new.owner,
            data={"old": key.prefix, "new": new.prefix},
        )
    return IssuedKey(key=new, raw=raw)


def integrator_key_revoke(*, key: IntegratorKey, by) -> None:
    with transaction.atomic():
        key = lock(IntegratorKey, pk=key.pk)
        if key.revoked:
            return
        key.revoked = True
        key.save(update_fields=["revoked"])
        audit_record(
            action="api_key.revoked", actor=by, target=key.owner, data={"prefix": key.prefix}
        )
