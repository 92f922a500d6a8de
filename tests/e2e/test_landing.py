"""The landing page as an investor sees it, on a computer and on a phone: the theme's company
name, the QR code drawn on the server, the hotline, nothing loaded from outside, no errors."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMPANY = "示例期货"
HEADING = "网上业务办理"
HOTLINE = "400-820-0000"
SERVICE = "增开交易编码"
# Where the brief wants the screenshots, to look at them after a run.
SCREENSHOTS = Path("/tmp")  # noqa: S108


def _assert_landing_renders(
    page, watch, base_url: str, screenshot: Path, *, qr_shown: bool
) -> None:
    seen = watch(page)

    response = page.goto("/")

    assert response is not None and response.status == 200
    assert COMPANY in page.title()
    assert page.locator("header .brand").inner_text() == COMPANY
    assert page.locator("main h1").inner_text() == HEADING
    assert page.get_by_role("heading", name=SERVICE).is_visible()
    qr = page.locator(".qr-code svg")
    assert qr.is_visible() is qr_shown
    if qr_shown:
        box = qr.bounding_box()
        assert box and box["width"] >= 100 and box["height"] >= 100, box
    assert HOTLINE in page.locator("footer.site-footer").inner_text()
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.screenshot(path=screenshot, full_page=True)
    page.wait_for_load_state("networkidle")
    assert seen.requests, "the page made no request at all"
    assert seen.outside(base_url) == []
    assert seen.errors == []


def test_landing_page_renders_on_desktop_without_outside_requests_or_errors(
    page, watch, live_server_url
):
    _assert_landing_renders(
        page, watch, live_server_url, SCREENSHOTS / "landing-desktop.png", qr_shown=True
    )


def test_landing_page_renders_on_a_phone_without_outside_requests_or_errors(
    phone_page, watch, live_server_url
):
    # the QR code opens this page on a phone: on the phone itself it is hidden
    _assert_landing_renders(
        phone_page, watch, live_server_url, SCREENSHOTS / "landing-phone.png", qr_shown=False
    )
    # the page fits the phone's width: no sideways scrolling
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_choosing_english_reloads_the_landing_page_with_lang_en(page, watch, live_server_url):
    page.goto("/")
    seen = watch(page)

    with page.expect_navigation() as navigation:
        page.select_option("#language", "en")

    response = navigation.value
    assert response is not None and response.status == 200
    assert page.url.rstrip("/") == live_server_url
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#language").input_value() == "en"
    assert page.locator("main h1").is_visible()
    assert page.locator(".qr-code svg").is_visible()
    assert seen.outside(live_server_url) == []
    assert seen.errors == []


def test_choosing_english_shows_the_landing_page_text_in_english(page):
    page.goto("/")

    with page.expect_navigation():
        page.select_option("#language", "en")

    assert page.get_by_role("heading", name=SERVICE).count() == 0
    assert "客服热线" not in page.locator("footer.site-footer").inner_text()
    assert "跳到正文" not in page.content()


def test_the_language_choice_is_kept_on_the_next_visit(page):
    page.goto("/")
    with page.expect_navigation():
        page.select_option("#language", "en")

    page.goto("/staff/login/")

    assert page.locator("html").get_attribute("lang") == "en"
