"""Investor login and logout. The rules live in `services`; these views bind forms, call a
service, and show its refusal next to the field it is about."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from captcha.helpers import captcha_image_url
from captcha.models import CaptchaStore
from django.conf import settings
from django.forms import BoundField, Form
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.exceptions import BusinessError
from common.ratelimit import client_ip
from privacy import crypto

from . import services
from .auth import current_investor, investor_login, investor_logout
from .forms import LoginForm, SmsCodeRequestForm, field_mark_invalid
from .idnumber import normalise
from .selectors import privacy_policy_rendition

MASKED_MOBILE_KEY = "investor_login_masked_mobile"
# An opaque token of this browser session: the login codes it asks for are its own.
REQUESTER_KEY = "investor_login_requester"
IDENTITY_FIELDS = ("id_number", "account_type")
LOGIN_ONLY_FIELDS = ("sms_code", "consent")
# Which field a refusal is about: its message is shown there (or above the form: None).
ERROR_FIELD = {
    "not_a_client": "id_number",
    "id_expired": "id_number",
    "lookups_throttled": "id_number",
    "resend_too_soon": "sms_code",
    "sends_throttled": "sms_code",
    "sms_code_missing": "sms_code",
    "sms_code_wrong": "sms_code",
    "sms_code_expired": "sms_code",
    "sms_code_reused": "sms_code",
    "sms_code_burned": "sms_code",
    "consent_outdated": "consent",
}


def _after_login_url() -> str:
    # Where the wiring says an investor goes after logging in (flows: "my business" for a
    # pending business, else a new one); clients names no app above it.
    return resolve_url(settings.INVESTOR_LOGIN_REDIRECT_URL)


def _ip(request: HttpRequest) -> str:
    return client_ip(request)


def _requester(request: HttpRequest, *, create: bool) -> str:
    token = request.session.get(REQUESTER_KEY, "")
    if not token and create:
        token = request.session[REQUESTER_KEY] = secrets.token_urlsafe(24)
    return token


def _company_name(request: HttpRequest) -> str:
    from themes.models import Theme

    return Theme.for_request(request).company_name


@dataclass(frozen=True)
class PageField:
    """One field of the login page, with the errors to show at it (from whichever form)."""

    bound: BoundField
    errors: list[str]


def _refusal_place(form: Form, error: BusinessError) -> dict[str, list[str]]:
    """Put a refusal at its field: in the form when the field is the form's, otherwise in the
    returned page errors (e.g. "请在 N 秒后重新获取。" belongs at the SMS code box)."""
    field = ERROR_FIELD.get(error.code)
    if field is None or field in form.fields:
        form.add_error(field, error.message)
        return {}
    return {field: [error.message]}


def _render_page(
    request: HttpRequest,
    *,
    sms_form: SmsCodeRequestForm,
    login_form: LoginForm,
    posted: Form | None = None,
    extra_errors: dict[str, list[str]] | None = None,
    sent_message: str = "",
    status: int = 200,
) -> HttpResponse:
    """The one login page, whichever of its two buttons was pressed (`posted`: that form, whose
    ID number, account type and errors are shown)."""
    identity = posted or sms_form
    owner = {
        "id_number": identity,
        "account_type": identity,
        "captcha": sms_form,
        "sms_code": login_form,
        "consent": login_form,
    }
    errors: dict[str, list[str]] = {}
    if posted is not None:
        errors = {name: [str(e) for e in posted.errors.get(name, [])] for name in owner}
    for name, messages in (extra_errors or {}).items():
        errors[name] = errors.get(name, []) + messages
        field_mark_invalid(owner[name], name)
    fields = {name: PageField(form[name], errors.get(name, [])) for name, form in owner.items()}
    general = [str(e) for e in posted.non_field_errors()] if posted else []
    return render(
        request,
        "clients/login.html",
        {
            "fields": fields,
            "general_errors": general,
            "has_errors": bool(general) or any(field.errors for field in fields.values()),
            "privacy_rendition": login_form["privacy_rendition"],
            "rendition": privacy_policy_rendition(),
            "masked_mobile": _masked_mobile_shown(request, identity),
            "sent_message": sent_message,
            "device_texts": _device_texts(),
        },
        status=status,
    )


def _masked_mobile_shown(request: HttpRequest, identity: Form) -> str:
    """The masked mobile on file, once a code went to it, while the page shows the same ID
    number (never another client's)."""
    remembered = request.session.get(MASKED_MOBILE_KEY) or {}
    typed = normalise(str(identity["id_number"].value() or ""))
    if typed and remembered.get("id") in crypto.lookup_hashes(typed):
        return remembered.get("masked", "")
    return ""


def _device_texts() -> dict[str, str]:
    return {
        "checking": _("正在检测摄像头、麦克风和扬声器……"),
        "ok": _("设备检测通过：摄像头、麦克风和扬声器均可用。"),
        "camera": _("未检测到摄像头，请连接摄像头后刷新页面。"),
        "microphone": _("未检测到麦克风，请连接麦克风后刷新页面。"),
        "speaker": _("未检测到扬声器，请连接扬声器或耳机后刷新页面。"),
        "denied": _(
            "浏览器未允许使用摄像头和麦克风。请在浏览器设置中允许本网站使用摄像头和麦克风，"
            "然后点击“重新检测”。"
        ),
        "unsupported": _(
            "当前浏览器无法检测摄像头和麦克风，请使用最新版本的浏览器并通过 https 访问本网站。"
        ),
        "busy": _("摄像头或麦克风正被其他程序占用，请关闭其他程序后点击“重新检测”。"),
        "found": _("正常"),
        "missing": _("未检测到"),
        "pending": _("检测中"),
        "countdown": _("%(seconds)s 秒后重新获取"),
        "send": _("获取验证码"),
        "resend": _("重新获取"),
        "sending": _("正在发送……"),
        "network": _("网络异常，请稍后重试。"),
    }


def _login_form_unbound(request: HttpRequest) -> LoginForm:
    rendition = privacy_policy_rendition()
    initial: dict[str, Any] = {"privacy_rendition": rendition.pk if rendition else None}
    initial.update({n: request.POST.get(n) for n in IDENTITY_FIELDS if n in request.POST})
    if request.method == "POST":
        initial.update(
            sms_code=request.POST.get("sms_code", ""), consent=bool(request.POST.get("consent"))
        )
    return LoginForm(initial=initial)


@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        if current_investor(request) is not None:
            return redirect(_after_login_url())
        return _render_page(
            request, sms_form=SmsCodeRequestForm(), login_form=_login_form_unbound(request)
        )
    form = LoginForm(request.POST)
    sms_form = SmsCodeRequestForm(initial={n: request.POST.get(n) for n in IDENTITY_FIELDS})
    if form.is_valid():
        try:
            client = services.investor_authenticate(
                id_number=form.cleaned_data["id_number"],
                sms_code=form.cleaned_data["sms_code"],
                ip=_ip(request),
                requester=_requester(request, create=False),
                privacy_rendition_id=form.cleaned_data["privacy_rendition"],
            )
        except BusinessError as error:
            form.add_error(ERROR_FIELD.get(error.code), error.message)
        else:
            request.session.pop(MASKED_MOBILE_KEY, None)
            investor_login(request, client)
            return redirect(_after_login_url())
    return _render_page(request, sms_form=sms_form, login_form=form, posted=form, status=400)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
def sms_code(request: HttpRequest) -> HttpResponse:
    """ "获取验证码": JSON for the page's script, or the whole page again without JavaScript."""
    form = SmsCodeRequestForm(request.POST)
    sent: services.SmsCodeSent | None = None
    resend_in: int | None = None
    extra_errors: dict[str, list[str]] = {}
    if form.is_valid():
        try:
            sent = services.sms_code_send(
                id_number=form.cleaned_data["id_number"],
                ip=_ip(request),
                requester=_requester(request, create=True),
                company_name=_company_name(request),
            )
        except BusinessError as error:
            extra_errors = _refusal_place(form, error)
            resend_in = error.extra.get("resend_in")
        else:
            request.session[MASKED_MOBILE_KEY] = {
                "id": crypto.lookup_hash(form.cleaned_data["id_number"]),
                "masked": sent.masked_mobile,
            }
    message = _("验证码已发送至 %(mobile)s") % {"mobile": sent.masked_mobile} if sent else ""
    if _wants_json(request):
        return _sms_code_json(
            form, extra_errors, sent, message, resend_in=sent.resend_in if sent else resend_in
        )
    return _render_page(
        request,
        sms_form=form,
        login_form=_login_form_unbound(request),
        posted=form,
        extra_errors=extra_errors,
        sent_message=message,
        status=200 if sent else 400,
    )


def _sms_code_json(
    form: SmsCodeRequestForm,
    extra_errors: dict[str, list[str]],
    sent: services.SmsCodeSent | None,
    message: str,
    *,
    resend_in: int | None,
) -> JsonResponse:
    key = CaptchaStore.generate_key()  # the one posted is used up, right or wrong
    errors = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
    errors.update(extra_errors)
    return JsonResponse(
        {
            "ok": sent is not None,
            "message": message,
            "errors": errors,
            "masked_mobile": sent.masked_mobile if sent else "",
            "resend_in": resend_in,
            "captcha": {"key": key, "image_url": captcha_image_url(key)},
        },
        status=200 if sent else 400,
    )


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    investor_logout(request)
    return redirect("/")
