"""A whole business, as people do it in the demo: an investor on a phone (and once on a desktop)
from the device check to the trading codes in "my business", with a witness agent and a reviewer
in browsers of their own; then a business that is returned by the agent to the photos and
rejected by the reviewer to the exchanges, fixed each time, and approved.

Every step is found by what the page says (titles, labels, buttons), the SMS code is read from
the demo's SMS outbox page, the call is a real WebRTC call between two chromium contexts (fake
camera and microphone), the certificate's key is made and used in the investor's browser. Each
journey has a client of its own, so nothing depends on what other tests left on the server.

With E2E_SCREENSHOTS=<folder> (`make screenshots`), the phone journey saves each step's page
there: the README's tour."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import _new_context
from tests.e2e.journey import (
    ANSWERS,
    CONFIRM_REVISIT,
    LETTER,
    PASSWORD,
    PHONE,
    SIGNING_TIMEOUT_MS,
    Answers,
    Investor,
    Journey,
    Shots,
    acceptance_number,
    business_card,
    id_number,
    investor_create,
    investor_log_in,
    key_choose,
    key_file,
    key_press_button,
    key_type,
    my_business,
    photo_input,
    reviewer_approve,
    reviewer_reject,
    tab_to,
    upload_files,
    witnessed,
)
from tests.e2e.test_investor_login import captcha_answer, open_login, sms_code_for

# A whole business, with a real call and real signatures, on a 2-core machine shared with other
# work; the first test of the folder also waits for the server's migration and demo data.
pytestmark = pytest.mark.timeout(600)

SHFE, DCE = "上海期货交易所", "大连商品交易所"
CFFEX = "中国金融期货交易所"
C1_NOTICES = ["风险承受能力较低的普通投资者"] * 2  # before the choice, each acknowledged twice
C3_NOTICES = ["金融期货、原油期货"] * 2  # on choosing CFFEX or INE, twice

WHOLE = {  # the desktop journey is test_navigation's, which checks every step's URLs on the way
    "phone": Investor(
        name="钱全程",
        id_number=id_number("19860304", "101"),
        mobile="13900139101",
        client_no="80018101",
        suitability_class="C1",
        exchanges=(SHFE, CFFEX),
    ),
    "desktop": Investor(
        name="孙全程",
        id_number=id_number("19790811", "102"),
        mobile="13900139102",
        client_no="80018102",
        suitability_class="C3",
        exchanges=(CFFEX,),
    ),
}
RETURNED = Investor(
    name="周退回",
    id_number=id_number("19910122", "103"),
    mobile="13900139103",
    client_no="80018103",
    suitability_class="C4",
    exchanges=(DCE,),
)
RETURN_REASON = "身份证人像面反光，请重新拍摄。"
REJECT_REASON = "请补充选择上海期货交易所。"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return upload_files(tmp_path_factory.mktemp("whole-journey-uploads"))


@pytest.fixture
def investor_page(browser, live_server_url) -> Iterator:
    """A fresh phone context."""
    context = _new_context(browser, live_server_url, **PHONE)
    try:
        yield context.new_page()
    finally:
        context.close()


def start(page, server_env, investor: Investor, files, shots: Shots) -> tuple[Journey, Answers]:
    answers = Answers().watch(page)
    investor_create(server_env, investor)
    investor_log_in(page, server_env, investor, shots)
    expect(page.locator("#step-title")).to_have_text("上传照片")
    return Journey(page=page, investor=investor, files=files, shots=shots), answers


def submitted(journey: Journey, agent) -> None:
    """The steps due walked, the revisit confirmed with the exact dialog: submitted."""
    journey.walk_to_submission(agent)
    assert journey.confirmations[-1:] == [CONFIRM_REVISIT]
    my_business(journey.page)


def whole_business(
    page, server_env, files, staff_page, investor: Investor, shots: Shots, at_each_step=None
) -> str:
    """From the device check to the trading codes in my business; the acceptance number.
    `at_each_step(page, title)` runs on each step's page before it is completed."""
    # given: a client on file of the class whose notices the journey checks; agent and reviewer
    agent, reviewer = staff_page("agent_bj"), staff_page("reviewer")
    agent_answers = Answers().watch(agent)

    # when: the investor logs in and walks to the witness step
    journey, answers = start(page, server_env, investor, files, shots)
    journey.at_each_step = at_each_step
    number = acceptance_number(page)
    assert journey.walk(until="视频见证") == "视频见证"

    # then: the notices of their class were shown, each twice
    expected = C1_NOTICES if investor.suitability_class == "C1" else C3_NOTICES
    assert len(journey.notices) >= 2
    for shown, wanted in zip(journey.notices, expected, strict=False):
        assert wanted in shown
    if investor.suitability_class == "C1":  # a C1 choosing CFFEX is warned review may refuse
        assert len(journey.notices) == 3

    # when: queued, taken by the agent, the call connected, the checklist ticked, passed
    if at_each_step:
        at_each_step(page, "视频见证")
    witnessed(journey, agent)

    # when: certificate, signatures, the revisit confirmed with the exact dialog
    submitted(journey, agent)
    card = business_card(page, number)
    expect(card).to_contain_text("待复核")
    shots(page, "my-business-submitted")

    # when: the reviewer approves with a trading code per requested exchange
    codes = reviewer_approve(reviewer, number, shots)
    reviewer.get_by_role("heading", name="新开交易编码").scroll_into_view_if_needed()
    shots(reviewer, "review-approved", full_page=False)

    # then: the investor sees them in my business, the business finished
    page.reload()
    finished = page.get_by_role("region", name="已结束").locator("article").filter(has_text=number)
    for exchange in investor.exchanges:
        expect(finished).to_contain_text(re.compile(f"{exchange}（[A-Z]+）：{codes[exchange]}"))
    assert set(codes) == set(investor.exchanges)
    shots(page, "my-business-approved")
    # and no page was the answer to a POST, nothing failed on the server
    assert answers.server_errors == agent_answers.server_errors == []
    assert answers.posts_answered_with_a_page == []
    assert answers.post_navigations >= 10
    return number


def test_an_investor_on_a_phone_goes_from_the_device_check_to_the_trading_codes(
    investor_page, server_env, files, staff_page
):
    """A C1 client choosing SHFE and CFFEX: two notices before the choice, the warning after.
    axe-core checks every page shown on the way, the agent's and the reviewer's included."""
    shots = Shots.from_environment(audit=True)
    whole_business(
        investor_page,
        server_env,
        files,
        staff_page,
        WHOLE["phone"],
        shots,
        at_each_step=lambda page, here: password_errors(page, here, shots),
    )
    assert len(shots.violations) == 0, shots.violations
    passed = {"certificate", "certificate-errors", "signing-errors", "signed", "revisit"}
    passed |= {"witness-call", "witness-agent-call", "review-application", "my-business-approved"}
    assert passed <= set(shots.audited), shots.audited


def password_errors(page, here: str, shots: Shots) -> None:
    """Before the certificate and the signatures, what a slip of the finger shows: two
    passwords that differ, a wrong password; each said on the page (and audited by `shots`)."""
    if here == "安装数字证书" and page.get_by_role("button", name="安装证书").is_visible():
        page.get_by_label("证书密码", exact=True).fill(PASSWORD)
        page.get_by_label("确认证书密码").fill(PASSWORD + "x")
        page.get_by_role("button", name="安装证书").click()
        expect(
            page.get_by_role("alert").filter(has_text="两次输入的证书密码不一致")
        ).to_be_visible()
        shots.check(page, "certificate-errors")
    elif here == "签署协议" and page.get_by_role("button", name="签署全部协议").is_visible():
        page.get_by_label("证书密码").fill(PASSWORD + "x")
        page.get_by_role("button", name="签署全部协议").click()
        expect(page.get_by_role("alert").filter(has_text="证书密码错误")).to_be_visible(
            timeout=SIGNING_TIMEOUT_MS
        )
        shots.check(page, "signing-errors")


def test_a_business_returned_to_the_photos_and_rejected_to_the_exchanges_is_fixed_and_approved(
    investor_page, server_env, files, staff_page
):
    # given: a client at the witness step
    agent, reviewer = staff_page("agent_bj"), staff_page("reviewer")
    page = investor_page
    journey, answers = start(page, server_env, RETURNED, files, Shots(None))
    number = acceptance_number(page)
    assert journey.walk(until="视频见证") == "视频见证"

    # when: the agent returns the business to the photos with a reason
    witnessed(journey, agent, returned_to=("上传照片", RETURN_REASON))

    # then: the investor is at the photos step and sees the reason there
    expect(page.locator("#step-title")).to_have_text("上传照片", timeout=30_000)
    expect(page.get_by_role("status").filter(has_text=RETURN_REASON)).to_be_visible()

    # when: the photo is taken again, the steps after it confirmed again, queued, passed
    journey.retake = ("front",)
    submitted(journey, agent)

    # when: the reviewer rejects to the exchanges with a reason
    reviewer_reject(reviewer, number, "交易所选择", REJECT_REASON)

    # then: my business says which step to fix and why
    page.reload()
    card = business_card(page, number)
    expect(card).to_contain_text(REJECT_REASON)
    expect(card).to_contain_text("复核未通过，请按备注修改“交易所选择”后重新提交。")

    # when: the investor resumes, adds the exchange, and walks whatever is due again
    with page.expect_navigation():
        card.get_by_role("link", name="继续办理").click()
    expect(page.locator("#step-title")).to_have_text("交易所选择")
    expect(page.get_by_role("status").filter(has_text=REJECT_REASON)).to_be_visible()
    journey.investor = Investor(**{**RETURNED.__dict__, "exchanges": (DCE, SHFE)})
    submitted(journey, agent)

    # then: the reviewer approves both exchanges, and the investor sees the codes
    codes = reviewer_approve(reviewer, number)
    assert set(codes) == {DCE, SHFE}
    page.reload()
    expect(business_card(page, number)).to_contain_text(
        re.compile(f"{SHFE}（SHFE）：{codes[SHFE]}")
    )
    assert answers.server_errors == []
    assert answers.posts_answered_with_a_page == []


KEYBOARD = Investor(
    name="郑键盘",
    id_number=id_number("19870923", "105"),
    mobile="13900139105",
    client_no="80018105",
    suitability_class="C4",
    exchanges=(SHFE,),
    branch="0002",
)


def test_an_investor_with_the_keyboard_alone_logs_in_and_walks_to_the_video_witness(
    page, server_env, files
):
    """Desktop, Tab / Shift+Tab / arrows / Space / Enter only (the SMS code is read from the
    demo's outbox, i.e. the phone; the captcha's answer from the server, i.e. the eyes)."""
    answers = Answers().watch(page)
    investor_create(server_env, KEYBOARD)

    # login
    open_login(page)
    key_type(page, page.get_by_label("身份证号码"), KEYBOARD.id_number)
    key_type(page, page.get_by_label("图形验证码"), captcha_answer(server_env, page))
    tab_to(page, page.get_by_role("button", name="获取验证码"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("验证码已发送")).to_be_visible()
    key_type(page, page.get_by_label("短信验证码"), sms_code_for(page, KEYBOARD.mobile))
    key_choose(page, page.locator("#id_consent"))
    key_press_button(page, page.get_by_role("button", name="马上登录"))
    expect(page.locator("#step-title")).to_have_text("上传照片")

    # photos: each file input opened from the keyboard, the letter agreed with Space
    for side in ("front", "back", "signature"):
        key_file(page, photo_input(page, side), files[side])
    key_choose(page, page.get_by_label(LETTER))
    key_press_button(page, page.get_by_role("button", name="下一步"))
    expect(page.get_by_role("img", name="从签名照中提取的签名")).to_be_visible()
    key_press_button(page, page.get_by_role("button", name="下一步"))

    # basic information: radio groups with the arrow keys, checkboxes with Space
    expect(page.locator("#step-title")).to_have_text("个人基本资料")
    for answer in ANSWERS:
        key_choose(page, page.get_by_label(answer, exact=True))
    key_choose(page, page.locator("#question-bad_credit").get_by_label("无", exact=True))
    key_type(page, page.get_by_label(re.compile("联系地址")), "北京市东城区东长安街1号")
    key_type(page, page.get_by_label(re.compile("邮政编码")), "100010")
    key_press_button(page, page.get_by_role("button", name="下一步"))

    # exchanges
    expect(page.locator("#step-title")).to_have_text("交易所选择")
    key_choose(page, page.get_by_label(SHFE))
    key_press_button(page, page.get_by_role("button", name="下一步"))

    # agreements: each one focused and read to its end with the End key
    expect(page.locator("#step-title")).to_have_text("阅读相关协议")
    for box in page.locator(".agreement [tabindex='0']").all():
        tab_to(page, box)
        page.keyboard.press("End")
    for status in page.locator(".agreement-status").all():
        expect(status).to_have_text("已阅读至末尾")
    key_press_button(page, page.get_by_role("button", name="下一步"))

    # the witness: queued with Enter, and out of the queue again
    expect(page.locator("#step-title")).to_have_text("视频见证")
    key_press_button(page, page.get_by_role("button", name="开始视频"))
    expect(page.locator(".witness-waiting")).to_have_text(re.compile(r"^\d+$"))
    key_press_button(page, page.get_by_role("button", name="离开排队"))
    expect(page.get_by_role("button", name="开始视频")).to_be_visible()
    assert answers.server_errors == []
    assert answers.posts_answered_with_a_page == []
