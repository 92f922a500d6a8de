"""Investor login: the SMS code (send, check), the lockout, the look-up throttle, the consent.

Every refusal is a `BusinessError` whose message says what to do. Counters (wrong tries, failed
logins in a row, look-ups) must survive the refusal they cause, so each service does its writes
in a transaction that commits, and raises the refusal only after it.

Whether an ID number is a client is told only at "获取验证码", behind the graphic captcha and the
per-address look-up limit. A code belongs to the browser session that asked for it (`requester`):
a login attempt from a session that asked for no code is "ask for a code first", whatever the ID
number, and counts for nothing, so a stranger can neither learn who is a client from the login
form nor lock a client out by posting their ID number. Failed logins lock one address out of one
client; guessing from many addresses is bounded by the client's codes per hour (five tries each).
"""

from __future__ import annotations

import datetime
import math
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from audit.services import audit_record
from common.exceptions import BusinessError
from common.locking import lock
from content.models import DocumentRendition
from privacy.masking import mask_mobile
from sms.services import sms_send

from .models import (
    Client,
    IdNumberLookup,
    LoginCode,
    LoginCodeStatus,
    LoginState,
    PrivacyConsent,
)
from .selectors import (
    client_by_id_number,
    login_code_latest,
    privacy_policy_rendition,
    sms_login_template,
)

CHINA = ZoneInfo("Asia/Shanghai")  # an ID document expires on a date in China
CODE_DIGITS = 6
CODE_TTL = datetime.timedelta(minutes=5)
CODE_MAX_TRIES = 5
RESEND_AFTER = datetime.timedelta(seconds=60)
HOUR = datetime.timedelta(hours=1)
SENDS_PER_HOUR_PER_CLIENT = 5
SENDS_PER_HOUR_PER_IP = 20  # a branch office or a mobile carrier puts many people behind one IP
LOOKUP_MISSES_PER_HOUR_PER_IP = 20  # ID numbers not on file
LOCK_AFTER_FAILURES = 10
LOCK_FOR = datetime.timedelta(minutes=30)
SMS_PURPOSE = "login_code"


@dataclass(frozen=True)
class SmsCodeSent:
    masked_mobile: str
    resend_in: int  # seconds before another code may be asked for
    expires_in: int


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _ip_hash(ip: str) -> str:
    # Counters of the last hour only: keyed by SECRET_KEY, so that rotating the data key
    # (`rotate_data_key`) never splits them.
    return salted_hmac("clients.ip", ip, algorithm="sha256").hexdigest()


def _requester_hash(requester: str) -> str:
    return salted_hmac("clients.requester", requester, algorithm="sha256").hexdigest()


def _code_hash(code: str, salt: str) -> str:
    return salted_hmac("clients.LoginCode", f"{salt}:{code}", algorithm="sha256").hexdigest()


# --- checks shared by sending and logging in ---------------------------------------------------


def _client_look_up(*, id_number: str, ip: str, now: datetime.datetime) -> Client:
    """The client with this ID number. Numbers not on file are counted per IP; past the hourly
    limit every look-up from that IP is refused. The count is committed even when refused."""
    ip_hash = _ip_hash(ip)
    misses = IdNumberLookup.objects.filter(
        ip_hash=ip_hash, found=False, created_at__gt=now - HOUR
    ).count()
    if misses >= LOOKUP_MISSES_PER_HOUR_PER_IP:
        raise BusinessError(
            _("身份证号码查询过于频繁，请 1 小时后再试。"), code="lookups_throttled"
        )
    client = client_by_id_number(id_number=id_number)
    IdNumberLookup.objects.create(ip_hash=ip_hash, created_at=now, found=client is not None)
    if client is None:
        raise BusinessError(
            _("该身份证号码不是本公司客户。如需开户，请先到营业部或通过开户系统开立期货账户。"),
            code="not_a_client",
        )
    return client


def client_check_id_valid(*, client: Client, now: datetime.datetime) -> None:
    """An expired ID document means a counter visit before any business (the login, and an
    integrator starting a business for the client, both refuse it)."""
    if client.id_valid_until is not None and client.id_valid_until < now.astimezone(CHINA).date():
        raise BusinessError(
            _("您的身份证件已过期，请携带有效身份证件到营业部临柜更新后再办理。"),
            code="id_expired",
        )


def _client_check_may_log_in(*, client: Client, ip: str, now: datetime.datetime) -> None:
    client_check_id_valid(client=client, now=now)
    state = LoginState.objects.filter(client=client, ip_hash=_ip_hash(ip)).first()
    if state is not None and state.locked_until is not None and state.locked_until > now:
        raise BusinessError(
            _("登录失败次数过多，账户已锁定，请 30 分钟后再试或致电客服热线。"), code="locked"
        )


# --- sending the code ------------------------------------------------------------------------


def sms_code_send(
    *,
    id_number: str,
    ip: str,
    requester: str,
    company_name: str = "",
    now: datetime.datetime | None = None,
) -> SmsCodeSent:
    """Send a new login code to the mobile on file (never to a number the investor types), for
    the browser session `requester` (an opaque token the session keeps).

    The caller has checked the graphic captcha (the form field consumes it). A new code replaces
    the one this session asked for before; codes other sessions asked for stay as they are."""
    now = _now(now)
    client = _client_look_up(id_number=id_number, ip=ip, now=now)
    requester_hash = _requester_hash(requester)
    with transaction.atomic():
        lock(Client, pk=client.pk)  # two sends at once must not both pass the checks below
        _client_check_may_log_in(client=client, ip=ip, now=now)
        _sms_code_check_throttles(client=client, ip=ip, requester_hash=requester_hash, now=now)
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        salt = secrets.token_hex(16)
        client.login_codes.filter(
            status=LoginCodeStatus.ACTIVE, requester_hash=requester_hash
        ).update(status=LoginCodeStatus.REPLACED)
        LoginCode.objects.create(
            client=client,
            code_hash=_code_hash(code, salt),
            salt=salt,
            ip_hash=_ip_hash(ip),
            requester_hash=requester_hash,
            created_at=now,
            expires_at=now + CODE_TTL,
        )
        text = sms_login_template().replace("{code}", code).replace("{company}", company_name)
        sms_send(mobile=client.mobile, text=text, purpose=SMS_PURPOSE)
        audit_record(
            action="investor.login_code_sent", actor_label=f"investor:{client.pk}", target=client
        )
    return SmsCodeSent(
        masked_mobile=mask_mobile(client.mobile),
        resend_in=int(RESEND_AFTER.total_seconds()),
        expires_in=int(CODE_TTL.total_seconds()),
    )


def _sms_code_check_throttles(
    *, client: Client, ip: str, requester_hash: str, now: datetime.datetime
) -> None:
    latest = login_code_latest(client=client, requester_hash=requester_hash)
    if latest is not None and latest.created_at + RESEND_AFTER > now:
        seconds = math.ceil((latest.created_at + RESEND_AFTER - now).total_seconds())
        raise BusinessError(
            _("请在 %(seconds)d 秒后重新获取。") % {"seconds": seconds},
            code="resend_too_soon",
            extra={"resend_in": seconds},
        )
    since = now - HOUR
    by_client = client.login_codes.filter(created_at__gt=since).count()
    by_ip = LoginCode.objects.filter(ip_hash=_ip_hash(ip), created_at__gt=since).count()
    if by_client >= SENDS_PER_HOUR_PER_CLIENT or by_ip >= SENDS_PER_HOUR_PER_IP:
        raise BusinessError(_("获取验证码过于频繁，请 1 小时后再试。"), code="sends_throttled")


# --- logging in --------------------------------------------------------------------------------


def investor_authenticate(
    *,
    id_number: str,
    sms_code: str,
    ip: str,
    requester: str,
    privacy_rendition_id: int,
    now: datetime.datetime | None = None,
) -> Client:
    """The client whose ID number and SMS code these are. The code is used up, and the consent
    to the privacy policy shown (`privacy_rendition_id`) is recorded with the login.

    Only a code this browser session (`requester`) asked for counts. Without one the answer is
    "ask for a code first", for an unknown ID number as for a client's, and nothing is counted.
    Every refused code counts as a failed login from this address; ten in a row lock the
    address out of this client for 30 minutes."""
    now = _now(now)
    rendition = _privacy_rendition_current(rendition_id=privacy_rendition_id)
    client = client_by_id_number(id_number=id_number)
    requester_hash = _requester_hash(requester)
    if (
        not requester
        or client is None
        or login_code_latest(client=client, requester_hash=requester_hash) is None
    ):
        raise _code_missing()
    with transaction.atomic():
        lock(Client, pk=client.pk)  # a lockout or a wrong try must be seen by the next attempt
        _client_check_may_log_in(client=client, ip=ip, now=now)
        refusal = _sms_code_use(
            client=client, requester_hash=requester_hash, sms_code=sms_code, now=now
        )
        _login_state_update(client=client, ip=ip, failed=refusal is not None, now=now)
        if refusal is None:
            consent = PrivacyConsent.objects.create(
                client=client,
                rendition=rendition,
                revision_id=rendition.revision_id,
                sha256=rendition.sha256,
                accepted_at=now,
            )
            audit_record(
                action="investor.login",
                actor_label=f"investor:{client.pk}",
                target=client,
                data={"privacy_rendition": consent.rendition_id, "privacy_sha256": consent.sha256},
            )
    if refusal is not None:
        raise refusal
    return client


def _code_missing() -> BusinessError:
    return BusinessError(_("请先获取短信验证码。"), code="sms_code_missing")


def _privacy_rendition_current(*, rendition_id: int) -> DocumentRendition:
    """The rendition of the live privacy policy, which must be the one the page showed: a policy
    published while the page was open must be read again."""
    rendition = privacy_policy_rendition()
    if rendition is None or rendition.pk != rendition_id:
        raise BusinessError(
            _("隐私政策已更新，请重新阅读并同意《隐私政策》。"), code="consent_outdated"
        )
    return rendition


def _sms_code_use(
    *, client: Client, requester_hash: str, sms_code: str, now: datetime.datetime
) -> BusinessError | None:
    """Use the session's current code, or say why not (and count a wrong try against it)."""
    latest = login_code_latest(client=client, requester_hash=requester_hash)
    if latest is None:
        return _code_missing()
    if latest.status == LoginCodeStatus.BURNED:
        return BusinessError(_("验证码错误次数过多，请重新获取。"), code="sms_code_burned")
    if latest.status == LoginCodeStatus.ACTIVE and latest.expires_at <= now:
        return BusinessError(_("短信验证码已过期，请重新获取。"), code="sms_code_expired")
    if latest.status == LoginCodeStatus.ACTIVE and _matches(latest, sms_code):
        latest.status, latest.used_at = LoginCodeStatus.USED, now
        latest.save(update_fields=["status", "used_at"])
        return None
    earlier = client.login_codes.filter(
        created_at__gt=now - HOUR, requester_hash=requester_hash
    ).exclude(pk=latest.pk)
    for code in [latest, *earlier[:10]]:
        if code.status == LoginCodeStatus.USED and _matches(code, sms_code):
            return BusinessError(_("该验证码已使用，请重新获取。"), code="sms_code_reused")
    if latest.status != LoginCodeStatus.ACTIVE:
        return _code_missing()
    latest.failed_attempts += 1
    left = CODE_MAX_TRIES - latest.failed_attempts
    if left <= 0:
        latest.status = LoginCodeStatus.BURNED
    latest.save(update_fields=["failed_attempts", "status"])
    if left <= 0:
        return BusinessError(_("验证码错误次数过多，请重新获取。"), code="sms_code_burned")
    return BusinessError(
        _("短信验证码错误，还可尝试 %(left)d 次。") % {"left": left},
        code="sms_code_wrong",
        extra={"tries_left": left},
    )


def _matches(code: LoginCode, sms_code: str) -> bool:
    return constant_time_compare(code.code_hash, _code_hash(sms_code.strip(), code.salt))


def _login_state_update(*, client: Client, ip: str, failed: bool, now: datetime.datetime) -> None:
    state, _created = LoginState.objects.select_for_update().get_or_create(
        client=client, ip_hash=_ip_hash(ip)
    )
    if not failed:
        state.failures_in_a_row, state.locked_until = 0, None
    else:
        state.failures_in_a_row += 1
        if state.failures_in_a_row >= LOCK_AFTER_FAILURES:
            state.failures_in_a_row, state.locked_until = 0, now + LOCK_FOR
            audit_record(
                action="investor.login_locked", actor_label=f"investor:{client.pk}", target=client
            )
    state.save()
