"""Whole investor journeys in a phone-sized browser against the demo server: each client logs in
through the real login page (device check, captcha, SMS code) and walks the add-trading-code flow
from the photos to the video witness step (not built yet: the journey ends when its page shows).

Step 3's suitability notices differ by class: C1/C2 acknowledge a notice twice before choosing and
are warned when choosing a financial exchange, C3 acknowledges one twice only when choosing a
financial or crude-oil exchange, C4/C5 and professionals see none. The expired-ID client and an
unknown ID number are refused; the client with a pending business lands on "my business"; back,
reload and typed URLs never break a step; exchanges already opened are ticked and disabled.

The server keeps each business between tests: a journey that needs a client's first visit
puts the client back as seeded (conftest.restore_demo_client) and abandons what is pending."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.e2e.conftest import restore_demo_client
from tests.e2e.test_investor_login import ask_for_code, open_login, sms_code_for
from tests.photos.photos_helpers import card_photo

SHOTS = Path("/tmp/journey")  # noqa: S108 (where the brief wants them, to look at)
HEADER = re.compile(r"^业务办理/增开交易编码 \[受理单号:\d{16}\]$")
ID_EXPIRED = "您的身份证件已过期，请携带有效身份证件到营业部临柜更新后再办理。"
NOT_A_CLIENT = "该身份证号码不是本公司客户。如需开户，请先到营业部或通过开户系统开立期货账户。"
UNKNOWN_ID = "11010519491231002X"  # a valid GB 11643 checksum, no client

# name: (ID number, mobile on file), fixtures/data.py
CLIENTS = {
    "li_ming_c1": ("110101198503120017", "13800138001"),
    "wang_fang_c2": ("110102199007250024", "13800138002"),
    "zhang_wei_c3": ("310101197811090035", "13800138003"),
    "liu_yang_c4": ("310104198812010045", "13800138004"),
    "chen_jing_c5": ("440106199204180055", "13800138005"),
    "zhao_lei_pro": ("110105197509300060", "13800138006"),
    "sun_li_expired": ("110106198001010071", "13800138007"),
    "zhou_jie_assessment": ("310105198706140088", "13800138008"),
    "wu_min_pending": ("310106199308220091", "13800138009"),
    "zheng_qiang_opened": ("110108198202170103", "13800138010"),
}
SHFE, DCE = "上海期货交易所", "大连商品交易所"
CFFEX, INE = "中国金融期货交易所", "上海国际能源交易中心"
KNOWLEDGE_TEST = "没有成绩报告单，参加在线知识测试"
ANSWERS = ["仅为中国税收居民", "无关系", "1年-5年", "稳健", "不存在", "本人", "期货、期权"]


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """Upload files: the two sides of an ID card, a signature, two small score reports."""
    folder = tmp_path_factory.mktemp("journey-uploads")
    paths = {side: folder / f"{side}.jpg" for side in ("front", "back", "signature")}
    for side in ("front", "back"):
        paths[side].write_bytes(card_photo(side)[0])
    signature = Image.new("RGB", (1280, 960), (228, 226, 220))
    pen = ImageDraw.Draw(signature)
    pen.line(
        [(300, 520), (420, 380), (520, 560), (650, 400), (780, 540), (960, 430)],
        fill=(25, 25, 40),
        width=9,
    )
    buffer = io.BytesIO()
    signature.save(buffer, "JPEG", quality=90)
    paths["signature"].write_bytes(buffer.getvalue())
    for n, colour in enumerate([(250, 250, 245), (240, 245, 250)], start=1):
        report = Image.new("RGB", (400, 300), colour)
        ImageDraw.Draw(report).text((20, 20), f"score report {n}: 92", fill=(0, 0, 0))
        paths[f"report{n}"] = folder / f"report{n}.png"
        report.save(paths[f"report{n}"], "PNG")
    return paths


@pytest.fixture
def guarded(phone_page, watch, request) -> Iterator:
    """The phone page, failing the test afterwards on any server error or console error; its
    last state is kept as a screenshot (last-<test>.png)."""
    seen = watch(phone_page)
    server_errors: list[str] = []
    phone_page.on(
        "response",
        lambda response: (
            server_errors.append(f"{response.status} {response.url}")
            if response.status >= 500
            else None
        ),
    )
    yield phone_page
    shot(phone_page, "last-" + re.sub(r"\W+", "-", request.node.name).strip("-"))
    assert server_errors == []
    assert seen.errors == []


# --- helpers ------------------------------------------------------------------------------


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def log_in(page, server_env, client: str, fresh: bool = True) -> None:
    """Through the real login page. `fresh`: the client as seeded (no photos on file, the
    assessment as it was), and a pending business (left by another test on this server)
    abandoned in "my business" first, so the journey starts at step 1."""
    id_number, mobile = CLIENTS[client]
    if fresh:
        restore_demo_client(server_env, id_number)
    open_login(page)
    ask_for_code(page, server_env, id_number)
    expect(page.locator("#sms-sent")).to_contain_text("验证码已发送")
    page.get_by_label("短信验证码").fill(sms_code_for(page, mobile))
    page.locator("#id_consent").check()
    with page.expect_navigation():
        page.get_by_role("button", name="马上登录").click()
    if fresh and re.search(r"/business/$", page.url):
        while page.locator(PENDING).count():
            abandon(page, page.locator(PENDING).first)
        page.goto("/business/enter/")


PENDING = "section[aria-labelledby=pending-heading] .business"


def abandon(page, business) -> None:
    """ "放弃" on a business in "my business", confirming the browser's dialog."""
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        business.get_by_role("button", name="放弃").click()
    expect(page.locator(".messages")).to_contain_text("业务已放弃。")


def abandon_from_my_business(page) -> None:
    """The end of a journey: the business is pending in "my business" under its number; it is
    abandoned, so that other tests on this server find the client without a pending business."""
    number = re.search(r"/business/(\d{16})/", page.url).group(1)
    with page.expect_navigation():
        page.get_by_role("link", name="我的业务").click()
    business = page.locator(PENDING).filter(has_text=number)
    expect(business).to_contain_text("状态：办理中")
    abandon(page, business)
    expect(page.locator(PENDING)).to_have_count(0)


def title(page):
    return page.locator("#step-title")


def next_step(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="下一步").click()


def insist(page) -> None:
    with page.expect_navigation():
        page.locator(".notice-actions button.primary").click()


def photos_step(page, files, name: str) -> None:
    expect(title(page)).to_have_text("上传照片")
    expect(page.locator(".business-path")).to_have_text(HEADER)
    for side in ("front", "back", "signature"):
        page.locator(f"#id_{side}").set_input_files(files[side])
    page.get_by_label("我已阅读并同意《数字证书安全责任书》").check()
    next_step(page)
    # the processed photos are shown for confirmation, with the signature lifted from the
    # signature photo (as the signed agreements will show it), then "下一步" again
    expect(page.locator(".photo-preview")).to_have_count(4)
    expect(page.get_by_role("img", name="从签名照中提取的签名")).to_be_visible()
    expect(page.locator(".field-error")).to_have_count(0)
    shot(page, f"{name}-1-photos")
    next_step(page)


def answer_basic_info(page) -> None:
    for answer in ANSWERS:
        page.get_by_label(answer, exact=True).check()
    page.locator("#question-bad_credit").get_by_label("无", exact=True).check()
    page.locator("[name=contact_address]").fill("北京市东城区东长安街1号")
    page.locator("[name=postal_code]").fill("100010")


def basic_info_step(page, name: str) -> None:
    expect(title(page)).to_have_text("个人基本资料")
    answer_basic_info(page)
    shot(page, f"{name}-2-basic-info")
    next_step(page)


def agreements_step(page, name: str) -> None:
    expect(title(page)).to_have_text("阅读相关协议")
    for box in page.locator(".agreement .document-box").all():
        box.scroll_into_view_if_needed()
        box.evaluate("box => { box.scrollTop = box.scrollHeight; }")
    for status in page.locator(".agreement-status").all():
        expect(status).to_have_text("已阅读至末尾")
    shot(page, f"{name}-4-agreements")
    next_step(page)


def at_witness_step(page, name: str) -> None:
    expect(title(page)).to_have_text("视频见证")
    expect(page.locator(".business-path")).to_have_text(HEADER)
    shot(page, f"{name}-5-witness")


def choose_knowledge_test_if_offered(page) -> None:
    if page.locator("#score-reports").is_visible():
        page.get_by_label(KNOWLEDGE_TEST).check()


# --- step 3 by class ------------------------------------------------------------------------


def exchanges_c1_c2(page, files, name: str) -> None:
    """Two notices before any choice; CFFEX with score reports (C1 uploads two, C2 takes the
    knowledge test); the warning that review may refuse."""
    expect(page.locator("#notice-title")).to_contain_text("第一次告知")
    expect(page.locator("#notice-title")).to_contain_text("风险承受能力较低的普通投资者")
    expect(page.locator("input[name=exchanges]")).to_have_count(0)
    shot(page, f"{name}-3a-notice-1")
    insist(page)
    expect(page.locator("#notice-title")).to_contain_text("再次确认")
    shot(page, f"{name}-3b-notice-2")
    insist(page)
    expect(page.locator(".suitability-notice")).to_have_count(0)
    page.get_by_label(CFFEX).check()
    expect(page.locator("#score-reports")).to_be_visible()
    if name.startswith("li_ming"):
        page.get_by_label("上传成绩报告单").check()
        page.locator("#score-report-files").set_input_files([files["report1"], files["report2"]])
    else:
        page.get_by_label(KNOWLEDGE_TEST).check()
    shot(page, f"{name}-3c-selection")
    next_step(page)
    expect(page.locator(".suitability-notice")).to_contain_text("复核")
    expect(page.locator(".suitability-notice")).to_contain_text("可能不予通过")
    shot(page, f"{name}-3d-warning")
    with page.expect_navigation():
        page.get_by_role("button", name="我已知悉").click()


def exchanges_c3(page, name: str) -> None:
    """CFFEX: two notices, then "choose again"; SHFE only: no notice, on to step 4."""
    expect(page.locator(".suitability-notice")).to_have_count(0)
    page.get_by_label(SHFE).check()
    page.get_by_label(CFFEX).check()
    choose_knowledge_test_if_offered(page)
    next_step(page)
    expect(page.locator("#notice-title")).to_contain_text("第一次告知")
    expect(page.locator("#notice-title")).to_contain_text("金融期货、原油期货")
    expect(page.locator("#notice-text")).to_contain_text("C3")
    shot(page, f"{name}-3a-notice-1")
    insist(page)
    expect(page.locator("#notice-title")).to_contain_text("再次确认")
    shot(page, f"{name}-3b-notice-2")
    with page.expect_navigation():
        page.get_by_role("button", name="重新选择交易所").click()
    expect(page.get_by_label(SHFE)).to_be_checked()
    expect(page.get_by_label(CFFEX)).not_to_be_checked()
    shot(page, f"{name}-3c-choose-again")
    next_step(page)
    expect(page.locator(".suitability-notice")).to_have_count(0)


def exchanges_no_notice(page, name: str, exchange: str) -> None:
    expect(page.locator(".suitability-notice")).to_have_count(0)
    page.get_by_label(exchange).check()
    choose_knowledge_test_if_offered(page)
    shot(page, f"{name}-3-selection")
    next_step(page)
    expect(page.locator(".suitability-notice")).to_have_count(0)


JOURNEYS = [
    pytest.param("li_ming_c1", id="C1"),
    pytest.param("wang_fang_c2", id="C2"),
    pytest.param("zhang_wei_c3", id="C3"),
    pytest.param("liu_yang_c4", id="C4"),
    pytest.param("chen_jing_c5", id="C5"),
    pytest.param("zhao_lei_pro", id="professional"),
]


@pytest.mark.parametrize("name", JOURNEYS)
def test_a_client_walks_to_the_witness_step_with_the_notices_of_their_class(
    guarded, server_env, files, name
):
    page = guarded
    log_in(page, server_env, name)
    photos_step(page, files, name)
    basic_info_step(page, name)
    expect(title(page)).to_have_text("交易所选择")
    if name in ("li_ming_c1", "wang_fang_c2"):
        exchanges_c1_c2(page, files, name)
    elif name == "zhang_wei_c3":
        exchanges_c3(page, name)
    else:
        exchanges_no_notice(page, name, INE if name == "chen_jing_c5" else CFFEX)
    agreements_step(page, name)
    at_witness_step(page, name)
    abandon_from_my_business(page)


# --- refusals, my business, opened exchanges -------------------------------------------------


@pytest.mark.parametrize(
    ("id_number", "message"),
    [
        pytest.param(CLIENTS["sun_li_expired"][0], ID_EXPIRED, id="expired-id"),
        pytest.param(UNKNOWN_ID, NOT_A_CLIENT, id="not-a-client"),
    ],
)
def test_login_is_refused_with_what_to_do(phone_page, watch, server_env, id_number, message):
    page = phone_page
    seen = watch(page)
    statuses: list[int] = []
    page.on("response", lambda response: statuses.append(response.status))
    open_login(page)
    ask_for_code(page, server_env, id_number)
    expect(page.locator("#id_id_number-error")).to_have_text(message)
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#mobile-on-file")).to_be_hidden()
    expect(page.locator("#sms-sent")).to_be_hidden()
    shot(page, f"refused-{id_number}")
    # the refusal is a 400 answer to the code request (chromium logs it), nothing worse
    assert max(statuses) < 500
    assert [e for e in seen.errors if "status of 400" not in e] == []


def test_a_client_with_a_pending_business_lands_on_my_business_and_resumes_or_abandons(
    guarded, server_env, live_server_url
):
    page = guarded
    log_in(page, server_env, "wu_min_pending", fresh=False)
    expect(page).to_have_url(f"{live_server_url}/business/")
    expect(page.locator(".messages")).to_contain_text("您有一笔正在办理的业务")
    business = page.locator(PENDING)
    expect(business).to_have_count(1)
    expect(business).to_contain_text("增开交易编码")
    expect(business).to_contain_text(re.compile(r"受理单号:\d{16}"))
    number = re.search(r"\d{16}", business.inner_text()).group()
    shot(page, "wu_min-my-business")
    # resume: the current step of that business
    with page.expect_navigation():
        business.get_by_role("link", name="继续办理").click()
    expect(page.locator(".business-path")).to_have_text(
        f"业务办理/增开交易编码 [受理单号:{number}]"
    )
    shot(page, "wu_min-resumed")
    # back to my business, abandon (after the confirm dialog)
    with page.expect_navigation():
        page.get_by_role("link", name="我的业务").click()
    abandon(page, business)
    expect(page.locator(PENDING)).to_have_count(0)
    expect(page.locator("section[aria-labelledby=finished-heading]")).to_contain_text(number)
    shot(page, "wu_min-abandoned")


def test_exchanges_already_opened_are_ticked_and_disabled(guarded, server_env, files):
    page = guarded
    log_in(page, server_env, "zheng_qiang_opened")
    photos_step(page, files, "zheng_qiang")
    basic_info_step(page, "zheng_qiang")
    expect(title(page)).to_have_text("交易所选择")
    for exchange in ("上海期货交易所", "大连商品交易所"):
        option = page.locator(".exchange-option.opened").filter(has_text=exchange)
        expect(option.locator("input[type=checkbox]")).to_be_checked()
        expect(option.locator("input[type=checkbox]")).to_be_disabled()
        expect(option).to_contain_text("已开通，交易编码：")
    expect(page.locator(".exchange-option.opened")).to_have_count(2)
    expect(page.get_by_label("郑州商品交易所")).to_be_enabled()
    shot(page, "zheng_qiang-3-opened")
    abandon_from_my_business(page)


def test_the_consent_tick_is_kept_when_the_uploaded_photos_are_shown_for_confirmation(
    phone_page, server_env, files
):
    page = phone_page
    log_in(page, server_env, "wu_min_pending")
    expect(title(page)).to_have_text("上传照片")
    page.locator("#id_front").set_input_files(files["front"])
    page.get_by_label("我已阅读并同意《数字证书安全责任书》").check()
    next_step(page)
    expect(page.locator(".messages")).to_contain_text("照片已处理")
    shot(page, "wu_min-photos-tick-lost")
    expect(page.get_by_label("我已阅读并同意《数字证书安全责任书》")).to_be_checked(timeout=1000)


# --- navigation -----------------------------------------------------------------------------


def answer_assessment(page) -> None:
    """The suitability questionnaire: the last option of each single choice (the boldest), the
    first of each multiple choice, something in each text box."""
    for question in page.locator(".assessment fieldset.question").all():
        radios = question.locator("input[type=radio]")
        if radios.count():
            radios.last.check()
        else:
            question.locator("input[type=checkbox]").first.check()
    for box in page.locator(".assessment .field input[type=text], .assessment textarea").all():
        box.fill("无")


def check_navigation(
    page,
    base: str,
    step: str,
    label: str,
    later: str | None,
    earlier: str | None,
    earlier_label: str | None,
) -> None:
    """At the current step `step`: reload, back (and return), a typed later URL, a typed
    earlier URL. Ends on the current step."""
    here = f"{base}/{step}/"
    expect(title(page)).to_have_text(label)
    page.reload()
    expect(title(page)).to_have_text(label)
    response_back = page.go_back()
    assert response_back is None or response_back.status < 500
    expect(page.locator("main h1").first).to_be_visible()
    shot(page, f"nav-{step}-back")
    page.goto(here)
    expect(title(page)).to_have_text(label)
    if later:
        page.goto(f"{base}/{later}/")
        expect(page).to_have_url(re.compile(re.escape(here) + "$"))
        expect(page.locator(".messages")).to_contain_text(f"请先完成“{label}”")
    if earlier:
        page.goto(f"{base}/{earlier}/")
        expect(title(page)).to_have_text(earlier_label)
        expect(page.locator(".business-path")).to_have_text(HEADER)
        page.goto(here)
        expect(title(page)).to_have_text(label)


def test_back_reload_typed_urls_and_previous_step_never_break_the_journey(
    guarded, server_env, files, live_server_url
):
    page = guarded
    log_in(page, server_env, "zhou_jie_assessment")
    expect(title(page)).to_have_text("上传照片")
    number = re.search(r"/business/(\d{16})/", page.url).group(1)
    base = f"{live_server_url}/business/{number}"
    steps = {
        "photos": "上传照片",
        "basic_info": "个人基本资料",
        "exchanges": "交易所选择",
        "agreements": "阅读相关协议",
    }
    names = [
        re.search(r"/business/\d{16}/(\w+)/", href).group(1)
        for href in page.locator("ol.progress a").evaluate_all("links => links.map(a => a.href)")
    ]
    assert names[0] == "photos"

    # step 1
    check_navigation(page, base, "photos", "上传照片", "agreements", None, None)
    photos_step(page, files, "zhou_jie")
    step2 = page.url.removeprefix(base).strip("/")
    assert step2 in steps, page.url

    # step 2: the suitability assessment first, then the answers
    expect(page.locator(".assessment")).to_be_visible()
    shot(page, "zhou_jie-2a-assessment")
    check_navigation(page, base, step2, "个人基本资料", "exchanges", "photos", "上传照片")
    answer_assessment(page)
    next_step(page)
    expect(page.locator(".suitability-result")).to_be_visible()
    shot(page, "zhou_jie-2b-result")
    page.reload()
    expect(page.locator(".suitability-result")).to_be_visible()
    next_step(page)
    answer_basic_info(page)
    next_step(page)

    # step 3, and "上一步" back to step 2 with the answers kept
    check_navigation(page, base, "exchanges", "交易所选择", "agreements", step2, "个人基本资料")
    with page.expect_navigation():
        page.get_by_role("button", name="上一步").click()
    expect(title(page)).to_have_text("个人基本资料")
    for answer in ANSWERS:
        expect(page.get_by_label(answer, exact=True)).to_be_checked()
    expect(page.locator("[name=postal_code]")).to_have_value("100010")
    shot(page, "zhou_jie-2c-previous-kept")
    next_step(page)
    expect(title(page)).to_have_text("交易所选择")
    while page.locator(".suitability-notice").count():  # whatever class the assessment gave
        insist(page)
    page.get_by_label(DCE).check()
    next_step(page)
    while page.locator(".suitability-notice").count():
        insist(page)

    # step 4
    check_navigation(page, base, "agreements", "阅读相关协议", None, "exchanges", "交易所选择")
    agreements_step(page, "zhou_jie")

    # step 5: the witness page, reloaded and reached again
    at_witness_step(page, "zhou_jie")
    witness = page.url.removeprefix(base).strip("/")
    check_navigation(page, base, witness, "视频见证", None, "agreements", "阅读相关协议")
    abandon_from_my_business(page)
