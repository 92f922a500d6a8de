"""SMS gateways: one interface (`deliver`), three backends. SMS_BACKEND names one: "outbox"
(the demo: messages stay in the database and show on the demo-only outbox page), "log" (the
masked number and the purpose are logged, for a staging system), "http" (a real provider,
SMS_HTTP_* settings), or the dotted path of a class with the same `deliver` method."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import logging
import uuid
from urllib.parse import quote

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .models import SmsMessage

logger = logging.getLogger(__name__)


class SmsProviderError(Exception):
    """The provider refused the message. `detail` is the provider's code (never the text, the
    number or a parameter), safe to keep on the message and to show staff."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail[:200]


class SmsGateway:
    def deliver(self, message: SmsMessage) -> str:
        """Hand the message to the provider; return its receipt id (or ""); raise to have the
        task retry."""
        raise NotImplementedError


class OutboxGateway(SmsGateway):
    def deliver(self, message: SmsMessage) -> str:
        """Nothing leaves the machine: the outbox page shows the message."""
        return ""


class LogGateway(SmsGateway):
    def deliver(self, message: SmsMessage) -> str:
        logger.info(
            "sms %s (%s) to %s delivered to the log gateway",
            message.pk,
            message.purpose,
            message.masked_mobile,
        )
        return ""


def _encode(value: str) -> str:
    """RFC 3986 percent-encoding, as the signature of the providers' RPC APIs wants it."""
    return quote(value, safe="-_.~")


def rpc_signature(params: dict[str, str], secret: str, method: str = "POST") -> str:
    """The HMAC-SHA1 signature of the common Chinese SMS APIs (Alibaba Cloud's RPC style): the
    parameters sorted and percent-encoded, then `METHOD&%2F&<encoded query>`, keyed with the
    secret followed by "&", base64."""
    query = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(params.items()))
    to_sign = f"{method}&{_encode('/')}&{_encode(query)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class HttpGateway(SmsGateway):
    """A template-based provider over HTTPS (SMS_HTTP: url, access key id and secret, sign name,
    a template id per purpose, timeout). The request is signed; an answer whose Code is not "OK"
    is a refusal (SmsProviderError, with the provider's code); a timeout or a connection error
    is raised as it is. Either way the task retries a bounded number of times."""

    def __init__(self, config: dict | None = None):
        self.config = config or settings.SMS_HTTP
        missing = [k for k in ("url", "access_key_id", "access_key_secret") if not self.config[k]]
        if missing:
            raise ImproperlyConfigured(
                "SMS_BACKEND=http 需要配置 / needs: "
                + ", ".join(f"SMS_HTTP_{k.upper()}" for k in missing)
            )

    def request_params(self, message: SmsMessage) -> dict[str, str]:
        template = self.config["templates"].get(message.purpose)
        if not template:
            raise SmsProviderError(f"no_template_for:{message.purpose}")
        params = {
            "AccessKeyId": self.config["access_key_id"],
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": message.mobile,
            "SignName": self.config["sign_name"],
            "TemplateCode": template,
            "TemplateParam": json.dumps(message.params or {}, ensure_ascii=False),
            "OutId": str(message.pk),
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "Timestamp": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        params["Signature"] = rpc_signature(params, self.config["access_key_secret"])
        return params

    def deliver(self, message: SmsMessage) -> str:
        response = httpx.post(
            self.config["url"],
            data=self.request_params(message),
            timeout=self.config["timeout"],
        )
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        code = str(answer.get("Code") or f"http_{response.status_code}")
        if response.status_code != 200 or code != "OK":
            raise SmsProviderError(code)
        return str(answer.get("BizId") or "")[:100]


BUILTIN = {"outbox": OutboxGateway, "log": LogGateway, "http": HttpGateway}


def get_gateway() -> SmsGateway:
    name = settings.SMS_BACKEND
    try:
        cls = BUILTIN.get(name) or import_string(name)
    except ImportError as error:
        raise ImproperlyConfigured(
            f"环境变量 SMS_BACKEND 的值无效 / SMS_BACKEND={name!r} is neither 'outbox', 'log', "
            "'http' nor an importable gateway class."
        ) from error
    return cls()
