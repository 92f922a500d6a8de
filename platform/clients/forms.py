"""The investor login page posts one HTML form two ways: "获取验证码" (ID number, account type,
captcha) and "马上登录" (ID number, account type, SMS code, consent). Each has its own form class
so that each checks only what it needs."""

from __future__ import annotations

from typing import Any

from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
from django.utils.translation import gettext_lazy as _

from . import idnumber
from .models import AccountType

ID_NUMBER_INVALID = _("身份证号码格式不正确，请检查后重新输入。")


class CaptchaInput(CaptchaTextInput):
    """The captcha's answer box and picture, laid out for the login page (the picture is the
    refresh button)."""

    template_name = "clients/captcha_widget.html"


def field_mark_invalid(form: forms.Form, name: str) -> None:
    """The field's input says it is invalid and points at its error text."""
    form.fields[name].widget.attrs.update(
        {
            "aria-invalid": "true",
            "aria-describedby": f"{form[name].auto_id}-error",
        }
    )


class AccessibleForm(forms.Form):
    def add_error(self, field, error) -> None:
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                field_mark_invalid(self, name)


class IdentityForm(AccessibleForm):
    id_number = forms.CharField(
        label=_("身份证号码"),
        max_length=18,
        min_length=18,
        error_messages={
            "required": _("请输入身份证号码。"),
            "min_length": ID_NUMBER_INVALID,
            "max_length": ID_NUMBER_INVALID,
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "inputmode": "text",
                "maxlength": "18",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )
    account_type = forms.ChoiceField(
        label=_("账户类型"),
        choices=AccountType.choices,
        initial=AccountType.INDIVIDUAL,
        error_messages={"invalid_choice": _("请选择账户类型。"), "required": _("请选择账户类型。")},
    )

    def clean_id_number(self) -> str:
        value = idnumber.normalise(self.cleaned_data["id_number"])
        if not idnumber.is_valid(value):
            raise forms.ValidationError(ID_NUMBER_INVALID, code="invalid")
        return value


class SmsCodeRequestForm(IdentityForm):
    captcha = CaptchaField(
        label=_("图形验证码"),
        widget=CaptchaInput(),
        error_messages={
            "invalid": _("图形验证码错误，请重新输入。"),
            "required": _("请输入图形验证码。"),
            "incomplete": _("请输入图形验证码。"),
        },
    )


class LoginForm(IdentityForm):
    sms_code = forms.RegexField(
        label=_("短信验证码"),
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={
            "required": _("请输入短信验证码。"),
            "invalid": _("短信验证码为 6 位数字，请检查后重新输入。"),
            "max_length": _("短信验证码为 6 位数字，请检查后重新输入。"),
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "maxlength": "6",
            }
        ),
    )
    consent = forms.BooleanField(
        label=_("我已阅读并同意《隐私政策》"),
        error_messages={"required": _("请阅读并同意《隐私政策》。")},
    )
    privacy_rendition = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("隐私政策已更新，请重新阅读并同意《隐私政策》。"),
            "invalid": _("隐私政策已更新，请重新阅读并同意《隐私政策》。"),
        },
    )

    def clean(self) -> dict[str, Any]:
        # The hidden policy version is about the consent: say so next to the checkbox.
        cleaned = super().clean()
        moved = self._errors.pop("privacy_rendition", None)
        if moved:
            self.add_error("consent", moved[0])
        return cleaned
