"""Page-object helpers for whole journeys: what an investor, a witness agent and a reviewer do
on their pages, one function per step or decision, found by labels, roles and visible text
(not by the pages' CSS structure) wherever the page names its controls.

A journey is the investor's page walked step by step by `walk`, which reads the step's title
and calls that step's function, until the step a test wants to stop at: so a step that is
reopened (after a return or a rejection, or because an earlier change asks to confirm it again)
is simply walked again, with whatever it already holds.

Screenshots: `Shots` saves each step's page under a folder, named by the step; `make
screenshots` runs the phone journey with E2E_SCREENSHOTS=docs/screenshots (the README's tour).
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from PIL import Image, ImageDraw
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from clients.idnumber import check_char
from tests.e2e.test_investor_login import ask_for_code, open_login, sms_code_for
from tests.e2e.test_signing_journey import server_shell
from tests.photos.photos_helpers import card_photo

CALL_TIMEOUT_MS = 60_000  # a loaded 2-core machine has taken over 30 s to connect
SIGNING_TIMEOUT_MS = 45_000
FILE_CHOOSER_TIMEOUT_MS = 8_000
HEADER = re.compile(r"^业务办理/增开交易编码 \[受理单号:\d{16}\]$")
CONFIRM_REVISIT = (
    "尊敬的投资者您好，回访结果可能对您的业务办理造成影响，请您再次确认回访问卷答题是否准确。"
)
LETTER = "我已阅读并同意《数字证书安全责任书》"
PHOTO_SIDES = {"front": "身份证人像面", "back": "身份证国徽面", "signature": "签名照"}
ANSWERS = ["仅为中国税收居民", "无关系", "1年-5年", "稳健", "不存在", "本人", "期货、期权"]
KNOWLEDGE_TEST = "没有成绩报告单，参加在线知识测试"
PASSWORD = "Qihuo2468zz"
PHONE = {  # a phone's screen (390 x 844 CSS px), touch, and a mobile chromium's user agent
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Mobile Safari/537.36"
    ),
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}

NEW_CLIENT = """
import datetime
from clients.models import Client
from clients.selectors import client_by_id_number
from content.models import Branch
client_by_id_number(id_number="{id_number}") or Client.objects.create(
    client_no="{client_no}", id_number="{id_number}", name="{name}", mobile="{mobile}",
    id_valid_from=datetime.date(2016, 5, 31), id_valid_until=datetime.date(2036, 5, 31),
    id_address="示例省示例市示例区示例路 18 号", suitability_class="{suitability_class}",
    suitability_expires=datetime.date(2028, 6, 30), branch=Branch.objects.get(code="{branch}"))
print("ok")
"""


# --- people -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Investor:
    """A client on file of its own (so a journey shares nothing with other tests), in the branch
    of `agent_bj`; `exchanges` are what they choose, `notices` the notice titles their class
    must be shown (acknowledged twice each) and `warned` whether review may refuse them."""

    name: str
    id_number: str
    mobile: str
    client_no: str
    suitability_class: str
    exchanges: tuple[str, ...]
    branch: str = "0001"


def id_number(birth: str, serial: str) -> str:
    """A resident ID number with a valid GB 11643 check character (an address code of 北京)."""
    first17 = f"110101{birth}{serial}"
    return first17 + check_char(first17)


def investor_create(server_env: dict[str, str], investor: Investor) -> None:
    server_shell(
        server_env,
        NEW_CLIENT.format(
            id_number=investor.id_number,
            client_no=investor.client_no,
            name=investor.name,
            mobile=investor.mobile,
            suitability_class=investor.suitability_class,
            branch=investor.branch,
        ),
    )


# --- screenshots and what the pages answered ------------------------------------------------


@dataclass
class Shots:
    """Each step's page, saved as `<n>-<name>.png` in `folder` (nothing when folder is None).
    Full-page, at CSS pixels (a 390-px-wide PNG on the phone), to keep the files small.

    With `audit`, axe-core also checks each page shown (`violations`: its serious and critical
    findings by the page's name), so a journey checks every page it passes, the certificate,
    signing, revisit, witness call and review pages included."""

    folder: Path | None
    taken: list[Path] = field(default_factory=list)
    audit: bool = False
    audited: list[str] = field(default_factory=list)
    violations: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_environment(cls, *, audit: bool = False) -> Shots:
        folder = os.environ.get("E2E_SCREENSHOTS")
        return cls(Path(folder) if folder else None, audit=audit)

    def __call__(self, page, name: str, *, full_page: bool = True) -> None:
        """The page (whole, or what the window shows), as a 256-colour PNG: a tenth of the
        size of the full-colour one, and the pages are flat colours and text."""
        self.check(page, name)
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{len(self.taken) + 1:02d}-{name}.png"
        png = page.screenshot(full_page=full_page, scale="css", animations="disabled")
        image = Image.open(io.BytesIO(png)).convert("RGB")
        image.quantize(256, method=Image.Quantize.FASTOCTREE).save(path, optimize=True)
        self.taken.append(path)

    def check(self, page, name: str) -> None:
        """With `audit`, axe-core on the page as it is now; no picture (a state the tour does
        not show, e.g. an error)."""
        if self.audit:
            page.wait_for_load_state("load")
            found = axe_violations(page)
            self.audited.append(name)
            if found:
                self.violations[name] = found


AXE_BLOCKING = {"serious", "critical"}
AXE = Axe()


def axe_violations(page) -> list[str]:
    """axe's serious and critical violations of the page as it is now, one line each."""
    found = AXE.run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:4]}"
        for v in found
        if v["impact"] in AXE_BLOCKING
    ]


@dataclass
class Answers:
    """What a page's server answered: any 5xx, and any POST answered by a page instead of a
    redirect (reloading such a page would ask to send the form again)."""

    server_errors: list[str] = field(default_factory=list)
    posts_answered_with_a_page: list[str] = field(default_factory=list)
    post_navigations: int = 0

    def watch(self, page) -> Answers:
        page.on("response", self._seen)
        return self

    def _seen(self, response) -> None:
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.url}")
        request = response.request
        if request.method == "POST" and request.is_navigation_request():
            self.post_navigations += 1
            if not 300 <= response.status < 400:
                self.posts_answered_with_a_page.append(f"{response.status} {response.url}")


# --- the investor ----------------------------------------------------------------------------


def upload_files(folder: Path) -> dict[str, Path]:
    """The two sides of an ID card (the synthetic photo generator) and a signature photo."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {side: folder / f"{side}.jpg" for side in PHOTO_SIDES}
    for side in ("front", "back"):
        paths[side].write_bytes(card_photo(side)[0])
    signature = Image.new("RGB", (1280, 960), (228, 226, 220))
    ImageDraw.Draw(signature).line(
        [(300, 520), (420, 380), (520, 560), (650, 400), (780, 540), (960, 430)],
        fill=(25, 25, 40),
        width=9,
    )
    buffer = io.BytesIO()
    signature.save(buffer, "JPEG", quality=90)
    paths["signature"].write_bytes(buffer.getvalue())
    return paths


def title(page):
    return page.locator("#step-title")


def next_step(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="下一步").click()


def investor_log_in(page, server_env, investor: Investor, shots: Shots | None = None) -> None:
    """The device check, the ID number and captcha, the SMS code from the demo's SMS outbox
    page (/dev/sms/, the demo's phone), the consent, "马上登录"."""
    open_login(page)
    if shots:
        shots(page, "login")
    ask_for_code(page, server_env, investor.id_number)
    expect(page.get_by_text("验证码已发送")).to_be_visible()
    page.get_by_label("短信验证码").fill(sms_code_for(page, investor.mobile))
    page.get_by_label(re.compile("我已阅读并同意")).first.check()
    if shots:
        shots(page, "login-code")
    with page.expect_navigation():
        page.get_by_role("button", name="马上登录").click()


def acceptance_number(page) -> str:
    return re.search(r"/business/(\d{16})/", page.url).group(1)


def photo_input(page, side: str):
    """The file input of one photo, inside the group its card's name labels."""
    return page.get_by_role("group", name=PHOTO_SIDES[side]).locator("input[type=file]").first


def photos(page, files: dict[str, Path], shots: Shots, retake: tuple[str, ...] = ()) -> None:
    """Each photo not yet on file (and each in `retake`) uploaded, the letter agreed, then the
    processed photos shown for confirmation, "下一步" again."""
    expect(page.locator(".business-path")).to_have_text(HEADER)
    shots(page, "photos")
    for side in PHOTO_SIDES:
        group = page.get_by_role("group", name=PHOTO_SIDES[side])
        if side in retake or not group.get_by_role("img").count():
            photo_input(page, side).set_input_files(files[side])
    letter = page.get_by_label(LETTER)
    if not letter.is_checked():
        letter.check()
    next_step(page)
    if page.locator("#step-title").inner_text() == "上传照片":  # shown for confirmation
        for side in PHOTO_SIDES:
            expect(
                page.get_by_role("group", name=PHOTO_SIDES[side]).get_by_role("img").first
            ).to_be_visible()
        expect(page.get_by_role("img", name="从签名照中提取的签名")).to_be_visible()
        shots(page, "photos-processed")
        next_step(page)


def basic_info(page, shots: Shots) -> None:
    for answer in ANSWERS:
        page.get_by_label(answer, exact=True).check()
    page.get_by_role("group", name=re.compile("不良诚信记录")).get_by_label(
        "无", exact=True
    ).check()
    page.get_by_label(re.compile("联系地址")).fill("北京市东城区东长安街1号")
    page.get_by_label(re.compile("邮政编码")).fill("100010")
    shots(page, "basic-info")
    next_step(page)


def acknowledge_notices(page, shots: Shots, label: str) -> list[str]:
    """Every notice shown now, acknowledged ("坚持" / "我已知悉"); their titles."""
    seen = []
    while page.get_by_role("dialog").count():
        dialog = page.get_by_role("dialog")
        seen.append(dialog.get_by_role("heading").first.inner_text())
        shots(page, f"{label}-{len(seen)}")
        with page.expect_navigation():
            dialog.get_by_role("button").first.click()
    return seen


def exchanges(page, investor: Investor, shots: Shots) -> list[str]:
    """Notices before the choice, the choice (the knowledge test where score reports are asked),
    notices after it; the titles of every notice shown, in order."""
    shown = acknowledge_notices(page, shots, "notice-before")
    for name in investor.exchanges:
        box = page.get_by_label(name)
        if box.is_enabled() and not box.is_checked():
            box.check()
    if page.get_by_label(KNOWLEDGE_TEST).count() and page.get_by_label(KNOWLEDGE_TEST).is_visible():
        page.get_by_label(KNOWLEDGE_TEST).check()
    shots(page, "exchanges")
    next_step(page)
    if title(page).inner_text() == "交易所选择":
        shown += acknowledge_notices(page, shots, "notice-after")
    return shown


def agreements(page, shots: Shots) -> None:
    boxes = page.get_by_role("region")
    for n in range(boxes.count()):
        box = boxes.nth(n)
        box.scroll_into_view_if_needed()
        box.evaluate("box => { box.scrollTop = box.scrollHeight; }")
    for status in page.locator(".agreement-status").all():
        expect(status).to_have_text("已阅读至末尾")
    shots(page, "agreements")
    next_step(page)


def queue_for_witness(page, shots: Shots) -> None:
    shots(page, "witness")
    with page.expect_navigation():
        page.get_by_role("button", name="开始视频").click()
    expect(page.locator(".witness-waiting")).to_have_text(re.compile(r"^\d+$"))
    shots(page, "witness-queued")


def video_playing(page) -> None:
    """The other side's video has frames (its size is known only once frames arrive)."""
    page.wait_for_function(
        "() => { const v = document.querySelector('.witness-remote');"
        " return v && v.srcObject && v.videoWidth > 0; }",
        timeout=CALL_TIMEOUT_MS,
    )


def install_certificate(page, shots: Shots) -> None:
    """Installed with the password (unless this device already holds the certificate)."""
    shots(page, "certificate")
    if not page.get_by_role("button", name="安装证书").is_visible():
        expect(page.get_by_role("button", name="下一步")).to_be_enabled()
        next_step(page)
        return
    page.get_by_label("证书密码", exact=True).fill(PASSWORD)
    page.get_by_label("确认证书密码").fill(PASSWORD)
    page.get_by_role("button", name="安装证书").click()
    expect(page.get_by_text("数字证书安装成功。")).to_be_visible(timeout=SIGNING_TIMEOUT_MS)
    shots(page, "certificate-installed")
    next_step(page)


def sign(page, shots: Shots) -> None:
    """Every document signed with the password (unless all are signed already)."""
    shots(page, "signing")
    if not page.get_by_role("button", name="签署全部协议").is_visible():
        expect(page.get_by_role("button", name="下一步")).to_be_enabled()
        next_step(page)
        return
    page.get_by_label("证书密码").fill(PASSWORD)
    page.get_by_role("button", name="签署全部协议").click()
    expect(page.get_by_text("全部协议已签署，请点击“下一步”。")).to_be_visible(
        timeout=SIGNING_TIMEOUT_MS
    )
    shots(page, "signed")
    next_step(page)


def answer_revisit(page) -> None:
    """The honest answers: "是" to each question, except "否" to someone else operating the
    account or promising a return; the first option of any other question."""
    for question in page.locator("fieldset.question").all():
        legend = question.locator("legend").inner_text()
        wanted = "否" if ("他人" in legend or "承诺" in legend) else "是"
        choice = question.get_by_label(wanted, exact=True)
        (choice if choice.count() else question.locator("input").first).check()


def revisit(page, shots: Shots) -> list[str]:
    """Answered, "下一步", the confirm dialog accepted; the dialog's messages."""
    answer_revisit(page)
    shots(page, "revisit")
    said: list[str] = []
    page.once("dialog", lambda dialog: (said.append(dialog.message), dialog.accept()))
    next_step(page)
    return said


# --- the walk -----------------------------------------------------------------------------


@dataclass
class Journey:
    """One investor's browser page and what their walk needs and saw."""

    page: object
    investor: Investor
    files: dict[str, Path]
    shots: Shots
    notices: list[str] = field(default_factory=list)
    confirmations: list[str] = field(default_factory=list)
    retake: tuple[str, ...] = ()
    at_each_step: Callable[[object, str], None] | None = None

    def step(self) -> str:
        return title(self.page).inner_text()

    def walk(self, *, until: str = "") -> str:
        """Completes each step the server shows, until the step titled `until` shows, or the
        page is no step at all (the business submitted). Returns where it stopped: that step's
        title, or "" off the steps."""
        for _ in range(20):
            self.page.wait_for_load_state()
            if not title(self.page).count():
                return ""
            here = self.step()
            if here == until:
                return here
            if self.at_each_step:
                self.at_each_step(self.page, here)
            self._complete(here)
        raise AssertionError(f"the walk did not reach {until!r}; it is at {self.step()!r}")

    def walk_to_submission(self, agent) -> None:
        """Every step due, with a video witness whenever the server asks for one, up to the
        revisit's confirmation, which submits the business."""
        while self.walk(until="视频见证"):
            witnessed(self, agent)

    def _complete(self, here: str) -> None:
        page, shots = self.page, self.shots
        if here == "上传照片":
            photos(page, self.files, shots, self.retake)
            self.retake = ()
        elif here == "个人基本资料":
            basic_info(page, shots)
        elif here == "交易所选择":
            self.notices += exchanges(page, self.investor, shots)
        elif here == "阅读相关协议":
            agreements(page, shots)
        elif here == "安装数字证书":
            install_certificate(page, shots)
        elif here == "签署协议":
            sign(page, shots)
        elif here == "在线回访":
            self.confirmations += revisit(page, shots)
            return
        else:
            raise AssertionError(f"no one walks the step {here!r} here")


# --- the witness agent --------------------------------------------------------------------


def agent_take(agent, number: str) -> None:
    """In the witness console, the investor is in the queue: "接入下一位"."""
    agent.goto("/console/witness/")
    expect(agent.get_by_role("table")).to_contain_text(number)
    with agent.expect_navigation():
        agent.get_by_role("button", name="接入下一位").click()
    expect(agent.get_by_role("heading", level=1)).to_contain_text(number)


def fits_the_screen(page) -> None:
    """Nothing wider than the window: no sideways scrolling (the phone's call once had it)."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} is {overflow} px wider than the screen"


def call_connected(investor_page, agent) -> None:
    for side in (investor_page, agent):
        expect(side.get_by_text("视频已接通。")).to_be_visible(timeout=CALL_TIMEOUT_MS)
        video_playing(side)


def agent_tick_and_pass(agent) -> None:
    """A portrait snapshot taken; every check of the checklist confirmed with it as its evidence
    (chosen from the check's list), then "见证通过"."""
    agent.get_by_role("button", name="人像截图").click()
    expect(agent.locator(".witness-snapshots figure")).to_have_count(1)
    checklist = agent.get_by_role("heading", name="见证检查项").locator("xpath=..")
    for _ in range(30):
        buttons = checklist.get_by_role("button", name="确认")
        if not buttons.count():
            break
        count = buttons.count()
        form = buttons.first.locator("xpath=ancestor::form")
        evidence = form.get_by_role("combobox")
        evidence.select_option(
            evidence.locator("option[value^='snapshot:']").first.get_attribute("value")
        )
        buttons.first.click()
        expect(buttons).to_have_count(count - 1)
    with agent.expect_navigation():
        agent.get_by_role("button", name="见证通过").click()
    expect(agent.get_by_role("heading", level=1)).to_have_text("见证坐席台")


def agent_return(agent, step_label: str, reason: str) -> None:
    agent.get_by_label("退回到步骤").select_option(label=step_label)
    agent.get_by_label("退回原因（投资者可见）").fill(reason)
    with agent.expect_navigation():
        agent.get_by_role("button", name="退回修改").click()
    expect(agent.get_by_role("heading", level=1)).to_have_text("见证坐席台")


def witnessed(journey: Journey, agent, *, returned_to: tuple[str, str] | None = None) -> None:
    """The investor queues; the agent takes them, the call connects (both see video); the agent
    passes (the investor's page moves on by itself) or returns to a step with a reason."""
    page = journey.page
    number = acceptance_number(page)
    queue_for_witness(page, journey.shots)
    agent_take(agent, number)
    call_connected(page, agent)
    fits_the_screen(page)
    journey.shots(page, "witness-call")
    journey.shots(agent, "witness-agent-call", full_page=False)
    if returned_to:
        agent_return(agent, *returned_to)
        page.wait_for_url(lambda url: "/witness/" not in url, timeout=CALL_TIMEOUT_MS)
        return
    agent_tick_and_pass(agent)
    page.wait_for_url(lambda url: "/witness/" not in url, timeout=CALL_TIMEOUT_MS)


# --- the reviewer -------------------------------------------------------------------------


def review_open(reviewer, number: str) -> None:
    reviewer.goto("/console/review/")
    with reviewer.expect_navigation():
        reviewer.get_by_role("link", name=number).click()
    with reviewer.expect_navigation():
        reviewer.get_by_role("button", name="开始复核").click()


def reviewer_approve(reviewer, number: str, shots: Shots | None = None) -> dict[str, str]:
    """Takes the application and approves it with a trading code per requested exchange (the
    exchange's member number and an 8-digit client number); the codes by exchange name."""
    review_open(reviewer, number)
    if shots:
        shots.check(reviewer, "review-application")
    codes = {}
    form = reviewer.locator("form").filter(has=reviewer.get_by_role("button", name="复核通过"))
    inputs = form.locator("input[required]")
    for n in range(inputs.count()):
        box = inputs.nth(n)
        label = reviewer.locator(f"label[for='{box.get_attribute('id')}']").inner_text()
        member = re.search(r"会员号 (\d{4})", label)
        code = (member.group(1) if member else "0000") + f"{int(number[-8:]) + n:08d}"[-8:]
        box.fill(code)
        codes[label.split("（")[0].strip()] = code  # by the exchange's name
    application = reviewer.url
    with reviewer.expect_navigation():
        reviewer.get_by_role("button", name="复核通过").click()
    reviewer.goto(application)
    expect(reviewer.get_by_role("heading", name="新开交易编码")).to_be_visible()
    return codes


def reviewer_reject(reviewer, number: str, step_label: str, reason: str) -> None:
    review_open(reviewer, number)
    form = reviewer.locator("form").filter(has=reviewer.get_by_role("button", name="驳回"))
    form.get_by_role("combobox").select_option(label=step_label)
    form.get_by_role("textbox").fill(reason)
    application = reviewer.url
    with reviewer.expect_navigation():
        form.get_by_role("button", name="驳回").click()
    reviewer.goto(application)
    expect(reviewer.get_by_text("复核驳回").first).to_be_visible()


# --- my business ------------------------------------------------------------------------------


def my_business(page) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name="我的业务").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的业务")


def business_card(page, number: str):
    return page.locator("article").filter(has_text=number)


# --- the keyboard alone -----------------------------------------------------------------------


def has_focus(target) -> bool:
    return target.evaluate("element => element === document.activeElement")


def tab_to(page, target, *, limit: int = 150) -> None:
    """Tab until `target` has the focus (it must be reachable by Tab alone)."""
    for _ in range(limit):
        if has_focus(target):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


def key_choose(page, target) -> None:
    """A radio button: Tab into its group, then the arrow keys until it is checked; a checkbox:
    Tab to it and Space."""
    if target.get_attribute("type") == "radio":
        name = target.get_attribute("name")
        for _ in range(150):
            if page.evaluate("name => document.activeElement.name === name", name):
                break
            page.keyboard.press("Tab")
        for _ in range(12):
            if target.is_checked():
                return
            page.keyboard.press("ArrowDown")
        raise AssertionError(f"the arrow keys never checked {target}")
    tab_to(page, target)
    if not target.is_checked():
        page.keyboard.press("Space")
    expect(target).to_be_checked()


def key_type(page, target, text: str) -> None:
    tab_to(page, target)
    page.keyboard.type(text)


def key_press_button(page, button, key: str = "Enter") -> None:
    """Tab to a button and press it, waiting for the page it leads to."""
    tab_to(page, button)
    with page.expect_navigation():
        page.keyboard.press(key)


def key_file(page, file_input, path: Path) -> None:
    """Tab to a file input and open it with Space; the chooser gets the file, which its tile then
    previews."""
    tab_to(page, file_input)
    for attempt in (1, 2):
        try:
            with page.expect_file_chooser(timeout=FILE_CHOOSER_TIMEOUT_MS) as chooser:
                page.keyboard.press("Space")
            break
        except PlaywrightTimeoutError:
            # On a loaded 2-core machine chromium has, once in many runs, not opened the chooser
            # for a Space on the focused input (cause not found); a person presses it again.
            if attempt == 2:
                raise
            tab_to(page, file_input)
    chooser.value.set_files(path)
    slot = file_input.locator("xpath=ancestor::*[@data-photo-slot]")
    expect(slot.locator(".photo-chosen")).to_be_visible()
