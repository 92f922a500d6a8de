"""The rules of the investor login, through its services: the SMS code (sent to the mobile on
file, kept hashed, five minutes, single use, five tries, 60 s before a resend), the hourly limits
per client and per IP, the lockout after ten failed logins, and each refusal's message."""

from __future__ import annotations

import datetime
import re

import pytest

from audit.models import AuditEvent
from clients import services
from clients.idnumber import check_char
from clients.models import IdNumberLookup, LoginCode, LoginCodeStatus, LoginState, PrivacyConsent
from clients.selectors import privacy_policy_rendition
from common.exceptions import BusinessError
from sms.models import SmsMessage
from tests.factories import ClientFactory, published_document

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 3, 2, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Beijing
SOON = T0 + datetime.timedelta(seconds=30)
IP = "203.0.113.7"
BROWSER = "browser-session-token"  # the investor's own browser session
STRANGER = "stranger-session-token"
NOT_A_CLIENT = "该身份证号码不是本公司客户。如需开户，请先到营业部或通过开户系统开立期货账户。"
ID_EXPIRED = "您的身份证件已过期，请携带有效身份证件到营业部临柜更新后再办理。"
LOCKED = "登录失败次数过多，账户已锁定，请 30 分钟后再试或致电客服热线。"
TOO_OFTEN = "获取验证码过于频繁，请 1 小时后再试。"
BURNED = "验证码错误次数过多，请重新获取。"
EXPIRED = "短信验证码已过期，请重新获取。"
REUSED = "该验证码已使用，请重新获取。"


def seconds(n: float) -> datetime.timedelta:
    return datetime.timedelta(seconds=n)


def unknown_id_number(serial: int = 1) -> str:
    """Valid under GB 11643, but nobody on file has it (the factory's numbers are 1990-01-01)."""
    first17 = f"44030519800229{serial:03d}"
    return first17 + check_char(first17)


@pytest.fixture
def policy():
    published_document(
        kind="privacy_policy",
        code="privacy-policy",
        title="隐私政策",
        html="<p>本公司如何处理您的个人信息。</p>",
    )
    return privacy_policy_rendition()


def send(client, *, now=T0, ip=IP, company_name="示例期货", requester=BROWSER):
    return services.sms_code_send(
        id_number=client.id_number,
        ip=ip,
        requester=requester,
        company_name=company_name,
        now=now,
    )


def last_code() -> str:
    """The code as the investor reads it on their phone (the SMS outbox)."""
    return re.search(r"\d{6}", SmsMessage.objects.order_by("-id").first().text).group()


def log_in(client, code, *, rendition, now=SOON, ip=IP, requester=BROWSER):
    return services.investor_authenticate(
        id_number=client.id_number,
        sms_code=code,
        ip=ip,
        requester=requester,
        privacy_rendition_id=rendition.pk,
        now=now,
    )


def refusal(call) -> BusinessError:
    with pytest.raises(BusinessError) as raised:
        call()
    return raised.value


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


# --- sending ---------------------------------------------------------------------------------


def test_the_code_goes_to_the_mobile_on_file_and_only_its_keyed_hash_is_stored():
    # given
    client = ClientFactory(mobile="13812341234")

    # when
    sent = send(client)

    # then
    message = SmsMessage.objects.get()
    code = last_code()
    assert message.mobile == "13812341234"
    assert message.purpose == "login_code"
    assert sent.masked_mobile == "138****1234"
    assert (sent.resend_in, sent.expires_in) == (60, 300)
    stored = LoginCode.objects.get()
    assert stored.client == client and stored.status == LoginCodeStatus.ACTIVE
    assert code not in stored.code_hash and code not in stored.salt
    assert len(stored.code_hash) == 64
    assert stored.expires_at - stored.created_at == datetime.timedelta(minutes=5)


def test_codes_are_six_random_digits():
    codes = set()
    for minute in range(5):
        send(ClientFactory(), now=T0 + datetime.timedelta(minutes=minute))
        codes.add(last_code())
    assert all(re.fullmatch(r"\d{6}", code) for code in codes)
    assert len(codes) > 1


def test_the_sms_text_is_the_cms_template_with_code_and_company():
    # given
    published_document(kind="sms_template", code="sms-login-code", title="登录验证码")
    from content.models import Document

    Document.objects.filter(code="sms-login-code").update(sms_text="【{company}】登录码{code}")

    # when
    send(ClientFactory(), company_name="示例期货")

    # then
    assert SmsMessage.objects.get().text == f"【示例期货】登录码{last_code()}"


def test_without_a_cms_template_a_built_in_text_is_sent():
    send(ClientFactory(), company_name="示例期货")
    text = SmsMessage.objects.get().text
    assert text.startswith("【示例期货】") and last_code() in text and "5分钟" in text


def test_an_unknown_id_number_is_refused_with_what_to_do():
    error = refusal(
        lambda: services.sms_code_send(
            id_number=unknown_id_number(), ip=IP, requester=BROWSER, now=T0
        )
    )
    assert (error.code, error.message) == ("not_a_client", NOT_A_CLIENT)
    assert not SmsMessage.objects.exists()


@pytest.mark.parametrize(
    ("valid_until", "refused"),
    [
        (datetime.date(2026, 3, 1), True),  # yesterday in Beijing (still 1 March in UTC at 16:30)
        (datetime.date(2026, 3, 2), False),  # valid through today
        (datetime.date(2040, 1, 1), False),
        (None, False),  # long-term (长期)
    ],
)
def test_an_expired_id_document_is_refused_by_the_date_in_beijing(valid_until, refused):
    # given: 2026-03-01 16:30 UTC is 2026-03-02 00:30 in Beijing
    client = ClientFactory(id_valid_until=valid_until)
    now = datetime.datetime(2026, 3, 1, 16, 30, tzinfo=datetime.UTC)

    # when / then
    if refused:
        error = refusal(lambda: send(client, now=now))
        assert (error.code, error.message) == ("id_expired", ID_EXPIRED)
        assert not SmsMessage.objects.exists()
    else:
        assert send(client, now=now).masked_mobile == "139****0000"


@pytest.mark.parametrize(
    ("after", "message"),
    [
        (1, "请在 59 秒后重新获取。"),
        (20, "请在 40 秒后重新获取。"),
        (59.5, "请在 1 秒后重新获取。"),
        (60, None),
        (61, None),
    ],
)
def test_a_new_code_only_after_60_seconds(after, message):
    # given
    client = ClientFactory()
    send(client)

    # when
    call = lambda: send(client, now=T0 + seconds(after))  # noqa: E731

    # then
    if message:
        error = refusal(call)
        assert (error.code, error.message) == ("resend_too_soon", message)
        assert LoginCode.objects.count() == 1
    else:
        call()
        assert LoginCode.objects.count() == 2


def test_a_new_code_replaces_the_previous_one(policy):
    # given
    client = ClientFactory()
    send(client)
    first = last_code()
    send(client, now=T0 + seconds(61))
    second = last_code()

    # when
    call = lambda code: log_in(client, code, rendition=policy, now=T0 + seconds(70))  # noqa: E731

    # then
    assert list(LoginCode.objects.values_list("status", flat=True)) == ["active", "replaced"]
    if first != second:  # one chance in a million that both are the same six digits
        assert refusal(lambda: call(first)).code == "sms_code_wrong"
    assert call(second) == client


def test_at_most_five_codes_per_client_per_hour():
    # given
    client = ClientFactory()
    for n in range(5):
        send(client, now=T0 + seconds(61 * n))

    # when
    error = refusal(lambda: send(client, now=T0 + seconds(61 * 5)))

    # then
    assert (error.code, error.message) == ("sends_throttled", TOO_OFTEN)
    assert send(client, now=T0 + datetime.timedelta(hours=1, seconds=1))


def test_at_most_a_set_number_of_codes_per_ip_per_hour(monkeypatch):
    # given
    monkeypatch.setattr(services, "SENDS_PER_HOUR_PER_IP", 3)
    for _ in range(3):
        send(ClientFactory())

    # when
    error = refusal(lambda: send(ClientFactory()))

    # then
    assert (error.code, error.message) == ("sends_throttled", TOO_OFTEN)
    assert send(ClientFactory(), ip="198.51.100.1")  # another address is not affected


def test_looking_up_id_numbers_not_on_file_is_limited_per_ip(monkeypatch):
    # given: someone tries ID numbers to learn who is a client
    monkeypatch.setattr(services, "LOOKUP_MISSES_PER_HOUR_PER_IP", 3)
    send(ClientFactory())  # a number on file does not count
    for serial in range(3):
        error = refusal(
            lambda s=serial: services.sms_code_send(
                id_number=unknown_id_number(s), ip=IP, requester=BROWSER, now=T0
            )
        )
        assert error.code == "not_a_client"

    # when: even a real client's number
    error = refusal(lambda: send(ClientFactory()))

    # then
    assert (error.code, error.message) == (
        "lookups_throttled",
        "身份证号码查询过于频繁，请 1 小时后再试。",
    )
    assert send(ClientFactory(), ip="198.51.100.1")
    assert send(ClientFactory(), now=T0 + datetime.timedelta(hours=1, seconds=1))
    assert IP not in "".join(IdNumberLookup.objects.values_list("ip_hash", flat=True))


def test_the_ip_is_kept_only_as_a_keyed_hash():
    send(ClientFactory())
    assert IP not in LoginCode.objects.get().ip_hash


# --- logging in ------------------------------------------------------------------------------


def test_the_right_code_logs_in_records_the_consent_and_audits_without_personal_data(policy):
    # given
    client = ClientFactory()
    send(client)

    # when
    logged_in = log_in(client, last_code(), rendition=policy)

    # then
    assert logged_in == client
    consent = PrivacyConsent.objects.get()
    assert (consent.client, consent.rendition, consent.revision_id, consent.sha256) == (
        client,
        policy,
        policy.revision_id,
        policy.sha256,
    )
    assert consent.accepted_at == T0 + seconds(30)
    event = AuditEvent.objects.get(action="investor.login")
    assert event.actor_label == f"investor:{client.pk}"
    assert event.data == {"privacy_rendition": policy.pk, "privacy_sha256": policy.sha256}
    recorded = str(event.data) + event.actor_label + event.object_id
    assert client.id_number not in recorded and client.mobile not in recorded
    assert LoginCode.objects.get().status == LoginCodeStatus.USED


@pytest.mark.parametrize(
    ("case", "code", "message"),
    [
        ("wrong", "sms_code_wrong", "短信验证码错误，还可尝试 4 次。"),
        ("expired", "sms_code_expired", EXPIRED),
        ("reused", "sms_code_reused", REUSED),
        ("never sent", "sms_code_missing", "请先获取短信验证码。"),
        ("policy changed", "consent_outdated", "隐私政策已更新，请重新阅读并同意《隐私政策》。"),
        # told at "获取验证码" (behind the captcha), never by the login form
        ("not a client", "sms_code_missing", "请先获取短信验证码。"),
        ("id expired", "sms_code_missing", "请先获取短信验证码。"),
    ],
)
def test_each_refused_login_says_what_to_do(policy, case, code, message):
    # given
    client = ClientFactory(
        id_valid_until=datetime.date(2020, 1, 1) if case == "id expired" else None
    )
    attempt = {"now": T0 + seconds(30), "rendition": policy}
    if case not in ("never sent", "id expired"):
        send(client)
        sms_code = last_code()
    else:
        sms_code = "123456"
    if case == "wrong":
        sms_code = wrong(sms_code)
    if case == "expired":
        attempt["now"] = T0 + datetime.timedelta(minutes=5)
    if case == "reused":
        log_in(client, sms_code, rendition=policy)
    if case == "policy changed":
        published_document(kind="privacy_policy", code="privacy-policy-2", html="<p>新版</p>")
        from content.models import Document

        Document.objects.filter(code="privacy-policy").update(live=False)
    if case == "not a client":
        client.id_number = unknown_id_number()

    # when
    error = refusal(lambda: log_in(client, sms_code, **attempt))

    # then
    assert (error.code, error.message) == (code, message)
    assert PrivacyConsent.objects.count() == (1 if case == "reused" else 0)


def test_a_code_still_works_just_before_five_minutes(policy):
    client = ClientFactory()
    send(client)
    assert log_in(client, last_code(), rendition=policy, now=T0 + seconds(299)) == client


def test_five_wrong_tries_burn_the_code(policy):
    # given
    client = ClientFactory()
    send(client)
    code = last_code()

    # when
    messages = [
        refusal(lambda: log_in(client, wrong(code), rendition=policy)).message for _ in range(5)
    ]

    # then
    assert messages == [
        "短信验证码错误，还可尝试 4 次。",
        "短信验证码错误，还可尝试 3 次。",
        "短信验证码错误，还可尝试 2 次。",
        "短信验证码错误，还可尝试 1 次。",
        BURNED,
    ]
    assert refusal(lambda: log_in(client, code, rendition=policy)).message == BURNED
    assert LoginCode.objects.get().status == LoginCodeStatus.BURNED


def test_a_code_is_single_use(policy):
    # given
    client = ClientFactory()
    send(client)
    code = last_code()
    log_in(client, code, rendition=policy)

    # when
    error = refusal(lambda: log_in(client, code, rendition=policy, now=T0 + seconds(40)))

    # then
    assert (error.code, error.message) == ("sms_code_reused", REUSED)


def test_an_old_used_code_is_called_used_even_after_a_new_one_was_sent(policy):
    # given
    client = ClientFactory()
    send(client)
    old = last_code()
    log_in(client, old, rendition=policy)
    send(client, now=T0 + seconds(61))

    # when
    error = refusal(lambda: log_in(client, old, rendition=policy, now=T0 + seconds(70)))

    # then: unless the new code happens to be the same six digits
    assert error.code == ("sms_code_reused" if last_code() != old else error.code)


def _fail_logins(client, policy, times: int, *, start=T0) -> datetime.datetime:
    """`times` wrong codes in a row, asking for a new code whenever one is burned."""
    now = start
    for n in range(times):
        if n % services.CODE_MAX_TRIES == 0:
            now += seconds(61)
            send(client, now=now)
        refusal(lambda at=now: log_in(client, wrong(last_code()), rendition=policy, now=at))
    return now


def test_ten_failed_logins_in_a_row_lock_the_login_for_30_minutes(policy):
    # given
    client = ClientFactory()
    now = _fail_logins(client, policy, 10)

    # when: the right code, or a new code
    send_error = refusal(lambda: send(client, now=now + seconds(61)))

    # then
    assert (send_error.code, send_error.message) == ("locked", LOCKED)
    assert LoginState.objects.get(client=client).locked_until == now + datetime.timedelta(
        minutes=30
    )
    assert AuditEvent.objects.filter(action="investor.login_locked").count() == 1
    # 30 minutes later the investor may try again
    later = now + datetime.timedelta(minutes=30, seconds=1)
    send(client, now=later)
    assert log_in(client, last_code(), rendition=policy, now=later + seconds(5)) == client


def test_a_locked_client_cannot_log_in_even_with_a_code_sent_before(policy):
    # given: a valid code, then nine failures... the tenth locks
    client = ClientFactory()
    now = _fail_logins(client, policy, 9)
    send(client, now=now + seconds(61))
    good = last_code()
    refusal(lambda: log_in(client, wrong(good), rendition=policy, now=now + seconds(62)))

    # when
    error = refusal(lambda: log_in(client, good, rendition=policy, now=now + seconds(63)))

    # then
    assert (error.code, error.message) == ("locked", LOCKED)


def test_a_successful_login_resets_the_failures_in_a_row(policy, monkeypatch):
    # given: more codes than the hourly limit allows, to fit two rounds into minutes
    monkeypatch.setattr(services, "SENDS_PER_HOUR_PER_CLIENT", 100)
    client = ClientFactory()
    now = _fail_logins(client, policy, 9)
    send(client, now=now + seconds(61))
    log_in(client, last_code(), rendition=policy, now=now + seconds(62))

    # when
    now = _fail_logins(client, policy, 9, start=now + seconds(62))

    # then: nine in a row again is not ten
    assert LoginState.objects.get(client=client).locked_until is None
    send(client, now=now + seconds(61))
    assert log_in(client, last_code(), rendition=policy, now=now + seconds(62)) == client


# --- a stranger who knows the client's ID number (issue 16) -----------------------------------
OTHER_IP = "198.51.100.23"


def test_login_attempts_from_a_session_that_asked_for_no_code_count_for_nothing(policy):
    # given a client, and a stranger posting the login form with their ID number 20 times
    client = ClientFactory()
    for n in range(20):
        error = refusal(
            lambda n=n: log_in(client, f"{n:06d}", rendition=policy, requester=STRANGER)
        )
        assert error.code == "sms_code_missing"
    # then nothing was counted, and the client logs in as usual
    assert not LoginState.objects.exists()
    send(client)
    assert log_in(client, last_code(), rendition=policy) == client


def test_a_code_asked_for_by_a_stranger_neither_replaces_nor_serves_the_clients_code(policy):
    # given the client's code, then a code a stranger asked for with the same ID number
    client = ClientFactory()
    send(client)
    mine = last_code()
    send(client, requester=STRANGER, ip=OTHER_IP, now=T0 + seconds(5))
    theirs = last_code()
    # when the stranger tries the client's code (were it leaked), it is not theirs
    if theirs != mine:
        assert refusal(lambda: log_in(client, mine, rendition=policy, requester=STRANGER)).code in {
            "sms_code_wrong"
        }
    # then the client's own code still logs the client in
    assert log_in(client, mine, rendition=policy, now=T0 + seconds(20)) == client


def test_a_stranger_elsewhere_cannot_lock_a_client_out(policy):
    # given a stranger who failed ten logins in a row, with codes they asked for
    client = ClientFactory()
    now = T0
    for n in range(10):
        if n % services.CODE_MAX_TRIES == 0:
            now += seconds(61)
            send(client, now=now, ip=OTHER_IP, requester=STRANGER)
        refusal(
            lambda at=now: (
                log_in(client, "000000", rendition=policy, now=at, ip=OTHER_IP, requester=STRANGER)
                if last_code() != "000000"
                else log_in(
                    client, "111111", rendition=policy, now=at, ip=OTHER_IP, requester=STRANGER
                )
            )
        )
    # then the stranger's address is locked out, the client's is not
    assert refusal(lambda: send(client, now=now + seconds(61), ip=OTHER_IP, requester=STRANGER))
    send(client, now=now + seconds(62))
    assert log_in(client, last_code(), rendition=policy, now=now + seconds(70)) == client
