"""DRF authentication by integrator API key: `Authorization: Api-Key <key>`."""

from __future__ import annotations

from rest_framework import authentication, exceptions
from rest_framework_api_key.permissions import KeyParser

from .models import IntegratorKey


class IntegratorKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request):
        key = KeyParser().get(request)
        if not key:
            return None
        try:
            api_key = IntegratorKey.objects.get_from_key(key)
        except IntegratorKey.DoesNotExist:
            raise exceptions.AuthenticationFailed("接口密钥无效 / invalid API key.") from None
        if api_key.has_expired or not api_key.owner.is_active:
            raise exceptions.AuthenticationFailed("接口密钥已失效 / API key revoked or expired.")
        return api_key.owner, api_key

    def authenticate_header(self, request) -> str:
        return self.keyword
