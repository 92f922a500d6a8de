"""Investor login over the API, for a mobile app driving the flow on the investor's behalf. The
app calls with its integrator key (scope `investor_login`) in place of the web's graphic captcha,
then the same services as the web login run, with the same limits:

1. POST /api/v1/auth/sms-code/ {id_number, account_type} → the SMS code goes to the mobile on
   file; the answer carries a `login_ticket` that binds the code to this caller (as the web binds
   it to the browser session). An ID number that is not a client gets the same answer (no code
   is sent): the API does not tell who is a client.
2. POST /api/v1/auth/token/ {id_number, login_ticket, sms_code, privacy_rendition_id, consent}
   → a short-lived investor token (`Authorization: Bearer <token>`), shown once.
3. DELETE /api/v1/auth/token/ with that token → revoked (logout)."""

from __future__ import annotations

import secrets

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from clients import services as login_services
from clients.idnumber import is_valid, normalise
from clients.models import AccountType
from clients.selectors import privacy_policy_rendition
from common.exceptions import BusinessError
from common.ratelimit import client_ip
from staff.models import IntegratorKey

from .base import ApiView
from .errors import ApiError, ErrorCode
from .models import InvestorToken
from .scopes import Scope
from .serializers import StrictSerializer, checked_body
from .tokens import investor_token_issue, investor_token_revoke

TICKET_PREFIX = "api:"


class IdNumberField(serializers.CharField):
    def to_internal_value(self, data):
        value = normalise(super().to_internal_value(data))
        if not is_valid(value):
            raise serializers.ValidationError(_("身份证号码格式不正确，请核对后重新输入。"))
        return value


class SmsCodeRequestSerializer(StrictSerializer):
    id_number = IdNumberField(max_length=18, help_text="18 位居民身份证号码")
    account_type = serializers.ChoiceField(choices=AccountType.choices)


class PrivacyPolicySerializer(serializers.Serializer):
    rendition_id = serializers.IntegerField(help_text="同意时须回传的版本号")
    title = serializers.CharField()
    sha256 = serializers.CharField()


class SmsCodeSentSerializer(serializers.Serializer):
    login_ticket = serializers.CharField(help_text="换取令牌时回传；把验证码绑定到本次请求方")
    resend_in = serializers.IntegerField(help_text="多少秒后可再次获取")
    expires_in = serializers.IntegerField(help_text="验证码有效秒数")
    privacy_policy = PrivacyPolicySerializer(allow_null=True)


class TokenRequestSerializer(StrictSerializer):
    id_number = IdNumberField(max_length=18)
    login_ticket = serializers.CharField(max_length=100)
    sms_code = serializers.RegexField(r"^\s*\d{6}\s*$", help_text="6 位短信验证码")
    privacy_rendition_id = serializers.IntegerField(help_text="投资者阅读并同意的隐私政策版本")
    consent = serializers.BooleanField(help_text="投资者已勾选同意《隐私政策》，须为 true")

    def validate_consent(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError(_("请阅读并同意《隐私政策》。"))
        return value


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="投资者令牌，仅此一次返回")
    token_type = serializers.CharField(default="Bearer")
    expires_at = serializers.DateTimeField()
    client_id = serializers.IntegerField()


def _policy() -> dict | None:
    rendition = privacy_policy_rendition()
    if rendition is None:
        return None
    return {"rendition_id": rendition.pk, "title": rendition.title, "sha256": rendition.sha256}


def _forbidden(message: str) -> ApiError:
    return ApiError(message, code=ErrorCode.PERMISSION_DENIED, status=403)


def _company_name(request: Request) -> str:
    from themes.models import Theme  # the SMS names the company, as the web's does

    return Theme.for_request(request._request).company_name


class SmsCodeApi(ApiView):
    required_scopes = (Scope.INVESTOR_LOGIN,)
    investor_tokens = False
    throttle_scope = "investor_login"

    @extend_schema(
        operation_id="auth_sms_code_send",
        summary="发送登录短信验证码",
        request=SmsCodeRequestSerializer,
        responses={200: SmsCodeSentSerializer},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        values = checked_body(SmsCodeRequestSerializer, request).validated_data
        ticket = secrets.token_urlsafe(24)
        try:
            sent = login_services.sms_code_send(
                id_number=values["id_number"],
                ip=client_ip(request._request),
                requester=TICKET_PREFIX + ticket,
                company_name=_company_name(request),
            )
            resend_in, expires_in = sent.resend_in, sent.expires_in
        except BusinessError as error:
            if error.code != "not_a_client":
                raise
            # the same answer as for a client: the API does not tell who is one
            resend_in = int(login_services.RESEND_AFTER.total_seconds())
            expires_in = int(login_services.CODE_TTL.total_seconds())
        body = {
            "login_ticket": ticket,
            "resend_in": resend_in,
            "expires_in": expires_in,
            "privacy_policy": _policy(),
        }
        return Response(SmsCodeSentSerializer(body).data)


class TokenApi(ApiView):
    required_scopes = {"POST": (Scope.INVESTOR_LOGIN,)}
    throttle_scope = "investor_login"
    etags = False

    @extend_schema(
        operation_id="auth_token_issue",
        summary="以短信验证码换取投资者令牌",
        request=TokenRequestSerializer,
        responses={201: TokenSerializer},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, InvestorToken):
            raise _forbidden(_("投资者令牌不能用于登录，请使用接口密钥。"))
        values = checked_body(TokenRequestSerializer, request).validated_data
        client = login_services.investor_authenticate(
            id_number=values["id_number"],
            sms_code=values["sms_code"].strip(),
            ip=client_ip(request._request),
            requester=TICKET_PREFIX + values["login_ticket"],
            privacy_rendition_id=values["privacy_rendition_id"],
        )
        issuer = request.auth if isinstance(request.auth, IntegratorKey) else None
        issued = investor_token_issue(client=client, issuer=issuer)
        body = {
            "token": issued.token,
            "token_type": "Bearer",
            "expires_at": issued.record.expires_at,
            "client_id": client.pk,
        }
        return Response(TokenSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="auth_token_revoke",
        summary="吊销当前投资者令牌（退出登录）",
        request=None,
        responses={204: None},
        tags=["auth"],
    )
    def delete(self, request: Request) -> Response:
        if not isinstance(request.auth, InvestorToken):
            raise _forbidden(_("只能以投资者令牌吊销该令牌本身。"))
        investor_token_revoke(record=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)
