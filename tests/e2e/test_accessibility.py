"""Accessibility in a real browser: axe-core (the engine bundled by the axe-playwright-python
package, installed from PyPI with the test requirements) on every investor page and state, errors
included, on a phone; and on the staff pages (login, second factor, witness and review consoles)
on a desktop. No violation of impact "serious" or "critical" is allowed.

And the keyboard alone: on the investor's pages Tab reaches every control in the order of the
page, each showing where the focus is.

Each test collects every page's violations before asserting, so one run names them all."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, _second_factor
from tests.e2e.journey import axe_violations
from tests.e2e.test_investor_journeys import (
    SHFE,
    UNKNOWN_ID,
    abandon_from_my_business,
    agreements_step,
    answer_assessment,
    answer_basic_info,
    files,  # noqa: F401 (the upload files fixture)
    insist,
    log_in,
    next_step,
    photos_step,
    title,
)
from tests.e2e.test_investor_login import ask_for_code, devices_checked, open_login


class Audit:
    """Runs axe on each state it is shown, keeping what it found by a name."""

    def __init__(self, page) -> None:
        self.page = page
        self.found: dict[str, list[str]] = {}

    def __call__(self, name: str) -> None:
        self.page.wait_for_load_state("load")
        self.found[name] = axe_violations(self.page)

    def assert_clean(self) -> None:
        assert len(self.found) > 0
        assert {name: lines for name, lines in self.found.items() if lines} == {}


def test_the_checker_finds_the_violations_this_project_had(page):
    # given the error list of the photo step as it was, and an image without a text
    page.set_content(
        '<html lang="zh-CN"><head><title>t</title></head><body><main>'
        '<ul class="errorlist" role="alert"><li>照片太模糊</li></ul>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>'
    )

    # when / then
    found = " ".join(axe_violations(page))
    assert "listitem (serious)" in found
    assert "image-alt (critical)" in found


# --- the investor's pages ------------------------------------------------------------------


def test_the_entry_pages_and_the_login_states_have_no_serious_violations(phone_page, server_env):
    page = phone_page
    audit = Audit(page)
    page.goto("/")
    audit("landing")
    articles = [
        href
        for href in page.locator("main a[href^='/']").evaluate_all(
            "links => links.map(a => a.pathname)"
        )
        if not href.startswith(("/investor/", "/business/"))
    ]
    for href in articles[:3]:  # investor education and help pages (CMS)
        page.goto(href)
        audit(f"cms page {href}")
    open_login(page)
    audit("login")
    ask_for_code(page, server_env, UNKNOWN_ID)
    expect(page.locator("#error-summary")).to_be_visible()
    audit("login refused")
    page.goto("/no-such-page/")
    expect(page.locator("main h1")).to_have_text("页面不存在")
    audit("404")
    audit.assert_clean()


def test_every_step_up_to_the_witness_and_its_errors_have_no_serious_violations(
    phone_page,
    server_env,
    files,  # noqa: F811
):
    page = phone_page
    audit = Audit(page)
    log_in(page, server_env, "liu_yang_c4")
    expect(title(page)).to_have_text("上传照片")
    audit("photos")
    page.locator("#id_back").set_input_files(
        {"name": "back.jpg", "mimeType": "image/jpeg", "buffer": b"not a photo"}
    )
    audit("photos: one chosen, previewed")
    next_step(page)
    expect(page.locator(".photo-refusal")).to_have_count(1)
    audit("photos: refused")
    photos_step(page, files, "a11y-liu_yang")
    expect(title(page)).to_have_text("个人基本资料")
    audit("basic information")
    next_step(page)
    expect(page.locator(".error-summary")).to_be_visible()
    audit("basic information: errors")
    answer_basic_info(page)
    next_step(page)
    expect(title(page)).to_have_text("交易所选择")
    audit("exchanges")
    next_step(page)
    expect(page.locator(".error-summary")).to_be_visible()
    audit("exchanges: errors")
    page.get_by_label(SHFE).check()
    next_step(page)
    expect(title(page)).to_have_text("阅读相关协议")
    audit("agreements")
    page.get_by_role("button", name="下一步").click()
    expect(page.locator(".agreements-alert, .error-summary").first).to_be_visible()
    audit("agreements: not read to the end")
    agreements_step(page, "a11y-liu_yang")
    expect(title(page)).to_have_text("视频见证")
    audit("witness")
    number = acceptance_number(page)
    page.goto("/business/")
    audit("my business")
    give_up(page, number)
    audit("my business: given up")
    audit.assert_clean()


def acceptance_number(page) -> str:
    return re.search(r"/business/(\d{16})/", page.url).group(1)


def give_up(page, number: str) -> None:
    """Back to the business's current step, then given up from my business (the journeys'
    helper), so that later tests find the client without a pending business."""
    page.goto(f"/business/{number}/")
    abandon_from_my_business(page)


def test_the_assessment_and_the_notices_of_a_c1_investor_have_no_serious_violations(
    phone_page,
    server_env,
    files,  # noqa: F811
):
    page = phone_page
    audit = Audit(page)
    # the assessment: a client whose suitability assessment expired
    log_in(page, server_env, "zhou_jie_assessment")
    photos_step(page, files, "a11y-zhou_jie")
    expect(page.locator(".assessment")).to_be_visible()
    audit("suitability assessment")
    next_step(page)
    expect(page.locator(".error-summary")).to_be_visible()
    audit("suitability assessment: errors")
    answer_assessment(page)
    next_step(page)
    audit("suitability assessment: result")
    abandon_from_my_business(page)
    # the notices a C1 investor acknowledges twice before choosing
    page.context.clear_cookies()
    log_in(page, server_env, "li_ming_c1")
    photos_step(page, files, "a11y-li_ming")
    answer_basic_info(page)
    next_step(page)
    expect(page.locator("#notice-title")).to_contain_text("第一次告知")
    audit("exchanges: first notice")
    insist(page)
    audit("exchanges: second notice")
    abandon_from_my_business(page)
    audit.assert_clean()


# --- the staff pages -----------------------------------------------------------------------


def test_the_staff_login_and_the_consoles_have_no_serious_violations(page):
    audit = Audit(page)
    page.goto("/staff/login/")
    audit("staff login")
    page.fill("#id_username", "agent_bj")
    page.fill("#id_password", "wrong password")
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")
    expect(page.locator(".errorlist")).to_be_visible()
    audit("staff login: refused")
    page.fill("#id_username", "agent_bj")
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")
    if page.url.split("?")[0].endswith("/staff/otp/"):
        audit("second factor")
        _second_factor(page, "agent_bj")
    page.goto("/staff/")
    audit("staff home")
    page.goto("/console/witness/")
    audit("witness console")
    page.goto("/console/review/")
    expect(page.locator("main h1")).to_have_text("无权访问")
    audit("403")
    page.context.clear_cookies()
    log_in_reviewer(page)
    page.goto("/console/review/")
    audit("review console")
    audit.assert_clean()


def log_in_reviewer(page) -> None:
    page.goto("/staff/login/")
    page.fill("#id_username", "reviewer")
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")
    if page.url.split("?")[0].endswith("/staff/otp/"):
        _second_factor(page, "reviewer")


# --- the keyboard alone --------------------------------------------------------------------

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  // where the focus shows: the element itself, or the photo tile a hidden photo input labels
  const shown = el.matches('.photo-input')
    ? el.nextElementSibling.querySelector('.photo-frame') : el;
  const style = getComputedStyle(shown);
  const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
               || (style.boxShadow && style.boxShadow !== 'none');
  const all = [...document.querySelectorAll('*')];
  return {index: all.indexOf(el), ring: ring,
          name: [el.id, el.name, el.textContent.trim().slice(0, 20)].join(' ').trim()};
}"""


SLOW_DEVICE_CHECK = """(() => {
  const devices = navigator.mediaDevices, ask = devices.getUserMedia.bind(devices);
  devices.getUserMedia = (constraints) =>
    new Promise((resolve) => setTimeout(resolve, 1500)).then(() => ask(constraints));
})()"""


def tab_through(page, limit: int = 60, ready=None) -> list[dict]:
    """Tab from the top of the page until the focus leaves it (or `limit` presses). `ready`
    waits, after the reload, for what the page's scripts enable (the login page's buttons stay
    disabled, and so out of the Tab order, until its device check has passed)."""
    page.reload()  # the focus starts before the first element of the page
    if ready is not None:
        ready(page)
    stops: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or (stops and focused["index"] == stops[0]["index"]):
            break
        stops.append(focused)
    return stops


def assert_keyboard_order(stops: list[dict], must_reach: list[str]) -> None:
    indexes = [stop["index"] for stop in stops]
    assert indexes == sorted(indexes), f"Tab order is not the page's order: {stops}"
    unringed = [stop["name"] for stop in stops if not stop["ring"]]
    assert unringed == [], f"focus not visible on {unringed}"
    names = " ".join(stop["name"] for stop in stops)
    for name in must_reach:
        assert name in names, f"{name!r} not reachable by Tab: {names}"


def test_the_investor_pages_work_with_the_keyboard_alone(page, server_env, files):  # noqa: F811
    # the login page: every field and button in order, the focus visible on each; its device
    # check made slow, as on a loaded phone, for its buttons are out of the Tab order until it
    # has passed (CI once tabbed through before it had)
    page.add_init_script(SLOW_DEVICE_CHECK)
    open_login(page)
    assert_keyboard_order(
        tab_through(page, ready=devices_checked),
        [
            "跳到正文",
            "id_id_number",
            "id_captcha_1",
            "看不清？换一张",
            "id_consent",
            "login-button",
        ],
    )

    # the photo step: Tab reaches each photo's control, whose tile shows the focus, and the
    # keyboard opens the file chooser (the camera on a phone)
    log_in(page, server_env, "chen_jing_c5")
    expect(title(page)).to_have_text("上传照片")
    stops = tab_through(page)
    assert_keyboard_order(
        stops, ["跳到正文", "我的业务", "id_front", "id_back", "id_signature", "下一步"]
    )
    page.locator("#id_front").focus()
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(files["front"])
    expect(page.locator("[data-photo-slot]").first.locator(".photo-chosen")).to_be_visible()

    # the basic information: every question reachable, in order
    photos_step(page, files, "keyboard-chen_jing")
    expect(title(page)).to_have_text("个人基本资料")
    assert_keyboard_order(tab_through(page, limit=80), ["contact_address", "postal_code", "下一步"])

    # my business
    number = acceptance_number(page)
    page.goto("/business/")
    assert_keyboard_order(tab_through(page), ["继续办理", "放弃"])
    give_up(page, number)
