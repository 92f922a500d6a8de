"""`Authorization: Bearer <token>`: an investor token (api.tokens). The request then has no
staff user (`request.user` is anonymous) and `request.auth` is the `InvestorToken`, whose
`.client` is the investor the mobile app acts for."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from .models import InvestorToken
from .tokens import investor_token_usable

LAST_USED_EVERY = datetime.timedelta(minutes=1)  # no write on every call


class InvestorTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Authorization 头格式应为：Bearer <令牌>。"), code="authentication_failed"
            )
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("投资者令牌无效。")) from None
        record, why = investor_token_usable(token=token)
        if record is None:
            messages = {
                "expired": (_("投资者令牌已过期，请重新登录。"), "token_expired"),
                "revoked": (_("投资者令牌已吊销，请重新登录。"), "token_revoked"),
            }
            message, code = messages.get(why, (_("投资者令牌无效。"), "authentication_failed"))
            raise exceptions.AuthenticationFailed(message, code=code)
        _touch(record)
        return AnonymousUser(), record

    def authenticate_header(self, request) -> str:
        return self.keyword


def _touch(record: InvestorToken) -> None:
    now = timezone.now()
    if record.last_used_at is None or record.last_used_at < now - LAST_USED_EVERY:
        InvestorToken.objects.filter(pk=record.pk).update(last_used_at=now)
