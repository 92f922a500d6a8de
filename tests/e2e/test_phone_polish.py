"""The investor's pages on a 390 × 844 phone, as a new user met them: words in the header never
break across lines, nor does the acceptance number; every tap target is at least 44 px; the
progress bar says which steps cannot be opened yet; each photo is a card-shaped tile that opens
the camera, previews the chosen photo, offers to retake it and shows its own refusal; without
JavaScript the plain file inputs still work."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import _new_context
from tests.e2e.test_investor_journeys import (
    abandon_from_my_business,
    files,  # noqa: F401 (the upload files fixture)
    log_in,
    next_step,
    photos_step,
    title,
)
from tests.e2e.test_investor_login import open_login

MIN_TARGET = 44

# The most lines any text node inside the element takes (1: nothing wrapped).
LINES = """el => {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let most = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
                         .map(r => Math.round(r.top)));
    most = Math.max(most, tops.size);
  }
  return most;
}"""


def assert_one_line(locator, what: str) -> None:
    assert locator.count() > 0, f"{what}: not on the page"
    for element in locator.all():
        assert element.evaluate(LINES) == 1, f"{what} wraps: {element.inner_text()!r}"


def assert_tap_target(locator, what: str) -> None:
    assert locator.count() > 0, f"{what}: not on the page"
    for element in locator.all():
        box = element.bounding_box()
        assert box is not None, f"{what} is not shown"
        assert box["height"] >= MIN_TARGET and box["width"] >= MIN_TARGET, (
            f"{what} {element.inner_text()!r} is {box['width']:.0f} × {box['height']:.0f} px"
        )


def assert_no_sideways_scroll(page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def acceptance_number(page) -> str:
    return re.search(r"/business/(\d{16})/", page.url).group(1)


def test_header_words_and_the_acceptance_number_never_wrap_at_390px(phone_page, server_env):
    page = phone_page
    log_in(page, server_env, "wang_fang_c2")
    expect(title(page)).to_have_text("上传照片")

    # the header: the company's name, "我的业务", "退出登录"
    assert_one_line(page.locator(".site-header .brand"), "the company name")
    assert_one_line(page.get_by_role("link", name="我的业务"), "我的业务")
    assert_one_line(page.get_by_role("button", name="退出登录"), "退出登录")
    assert_one_line(page.locator(".business-path .nowrap"), "the step's acceptance number")
    assert_one_line(page.locator(".progress li"), "a step of the progress bar")
    assert_no_sideways_scroll(page)

    # my business: the acceptance number of each business
    number = acceptance_number(page)
    page.goto("/business/")
    assert_one_line(page.locator(".acceptance-number"), "the acceptance number in my business")
    assert_one_line(page.get_by_role("button", name="退出登录"), "退出登录")
    assert_no_sideways_scroll(page)
    page.goto(f"/business/{number}/")
    abandon_from_my_business(page)


def test_tap_targets_are_at_least_44px_on_a_phone(phone_page, server_env, files):  # noqa: F811
    page = phone_page
    open_login(page)
    assert_tap_target(page.locator(".captcha-refresh"), "看不清？换一张")
    assert_tap_target(page.locator(".site-footer a[href^='tel:']"), "the hotline")
    assert_tap_target(page.locator("#language"), "the language switch")

    log_in(page, server_env, "zhang_wei_c3")
    expect(title(page)).to_have_text("上传照片")
    assert_tap_target(page.locator(".photo-tile"), "a photo tile")
    assert_tap_target(page.locator(".photo-action"), "a photo's take / retake")
    photos_step(page, files, "polish-zhang_wei")
    expect(title(page)).to_have_text("个人基本资料")
    assert_tap_target(page.locator(".progress a"), "a progress link")
    assert_tap_target(page.get_by_role("link", name="我的业务"), "我的业务")
    assert_tap_target(page.get_by_role("button", name="退出登录"), "退出登录")
    assert_tap_target(page.get_by_role("button", name="上一步"), "上一步")
    assert_tap_target(page.get_by_role("button", name="下一步"), "下一步")
    abandon_from_my_business(page)


def test_the_progress_bar_says_which_steps_cannot_be_opened_yet(phone_page, server_env):
    page = phone_page
    log_in(page, server_env, "zhao_lei_pro")
    expect(title(page)).to_have_text("上传照片")
    steps = page.locator(".progress li")
    later = page.locator(".progress li.later")

    # every step after the current one: no link, a visible "未开放", and the reason for a
    # screen reader
    expect(later).to_have_count(steps.count() - 1)
    for item in later.all():
        expect(item.locator("a")).to_have_count(0)
        expect(item.locator(".progress-later")).to_be_visible()
        expect(item.locator(".progress-later")).to_contain_text("未开放")
        expect(item).to_contain_text("完成前面的步骤后才能办理")
    expect(page.locator(".progress li[aria-current=step] a")).to_have_count(1)
    abandon_from_my_business(page)


def test_each_photo_is_a_tile_that_previews_the_chosen_photo_and_shows_its_own_refusal(
    phone_page,
    server_env,
    files,  # noqa: F811
):
    page = phone_page
    log_in(page, server_env, "chen_jing_c5")
    expect(title(page)).to_have_text("上传照片")
    front = page.locator("[data-photo-slot]").filter(has=page.locator("#id_front"))
    back = page.locator("[data-photo-slot]").filter(has=page.locator("#id_back"))

    # given a tile per photo that opens the rear camera; its input hides behind it
    for side in ("front", "back", "signature"):
        control = page.locator(f"#id_{side}")
        expect(control).to_have_attribute("accept", "image/*")
        expect(control).to_have_attribute("capture", "environment")
    assert page.locator("#id_front").bounding_box()["width"] <= 1
    expect(front.locator(".photo-guide")).to_be_attached()

    # when a photo is chosen, it shows in its tile before upload, and the tile offers a retake
    page.locator("#id_front").set_input_files(files["front"])
    expect(front.locator(".photo-chosen")).to_be_visible()
    expect(front.locator(".photo-chosen")).to_have_attribute("src", re.compile(r"^blob:"))
    expect(front.locator(".photo-action")).to_have_text("重新拍摄")
    expect(front.locator(".photo-hint")).to_contain_text("front.jpg")

    # and a refused photo says so beside itself, and the summary names it
    page.locator("#id_back").set_input_files(
        {"name": "back.jpg", "mimeType": "image/jpeg", "buffer": b"not a photo"}
    )
    next_step(page)
    expect(back.locator(".photo-refusal")).to_contain_text("身份证国徽面未通过")
    expect(front.locator(".photo-refusal")).to_have_count(0)
    expect(page.locator(".error-summary a[href='#id_back']")).to_have_text("身份证国徽面")
    expect(page.locator("#id_back")).to_have_attribute("aria-describedby", "back-hint back-error")
    number = acceptance_number(page)

    # without JavaScript the browser's own file inputs are there and work
    state = page.context.storage_state()
    plain = _new_context(
        page.context.browser,
        re.match(r"https?://[^/]+", page.url).group(0),
        viewport={"width": 390, "height": 844},
        java_script_enabled=False,
        storage_state=state,
    )
    try:
        bare = plain.new_page()
        bare.goto(f"/business/{number}/photos/")
        assert bare.locator("#id_signature").bounding_box()["width"] > 44
        bare.locator("#id_signature").set_input_files(files["signature"])
        with bare.expect_navigation():
            bare.get_by_role("button", name="下一步").click()
        expect(bare.locator(".messages")).to_contain_text("照片已处理")
    finally:
        plain.close()
    page.goto(f"/business/{number}/")
    abandon_from_my_business(page)
