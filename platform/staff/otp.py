"""The staff second factor: a TOTP code (RFC 6238, an authenticator app) after the password,
with django-otp. Every staff page, console, CMS screen and websocket needs a verified session
while STAFF_OTP_REQUIRED is on; integrators' API keys are credentials of their own.

Enrolment happens at the first login: the page shows a QR code of a new secret, and the device
counts only once a code from it has been typed. Recovery (a lost phone) is an administrator's
act: resetting a person's devices makes them enrol again at their next login."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_record

DEVICE_NAME = "authenticator"


def otp_required() -> bool:
    return bool(getattr(settings, "STAFF_OTP_REQUIRED", True))


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled (a new secret the first time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def enrolment_confirm(*, device: TOTPDevice) -> None:
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(action="staff.otp_enrolled", actor=device.user, target=device.user)


def devices_reset(*, user, by, reason: str = "") -> int:
    """Recovery: remove every device of `user`; they enrol again at their next login."""
    count, _ = TOTPDevice.objects.filter(user=user).delete()
    audit_record(action="staff.otp_reset", actor=by, target=user, reason=reason)
    return count


def session_verified(user, session) -> bool:
    """Whether this session passed the second factor (for scopes without OTPMiddleware)."""
    if not getattr(user, "is_authenticated", False):
        return False
    persistent_id = session.get(DEVICE_ID_SESSION_KEY) if session is not None else None
    if not persistent_id:
        return False
    device = TOTPDevice.from_persistent_id(persistent_id)
    return device is not None and device.user_id == user.pk and device.confirmed


class OTPWebsocketMiddleware:
    """For websockets (after Channels' AuthMiddlewareStack): a staff user whose session has not
    passed the second factor counts as anonymous, so every consumer's permission check refuses
    them without knowing about OTP."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        from channels.db import database_sync_to_async

        user = scope.get("user")
        if otp_required() and getattr(user, "is_authenticated", False):
            verified = await database_sync_to_async(session_verified)(user, scope.get("session"))
            if not verified:
                scope = {**scope, "user": AnonymousUser()}
        return await self.app(scope, receive, send)
