"""What an integrator key may do. A key carries a set of scopes chosen by the administrator who
creates it; an endpoint declares the scopes it needs (`required_scopes` on the view) and a key
without one of them is refused with 403 `scope_missing`, naming the scope.

An investor token (a mobile app acting for one investor) carries the investor's scopes: read and
drive their own applications and read their documents, nothing of other clients, no review, no
webhooks. Staff signed in to the consoles are governed by their roles, not by scopes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from staff.roles import Role


class Scope(models.TextChoices):
    APPLICATIONS_READ = "applications:read", _("读取业务（业务、步骤、历史、排队）")
    APPLICATIONS_WRITE = "applications:write", _("办理业务（创建业务、提交步骤、提交申请）")
    DOCUMENTS_READ = "documents:read", _("读取文档（已发布文档、问卷、已签署文件、验签）")
    REVIEW = "review", _("复核（通过或驳回；密钥所属账号须有复核员角色）")
    WITNESS = "witness", _("视频见证（接入排队、勾选、通过或退回；密钥所属账号须为见证坐席）")
    WEBHOOKS = "webhooks", _("管理事件订阅（Webhook）")
    INVESTOR_LOGIN = "investor_login", _("代投资者登录（短信验证码换取投资者令牌）")


ALL_SCOPES = frozenset(Scope.values)

# What a token issued to an investor (through a key with `investor_login`) may do.
INVESTOR_SCOPES = frozenset(
    {Scope.APPLICATIONS_READ, Scope.APPLICATIONS_WRITE, Scope.DOCUMENTS_READ}
)

# A key acts as its owner, so a scope is of use only when the owner holds the role behind it:
# review decisions are a reviewer's, the witness calls an agent's, the rest an integrator's.
SCOPE_OWNER_ROLES: dict[str, Role] = {
    Scope.REVIEW: Role.REVIEWER,
    Scope.WITNESS: Role.WITNESS_AGENT,
}
KEY_OWNER_ROLES = (Role.INTEGRATOR, Role.REVIEWER, Role.WITNESS_AGENT)


def scope_owner_role(scope: str) -> Role:
    return SCOPE_OWNER_ROLES.get(scope, Role.INTEGRATOR)
