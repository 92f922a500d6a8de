"""SMS gateways. SMS_BACKEND names one: "outbox" (the demo: messages stay in the database and
show on the DEBUG-only outbox page), "log" (the masked number and the purpose are logged, for a
staging system), or the dotted path of a class with the same `deliver` method for the company's
provider."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .models import SmsMessage

logger = logging.getLogger(__name__)


class SmsGateway:
    def deliver(self, message: SmsMessage) -> None:
        """Hand the message to the provider; raise to have the task retry."""
        raise NotImplementedError


class OutboxGateway(SmsGateway):
    def deliver(self, message: SmsMessage) -> None:
        """Nothing leaves the machine: the outbox page shows the message."""


class LogGateway(SmsGateway):
    def deliver(self, message: SmsMessage) -> None:
        logger.info("sms %s (%s) delivered to the log gateway", message.pk, message.purpose)


BUILTIN = {"outbox": OutboxGateway, "log": LogGateway}


def get_gateway() -> SmsGateway:
    name = settings.SMS_BACKEND
    try:
        cls = BUILTIN.get(name) or import_string(name)
    except ImportError as error:
        raise ImproperlyConfigured(
            f"环境变量 SMS_BACKEND 的值无效 / SMS_BACKEND={name!r} is neither 'outbox', 'log' "
            "nor an importable gateway class."
        ) from error
    return cls()
