"""The investor login pages over HTTP: the page (accessible, nothing from outside), "获取验证码"
with JavaScript (JSON) and without (the page again), the login, its refusals next to their fields,
the session and the redirect, and logout.

The graphic captcha is solved as a person would: the page's hidden key, and the answer stored
for it (django-simple-captcha reads CAPTCHA_TEST_MODE once, when it is imported, so the
`settings` fixture cannot switch it on for a test)."""

from __future__ import annotations

import re

import pytest
from captcha.models import CaptchaStore

from clients.auth import SESSION_KEY
from clients.models import PrivacyConsent
from clients.selectors import privacy_policy_rendition
from sms.models import SmsMessage
from tests.clients.test_login_services import NOT_A_CLIENT, unknown_id_number
from tests.factories import ClientFactory, published_document

pytestmark = pytest.mark.django_db

LOGIN_URL = "/investor/login/"
SMS_URL = "/investor/sms-code/"
ENTER_URL = "/business/enter/"
JSON = {"HTTP_ACCEPT": "application/json"}
ID_INVALID = "身份证号码格式不正确，请检查后重新输入。"
CAPTCHA_WRONG = "图形验证码错误，请重新输入。"


@pytest.fixture
def policy():
    published_document(
        kind="privacy_policy",
        code="privacy-policy",
        title="隐私政策",
        html="<p>本公司如何处理您的个人信息。</p>",
    )
    return privacy_policy_rendition()


def solved_captcha() -> dict[str, str]:
    key = CaptchaStore.generate_key()
    return {"captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}


def ask_code(http, id_number: str, *, json: bool = True, captcha: dict | None = None, **extra):
    data = {
        "id_number": id_number,
        "account_type": "individual",
        **(captcha or solved_captcha()),
        **extra,
    }
    return http.post(SMS_URL, data, **(JSON if json else {}))


def last_code() -> str:
    return re.search(r"\d{6}", SmsMessage.objects.order_by("-id").first().text).group()


def log_in(http, client, code: str, rendition, *, consent: bool = True):
    data = {
        "id_number": client.id_number,
        "account_type": "individual",
        "sms_code": code,
        "privacy_rendition": rendition.pk,
    }
    if consent:
        data["consent"] = "on"
    return http.post(LOGIN_URL, data)


# --- the page --------------------------------------------------------------------------------


def test_the_login_page_has_every_field_with_a_label_and_the_policy_from_the_cms(client, policy):
    # when
    response = client.get(LOGIN_URL)

    # then
    html = response.content.decode()
    assert response.status_code == 200
    for field_id, label in [
        ("id_id_number", "身份证号码"),
        ("id_account_type", "账户类型"),
        ("id_captcha_1", "图形验证码"),
        ("id_sms_code", "短信验证码"),
    ]:
        assert f'<label for="{field_id}">{label}</label>' in html
    assert '<option value="individual" selected>个人</option>' in html
    assert "我已阅读并同意" in html and "《隐私政策》" in html
    assert "本公司如何处理您的个人信息。" in html  # the policy text, in a <details>
    assert f'name="privacy_rendition" value="{policy.pk}"' in html
    assert "马上登录" in html and "获取验证码" in html and "看不清？换一张" in html
    assert 'src="/captcha/image/' in html
    assert 'formaction="/investor/sms-code/"' in html  # without JavaScript, a plain submit
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing from outside


def test_the_login_urls_are_where_the_landing_page_and_the_flows_expect_them():
    from django.urls import reverse

    assert reverse("clients:login") == LOGIN_URL
    assert reverse("clients:sms_code") == SMS_URL
    assert reverse("clients:logout") == "/investor/logout/"


def test_a_logged_in_investor_visiting_the_login_goes_on_to_their_business(client):
    session = client.session
    session[SESSION_KEY] = ClientFactory().pk
    session.save()
    response = client.get(LOGIN_URL)
    assert (response.status_code, response["Location"]) == (302, ENTER_URL)


# --- "获取验证码" --------------------------------------------------------------------------


def test_asking_for_a_code_with_javascript_answers_json_with_the_masked_mobile(client):
    # given
    investor = ClientFactory(mobile="13812341234")

    # when
    response = ask_code(client, investor.id_number)

    # then
    body = response.json()
    assert response.status_code == 200
    assert body["ok"] is True
    assert body["message"] == "验证码已发送至 138****1234"
    assert body["masked_mobile"] == "138****1234"
    assert body["resend_in"] == 60
    assert CaptchaStore.objects.filter(hashkey=body["captcha"]["key"]).exists()
    assert SmsMessage.objects.get().mobile == "13812341234"


def test_the_code_goes_to_the_mobile_on_file_whatever_number_is_posted(client):
    investor = ClientFactory(mobile="13812341234")
    ask_code(client, investor.id_number, mobile="13000000000")
    assert [m.mobile for m in SmsMessage.objects.all()] == ["13812341234"]


def test_asking_for_a_code_without_javascript_shows_the_page_again_with_the_masked_mobile(client):
    # given
    investor = ClientFactory(mobile="13812341234")

    # when
    response = ask_code(client, investor.id_number, json=False)

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "验证码已发送至 138****1234" in html
    assert "如手机号码已变更，请到营业部临柜办理变更。" in html
    assert f'value="{investor.id_number}"' in html  # what was typed stays
    assert "重新获取" in html


@pytest.mark.parametrize(
    ("id_number", "message"),
    [
        ("", "请输入身份证号码。"),
        ("12345", ID_INVALID),
        ("110101199001010010", ID_INVALID),  # wrong check digit
        ("110101199013010016", ID_INVALID),  # month 13
        ("1101011990010100100", ID_INVALID),  # 19 characters
        ("11010119900101001A", ID_INVALID),
    ],
)
def test_a_malformed_id_number_is_refused_before_anything_is_sent(client, id_number, message):
    response = ask_code(client, id_number)
    assert response.status_code == 400
    assert response.json()["errors"]["id_number"] == [message]
    assert not SmsMessage.objects.exists()


@pytest.mark.parametrize(
    ("answer", "message"),
    [("", "请输入图形验证码。"), ("wrong", CAPTCHA_WRONG)],
)
def test_a_wrong_captcha_is_refused_and_used_up(client, answer, message):
    # given
    investor = ClientFactory()
    captcha = solved_captcha()
    right = dict(captcha)

    # when
    response = ask_code(client, investor.id_number, captcha={**captcha, "captcha_1": answer})

    # then
    assert response.status_code == 400
    assert response.json()["errors"]["captcha"] == [message]
    assert not SmsMessage.objects.exists()
    if answer:  # a wrong answer burns the picture: the right answer no longer works
        again = ask_code(client, investor.id_number, captcha=right)
        assert again.json()["errors"]["captcha"] == [CAPTCHA_WRONG]


def test_a_captcha_serves_one_code_only(client):
    # given
    investor = ClientFactory()
    captcha = solved_captcha()
    assert ask_code(client, investor.id_number, captcha=captcha).status_code == 200

    # when
    response = ask_code(client, investor.id_number, captcha=captcha)

    # then
    assert response.json()["errors"] == {"captcha": [CAPTCHA_WRONG]}
    assert SmsMessage.objects.count() == 1


def test_the_captcha_the_page_shows_is_the_one_checked(client):
    investor = ClientFactory()
    html = client.get(LOGIN_URL).content.decode()
    key = re.search(r'name="captcha_0" value="(\w+)"', html).group(1)
    answer = CaptchaStore.objects.get(hashkey=key).response
    response = ask_code(client, investor.id_number, captcha={"captcha_0": key, "captcha_1": answer})
    assert response.json()["ok"] is True


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("not a client", "id_number", NOT_A_CLIENT),
        (
            "id expired",
            "id_number",
            "您的身份证件已过期，请携带有效身份证件到营业部临柜更新后再办理。",
        ),
        ("too soon", "sms_code", "请在 60 秒后重新获取。"),
    ],
)
def test_a_refused_code_request_says_why_next_to_the_field(client, case, field, message):
    # given
    import datetime

    investor = ClientFactory(
        id_valid_until=datetime.date(2001, 1, 1) if case == "id expired" else None
    )
    id_number = unknown_id_number() if case == "not a client" else investor.id_number
    if case == "too soon":
        ask_code(client, id_number)

    # when
    response = ask_code(client, id_number)

    # then
    body = response.json()
    assert (response.status_code, body["ok"], body["errors"]) == (400, False, {field: [message]})
    if case == "too soon":
        assert 58 <= body["resend_in"] <= 60


def test_a_refusal_without_javascript_is_linked_to_its_field(client):
    response = ask_code(client, unknown_id_number(), json=False)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'aria-describedby="id_id_number-error"' in html
    assert 'aria-invalid="true"' in html
    assert f'<p class="field-error" id="id_id_number-error">{NOT_A_CLIENT}</p>' in html
    assert 'role="alert"' in html and f'<a href="#id_id_number">{NOT_A_CLIENT}</a>' in html


def test_asking_again_too_soon_without_javascript_says_so_at_the_sms_code_box(client):
    # given
    investor = ClientFactory()
    ask_code(client, investor.id_number, json=False)

    # when
    response = ask_code(client, investor.id_number, json=False)

    # then
    html = response.content.decode()
    assert response.status_code == 400
    error = r'<p class="field-error" id="id_sms_code-error">请在 \d+ 秒后重新获取。</p>'
    assert re.search(error, html)
    assert 'aria-describedby="id_sms_code-error"' in html


def test_the_masked_mobile_is_shown_only_with_the_id_number_it_was_sent_for(client):
    # given: a code went to one client's mobile
    investor = ClientFactory(mobile="13812341234")
    ask_code(client, investor.id_number)

    # when: the page shows another ID number
    other = ask_code(client, unknown_id_number(), json=False).content.decode()
    same = client.post(LOGIN_URL, {"id_number": investor.id_number}).content.decode()

    # then
    assert "138****1234" not in other
    assert "138****1234" in same


# --- logging in ------------------------------------------------------------------------------


def test_the_right_code_logs_in_records_the_consent_and_goes_to_the_business(client, policy):
    # given
    investor = ClientFactory()
    ask_code(client, investor.id_number)

    # when
    response = log_in(client, investor, last_code(), policy)

    # then
    assert response.status_code == 302
    assert response["Location"] == ENTER_URL
    assert client.session[SESSION_KEY] == investor.pk
    consent = PrivacyConsent.objects.get()
    assert (consent.client, consent.rendition_id, consent.sha256) == (
        investor,
        policy.pk,
        policy.sha256,
    )


def test_logging_in_starts_a_new_session(client, policy):
    investor = ClientFactory()
    ask_code(client, investor.id_number)
    before = client.session.session_key
    log_in(client, investor, last_code(), policy)
    assert client.session.session_key != before


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("no consent", "consent", "请阅读并同意《隐私政策》。"),
        ("no code", "sms_code", "请输入短信验证码。"),
        ("five digits", "sms_code", "短信验证码为 6 位数字，请检查后重新输入。"),
        ("wrong code", "sms_code", "短信验证码错误，还可尝试 4 次。"),
        ("tampered policy", "consent", "隐私政策已更新，请重新阅读并同意《隐私政策》。"),
    ],
)
def test_a_refused_login_stays_on_the_page_with_the_reason_at_its_field(
    client, policy, case, field, message
):
    # given
    investor = ClientFactory()
    ask_code(client, investor.id_number)
    code = last_code()
    data = {
        "id_number": investor.id_number,
        "account_type": "individual",
        "sms_code": code,
        "consent": "on",
        "privacy_rendition": policy.pk,
    }
    if case == "no consent":
        del data["consent"]
    if case == "no code":
        data["sms_code"] = ""
    if case == "five digits":
        data["sms_code"] = code[:5]
    if case == "wrong code":
        data["sms_code"] = f"{(int(code) + 1) % 1_000_000:06d}"
    if case == "tampered policy":
        data["privacy_rendition"] = policy.pk + 100

    # when
    response = client.post(LOGIN_URL, data)

    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert SESSION_KEY not in client.session
    assert f'<p class="field-error" id="id_{field}-error">{message}</p>' in html
    assert f'aria-describedby="id_{field}-error"' in html
    assert not PrivacyConsent.objects.exists()


def test_a_locked_login_is_explained_above_the_form(client, policy, monkeypatch):
    # given
    from clients import services

    monkeypatch.setattr(services, "LOCK_AFTER_FAILURES", 1)
    investor = ClientFactory()
    ask_code(client, investor.id_number)
    code = last_code()
    log_in(client, investor, f"{(int(code) + 1) % 1_000_000:06d}", policy)

    # when: even the right code
    response = log_in(client, investor, code, policy)

    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert "<li>登录失败次数过多，账户已锁定，请 30 分钟后再试或致电客服热线。</li>" in html
    assert SESSION_KEY not in client.session


def test_logout_ends_the_session_and_returns_to_the_landing_page(client, policy):
    # given
    investor = ClientFactory()
    ask_code(client, investor.id_number)
    log_in(client, investor, last_code(), policy)

    # when
    response = client.post("/investor/logout/")

    # then
    assert (response.status_code, response["Location"]) == (302, "/")
    assert SESSION_KEY not in client.session


def test_logout_needs_a_post(client):
    assert client.get("/investor/logout/").status_code == 405


# --- enumeration and lockout by a stranger (issue 16) ----------------------------------------


def _login_post(http, id_number: str, rendition, code: str = "123456"):
    return http.post(
        LOGIN_URL,
        {
            "id_number": id_number,
            "account_type": "individual",
            "sms_code": code,
            "consent": "on",
            "privacy_rendition": rendition.pk,
        },
    )


def _without_echo(html: str, id_number: str) -> str:
    """The page, less the ID number it echoes back in its input and the per-request tokens."""
    html = html.replace(id_number, "")
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r"[0-9a-f]{40}", "", html)


def test_the_login_form_does_not_tell_a_client_from_an_unknown_id_number(client, policy):
    # given a client's ID number and one nobody has, posted without asking for a code
    from clients.models import IdNumberLookup, LoginState

    known = ClientFactory().id_number
    unknown = unknown_id_number()
    # when
    answers = [_login_post(client, number, policy) for number in (known, unknown)]
    # then the same answer, the same page, and nothing counted or looked up
    assert {a.status_code for a in answers} == {400}
    pages = [
        _without_echo(a.content.decode(), n) for a, n in zip(answers, (known, unknown), strict=True)
    ]
    assert pages[0] == pages[1]
    assert "请先获取短信验证码。" in pages[0]
    assert NOT_A_CLIENT not in pages[1]
    assert not LoginState.objects.exists()
    assert not IdNumberLookup.objects.exists()


def test_ten_login_posts_by_a_stranger_do_not_lock_the_client_out(client, policy):
    # given a stranger posting the client's ID number with wrong codes, again and again
    from django.test import Client as Browser

    investor = ClientFactory()
    stranger = Browser()
    for n in range(12):
        assert _login_post(stranger, investor.id_number, policy, f"{n:06d}").status_code == 400
    # when the client logs in from their own browser
    ask_code(client, investor.id_number)
    response = log_in(client, investor, last_code(), policy)
    # then
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == investor.pk
