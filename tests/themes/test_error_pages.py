"""The error pages a person meets are the product's, in Chinese and in the theme: a mistyped URL,
a page their account may not use, a bad request, a form from an expired page, a server error.
Never Django's English pages (and never its debug page listing every URL pattern)."""

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from staff.roles import Role
from tests.factories import staff_user

THEME_STYLESHEET = "themes/css/app.css"
DJANGO_PAGES = ("Page not found", "Forbidden", "Bad Request", "Server Error", "URLconf", "CSRF")


def boom(request) -> HttpResponse:
    raise RuntimeError("a bug")


# the project's URLs, and one view that fails (for the 500 page)
urlpatterns = [path("boom/", boom)]
handler500 = "common.middleware.server_error"


def assert_themed_chinese(response, status: int, heading: str) -> str:
    html = response.content.decode()
    assert response.status_code == status
    assert f"<h1>{heading}</h1>" in html
    assert THEME_STYLESHEET in html
    assert '<html lang="zh-CN">' in html
    for english in DJANGO_PAGES:
        assert english not in html, english
    return html


@pytest.mark.django_db
def test_a_mistyped_url_shows_the_chinese_404_page_with_the_company_name(client, demo):
    # when
    response = client.get("/business/no-such-step/x/y/")

    # then
    html = assert_themed_chinese(response, 404, "页面不存在")
    assert "示例期货" in html  # the theme's company name in the header
    assert 'href="/"' in html


@pytest.mark.django_db
def test_a_staff_page_the_account_may_not_use_shows_the_chinese_403_page(client):
    # given an agent, who may not use the review console
    client.force_login(staff_user("agent_no_review", Role.WITNESS_AGENT))

    # when
    response = client.get("/console/review/")

    # then
    html = assert_themed_chinese(response, 403, "无权访问")
    assert "返回工作台" in html


@pytest.mark.django_db
def test_a_host_that_is_not_served_gets_the_chinese_400_page(client):
    # when
    response = client.get("/", HTTP_HOST="evil.example")

    # then
    assert_themed_chinese(response, 400, "请求无效")


@pytest.mark.django_db
def test_a_form_from_an_expired_page_gets_the_chinese_403_page_that_says_what_to_do():
    # given a browser without the CSRF cookie (the page sat open, cookies were cleared)
    client = Client(enforce_csrf_checks=True)

    # when
    response = client.post("/investor/login/", {"id_number": "110101198503120017"})

    # then
    html = assert_themed_chinese(response, 403, "页面已过期")
    assert "刷新后重新提交" in html


@pytest.mark.django_db
def test_a_server_error_shows_the_chinese_500_page(settings):
    # given
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)

    # when
    response = client.get("/boom/")

    # then
    html = assert_themed_chinese(response, 500, "系统繁忙")
    assert "RuntimeError" not in html
