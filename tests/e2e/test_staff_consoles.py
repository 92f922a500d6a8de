"""Staff reach their consoles only through the staff login, and only with their role."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse


def test_witness_agent_logs_in_and_sees_the_witness_console_of_their_branch(
    page, login_staff, watch, live_server_url
):
    seen = watch(page)
    login_staff(page, "agent_bj")

    response = page.goto("/console/witness/")

    assert response is not None and response.status == 200
    assert page.locator("main h1").inner_text() == "见证坐席台"
    assert "北京营业部" in page.locator("main").inner_text()
    assert seen.outside(live_server_url) == []
    assert seen.errors == []


def test_login_with_next_returns_the_agent_to_the_page_they_asked_for(page, login_staff):
    login_staff(page, "agent_bj", next_url="/console/witness/")

    assert urlparse(page.url).path == "/console/witness/"
    assert "北京营业部" in page.locator("main").inner_text()


def test_reviewer_opening_the_witness_console_gets_the_403_page(page, login_staff):
    login_staff(page, "reviewer")

    response = page.goto("/console/witness/")

    assert response is not None and response.status == 403
    assert page.title() == "无权访问"
    assert page.locator("main h1").inner_text() == "无权访问"


def test_anonymous_visitor_opening_the_review_console_is_sent_to_the_staff_login(page):
    response = page.goto("/console/review/")

    url = urlparse(page.url)
    assert response is not None and response.status == 200
    assert url.path == "/staff/login/"
    assert parse_qs(url.query)["next"] == ["/console/review/"]
    assert page.locator("#id_username").is_visible()
    assert page.locator("#id_password").is_visible()


def test_wrong_password_shows_an_error_and_stays_on_the_login_form(page):
    page.goto("/staff/login/")
    page.fill("#id_username", "agent_bj")
    page.fill("#id_password", "not-the-password")

    with page.expect_navigation() as navigation:
        page.click("form.stacked button[type=submit]")

    assert navigation.value is not None and navigation.value.status == 200
    assert urlparse(page.url).path == "/staff/login/"
    assert page.locator(".errorlist").is_visible()
    assert page.locator(".errorlist").inner_text().strip()
    assert page.locator("#id_username").input_value() == "agent_bj"
    assert page.locator("#id_password").input_value() == ""
    # still anonymous: the console sends the visitor back to the login
    page.goto("/console/witness/")
    assert urlparse(page.url).path == "/staff/login/"
