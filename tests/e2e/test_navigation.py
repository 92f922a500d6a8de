"""Reload, back and typed URLs at every step of a whole business, on a desktop (this is the
whole journey's desktop run): the server decides the current step, so a reload shows the same
step, back never breaks the flow, a typed URL of a later step leads back to the current one, a
typed URL of an earlier step shows that step (or the current one); and no page is ever the
direct answer to a POST, so a reload never asks to send a form again. After approval, every
step's URL is safe too."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import _new_context
from tests.e2e.journey import DESKTOP, Answers, Shots, upload_files
from tests.e2e.test_journey_whole import WHOLE, whole_business

# A whole business, with a real call and real signatures, on a 2-core machine shared with other
# work; the first test of the folder also waits for the server's migration and demo data.
pytestmark = pytest.mark.timeout(600)

# the default flow's steps, in order: (URL name, title)
STEPS = [
    ("photos", "上传照片"),
    ("basic_info", "个人基本资料"),
    ("exchanges", "交易所选择"),
    ("agreements", "阅读相关协议"),
    ("witness", "视频见证"),
    ("certificate", "安装数字证书"),
    ("sign", "签署协议"),
    ("revisit", "在线回访"),
]
TITLES = dict(STEPS)


@pytest.fixture
def desktop(browser, live_server_url):
    context = _new_context(browser, live_server_url, **DESKTOP)
    try:
        yield context.new_page()
    finally:
        context.close()


def title(page):
    return page.locator("#step-title")


def check_step_urls(page, here: str) -> None:
    """At the step titled `here`: reload, back and forward, each other step's URL typed."""
    base = re.sub(r"/[a-z_]+/$", "", page.url.split("?")[0])
    current = page.url.split("?")[0]
    names = [name for name, _ in STEPS]
    position = [label for _, label in STEPS].index(here)

    reloaded = page.reload()
    assert reloaded is not None and reloaded.request.method == "GET"
    assert reloaded.status == 200
    expect(title(page)).to_have_text(here)

    back = page.go_back()
    assert back is None or (back.request.method == "GET" and back.status < 400), back
    expect(page.locator("main")).to_be_visible()
    forward = page.go_forward()
    assert forward is None or (forward.request.method == "GET" and forward.status < 400)
    page.goto(current)
    expect(title(page)).to_have_text(here)

    for n, name in enumerate(names):
        response = page.goto(f"{base}/{name}/")
        assert response is not None and response.status == 200, (name, response)
        if n > position:  # never skips ahead: back to the current step, saying what is due
            expect(page).to_have_url(current)
            expect(title(page)).to_have_text(here)
        else:  # an earlier step is shown as it is (read-only once locked), or the current one
            expect(title(page)).to_have_text(re.compile(f"^({TITLES[name]}|{here})$"))
    page.goto(current)
    expect(title(page)).to_have_text(here)


def test_on_a_desktop_every_step_of_a_whole_business_survives_reload_back_and_typed_urls(
    desktop, server_env, staff_page, tmp_path
):
    # given / when: the whole desktop journey, every step's URLs checked before it is completed
    checked: list[str] = []

    def at_each_step(page, here: str) -> None:
        check_step_urls(page, here)
        checked.append(here)

    number = whole_business(
        desktop,
        server_env,
        upload_files(tmp_path / "uploads"),
        staff_page,
        WHOLE["desktop"],
        Shots(None),
        at_each_step,
    )

    # then: every step was checked (whole_business also checked that no POST got a page)
    assert checked[: len(STEPS)] == [label for _, label in STEPS]

    # and once approved, every step's URL is still safe, and offers nothing to change
    answers = Answers().watch(desktop)
    for name, _label in STEPS:
        response = desktop.goto(f"/business/{number}/{name}/")
        assert response is not None and response.status == 200, name
        expect(desktop.get_by_role("button", name="下一步")).to_have_count(0)
    assert answers.server_errors == []
