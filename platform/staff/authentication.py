"""DRF authentication by integrator API key: `Authorization: Api-Key <key>`.

A revoked or expired key is refused with its own code (`key_revoked`, `key_expired`), so the
integrator knows to ask the administrator for a new one rather than retry. When the key was used
last is kept (at most one write a minute)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework_api_key.permissions import KeyParser

from .models import IntegratorKey

LAST_USED_EVERY = datetime.timedelta(minutes=1)


class IntegratorKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request):
        key = KeyParser().get(request)
        if not key:
            return None
        prefix, _dot, _rest = key.partition(".")
        api_key = IntegratorKey.objects.select_related("owner").filter(prefix=prefix).first()
        if api_key is None or not api_key.is_valid(key):
            raise exceptions.AuthenticationFailed(_("接口密钥无效。"), code="key_invalid")
        if api_key.revoked:
            raise exceptions.AuthenticationFailed(
                _("接口密钥已吊销，请联系管理员获取新密钥。"), code="key_revoked"
            )
        if api_key.has_expired:
            raise exceptions.AuthenticationFailed(
                _("接口密钥已过期，请联系管理员获取新密钥。"), code="key_expired"
            )
        if not api_key.owner.is_active:
            raise exceptions.AuthenticationFailed(
                _("接口密钥所属账号已停用。"), code="key_owner_inactive"
            )
        _touch(api_key)
        return api_key.owner, api_key

    def authenticate_header(self, request) -> str:
        return self.keyword


def _touch(api_key: IntegratorKey) -> None:
    now = timezone.now()
    if api_key.last_used_at is None or api_key.last_used_at < now - LAST_USED_EVERY:
        IntegratorKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
