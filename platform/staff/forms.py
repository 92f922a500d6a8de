"""The staff login's two steps: the password (with its limits), then the second factor."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from common.ratelimit import client_ip

from . import throttles

TOO_MANY = _("登录失败次数过多，请 15 分钟后再试，或联系系统管理员解锁。")
UNAVAILABLE = _("登录服务暂时不可用，请稍后再试。")


class StaffAuthenticationForm(AuthenticationForm):
    """Django's login form, refused without checking the password while the account or the
    address has failed too often; every wrong password counts against both."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request) if self.request is not None else ""
        try:
            if throttles.password_attempts_blocked(username=username, ip=ip):
                raise forms.ValidationError(TOO_MANY, code="throttled")
            try:
                return super().clean()
            except forms.ValidationError:
                if self.cleaned_data.get("username") and self.cleaned_data.get("password"):
                    throttles.password_failed(username=username, ip=ip)
                raise
        except throttles.ThrottleUnavailable:
            raise forms.ValidationError(UNAVAILABLE, code="unavailable") from None


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("动态验证码"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={
            "required": _("请输入身份验证器上的 6 位动态验证码。"),
            "invalid": _("动态验证码为 6 位数字。"),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": "6"}
        ),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip()
