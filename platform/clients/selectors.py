from __future__ import annotations

from django.utils.translation import gettext as _

from content.models import DocumentRendition
from content.selectors import document_snapshot, documents_live
from privacy import crypto

from .idnumber import normalise
from .models import Client, LoginCode

SMS_LOGIN_TEMPLATE_CODE = "sms-login-code"


def client_by_id_number(*, id_number: str) -> Client | None:
    hashes = crypto.lookup_hashes(normalise(id_number))
    return Client.objects.filter(id_number_hash__in=hashes).first()


def login_code_latest(*, client: Client, requester_hash: str) -> LoginCode | None:
    """The last code the browser session with this (hashed) token asked for."""
    return (
        client.login_codes.filter(requester_hash=requester_hash)
        .order_by("-created_at", "-id")
        .first()
    )


def sms_login_template() -> str:
    """The login SMS text from the CMS (placeholders {code} and {company}), or a built-in one
    while the company has published none."""
    document = documents_live(kind="sms_template").filter(code=SMS_LOGIN_TEMPLATE_CODE).first()
    if document is not None and document.sms_text.strip():
        return document.sms_text
    return _("【{company}】您的登录验证码为{code}，5分钟内有效，请勿泄露给他人。")


def privacy_policy_rendition() -> DocumentRendition | None:
    """What the login page shows as the privacy policy, and what a consent records."""
    document = documents_live(kind="privacy_policy").first()
    return document_snapshot(document=document) if document is not None else None
