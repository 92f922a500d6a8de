"""The administrator's screens: one "开户配置" menu, the dashboard panel, the audit history."""

import json

import pytest

from flows.services import application_start
from staff.roles import Role
from tests.factories import (
    BranchFactory,
    ClientFactory,
    published_document,
    published_flow,
    staff_user,
)

pytestmark = pytest.mark.django_db


def test_the_configuration_menu_holds_every_screen(admin_client):
    page = admin_client.get("/cms/").content.decode()
    # the sidebar is drawn from JSON in the page, where Chinese is \\u-escaped
    for label in (
        "开户配置",
        "业务流程",
        "文档与协议",
        "问卷",
        "交易所",
        "营业部",
        "交易日历",
        "电子印章图片",
        "主题与公司信息",
    ):
        assert json.dumps(label)[1:-1] in page, label


@pytest.mark.parametrize(
    "url",
    [
        "/cms/snippets/content/document/",
        "/cms/snippets/content/questionnaire/",
        "/cms/snippets/content/exchange/",
        "/cms/snippets/content/branch/",
        "/cms/snippets/content/calendarday/",
        "/cms/snippets/content/companyseal/",
        "/cms/snippets/content/companyseal/add/",
        "/cms/snippets/flows/flowdefinition/",
        "/cms/settings/themes/theme/1/",
        "/cms/snippets/content/document/add/",
        "/cms/snippets/flows/flowdefinition/add/",
    ],
)
def test_each_configuration_screen_opens(admin_client, url):
    assert admin_client.get(url, follow=True).status_code == 200


def test_the_dashboard_shows_todays_applications_and_queues(admin_client):
    published_flow()
    application_start(client=ClientFactory(branch=BranchFactory(name="杭州营业部")))
    page = admin_client.get("/cms/").content.decode()
    assert "今日业务" in page and "杭州营业部" in page


def test_the_history_records_who_changed_a_document(admin_client):
    document = published_document()
    page = admin_client.get(f"/cms/snippets/content/document/history/{document.pk}/")
    assert page.status_code == 200
    assert "已发布" in page.content.decode() or "Published" in page.content.decode()


def test_a_compliance_officer_reaches_what_they_review_but_not_the_rest(client):
    client.force_login(staff_user("compliance", Role.COMPLIANCE))
    assert client.get("/cms/").status_code == 200
    assert client.get("/cms/snippets/flows/flowdefinition/").status_code == 200
    assert client.get("/cms/snippets/content/exchange/").status_code in (302, 403)
    assert client.get("/cms/settings/themes/theme/1/").status_code in (302, 403)


def post_new_document(admin_client, upload):
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    data = nested_form_data(
        {
            "kind": "agreement",
            "code": "imported",
            "title": "导入的协议",
            "body": streamfield([]),
            "sms_text": "",
            "business_type": "",
            "sort_order": "0",
        }
    )
    data["import_file"] = upload
    data["action-save"] = "1"
    return admin_client.post("/cms/snippets/content/document/add/", data)


def test_a_word_file_imported_in_the_admin_becomes_the_body(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from content.models import Document
    from tests.content.docx import make_docx, paragraph

    upload = SimpleUploadedFile("协议.docx", make_docx(paragraph("第一条 导入的条款。")))
    response = post_new_document(admin_client, upload)
    assert response.status_code == 302
    assert "导入的条款" in Document.objects.get(code="imported").render_html()


def test_a_fake_word_file_is_refused_in_the_admin_and_nothing_is_saved(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from content.models import Document

    upload = SimpleUploadedFile("协议.docx", b"\x89PNG\r\n\x1a\nnot a word file")
    response = post_new_document(admin_client, upload)
    assert response.status_code == 200
    assert "不是有效的 Word 文档" in str(response.context["form"].errors["import_file"])
    assert not Document.objects.exists()


def test_nobody_holds_the_publish_permission_of_reviewed_content():
    from wagtail.permissions import policy_registry

    from content.models import Document, Questionnaire
    from flows.models import FlowDefinition

    administrator = staff_user("editor", Role.ADMINISTRATOR)
    officer = staff_user("officer", Role.COMPLIANCE)
    superuser = staff_user("root")
    superuser.is_superuser = True
    for model in (Document, Questionnaire, FlowDefinition):
        policy = policy_registry.get_by_type(model)
        for user in (administrator, officer, superuser):
            assert not policy.user_has_permission(user, "publish"), (model, user)
        assert policy.user_has_permission(administrator, "change")


def test_flow_steps_are_labelled_in_chinese_in_the_editor():
    from flows.models import FlowDefinition

    labels = {
        name: block.label
        for name, block in FlowDefinition._meta.get_field("steps").stream_block.child_blocks.items()
    }
    assert labels["photos"] == "上传照片" and labels["revisit"] == "在线回访"


def test_the_page_explorer_answers_an_administrator_and_no_one_else(admin_client):
    from django.test import Client

    # the sidebar's 页面 panel reads this API: it must not fall to the integrators-only default
    url = "/cms/api/main/pages/?child_of=root&for_explorer=1"
    assert admin_client.get(url).status_code == 200
    assert Client().get(url).status_code in (302, 401, 403)


def test_the_dashboards_page_count_links_to_a_list_with_as_many_pages(admin_client):
    import re

    from wagtail.models import Page, Site

    from content.models import ArticleIndexPage, HomePage

    # given a home page with two sections (three pages)
    root = Site.objects.get(is_default_site=True).root_page
    home = root.add_child(instance=HomePage(title="首页", slug="home-count"))
    home.add_child(instance=ArticleIndexPage(title="投资者教育", slug="edu"))
    home.add_child(instance=ArticleIndexPage(title="开户帮助", slug="help"))
    # when the administrator follows the dashboard's page count
    dashboard = admin_client.get("/cms/").content.decode()
    link, count = re.search(r'href="([^"]+)">\s*(\d+) 个页面', dashboard).groups()
    listing = admin_client.get(link).content.decode()
    # then the list it leads to shows that many pages
    pages = Page.objects.filter(depth__gt=1)
    assert int(count) == pages.count()
    assert all(page.title in listing for page in pages)


def test_the_page_trees_root_is_named_in_chinese():
    from wagtail.models import Page

    assert Page.get_first_root_node().title == "全部页面"  # the explorer said "浏览: Root"
