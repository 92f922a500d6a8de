"""Every admin screen of this product, as the administrator and the compliance officer see it,
is in Chinese: the test walks them and fails on English words in what the page shows (text,
button and field labels, tooltips, placeholders, alternative texts, the sidebar's menu)."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from content.approval import withdrawal_submit
from staff.roles import Role
from tests.factories import (
    ExchangeFactory,
    published_document,
    published_flow,
    published_questionnaire,
    staff_user,
)

pytestmark = pytest.mark.django_db

# Words that are the same in a Chinese UI: codes, formats, product-neutral abbreviations, and
# the names of this test's own data.
ALLOWED = {
    "PDF",
    "Word",
    "docx",
    "HTML",
    "SVG",
    "PNG",
    "JPEG",
    "GIF",
    "WebP",
    "API",
    "URL",
    "SHFE",
    "RRGGBB",
    "ID",
    "SMS",
    "CSV",
    "XLSX",
    "TSV",
    "JSON",
    "Shanghai",
    "Futures",
    "Exchange",
    "editor",
    "officer",
    "officer2",
    "agreement",
    "revisit",
    "add_trading_code",
    "sms",
    "JavaScript",
    "risk-disclosure-general",
    "doc",
    "Ctrl",
    "Alt",
    "Shift",
    "Enter",
    "Esc",
    "Tab",
    "Cmd",
    "Option",
    "Fn",
    "Delete",
}
ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "aria-description")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_'’-]{1,}")
PLACEHOLDER = re.compile(r"\{\w+\}")  # what an administrator types in an SMS template
# Identifiers the company defines, not UI words: codes such as agreement-online-service or
# add_trading_code, exchange codes such as CZCE; and the demo's account names.
IDENTIFIER = re.compile(r"^([a-z0-9]+([-_][a-z0-9]+)+|[A-Z]{2,6}|[A-Z][0-9]+)$")
ACCOUNTS = {"admin", "compliance", "reviewer", "integrator", "agent_bj", "agent_sh"}


class VisibleText(HTMLParser):
    """What a person sees or hears: text outside scripts and styles, and labelling attributes;
    the sidebar, drawn from JSON in the page, gives its menu labels."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template") and tag != "template":
            self.skip += 1
        for name, value in attrs:
            if name in ATTRIBUTES and value:
                self.found.append(value)
            if name == "data-wagtail-sidebar" or name == "data-props":
                self.found.extend(_labels(value))
        if tag == "script" and dict(attrs).get("id") == "wagtail-sidebar-props":
            self.skip -= 1
            self.sidebar = True

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
        self.sidebar = False

    def handle_data(self, data):
        if getattr(self, "sidebar", False):
            self.found.extend(_labels(data))
        elif not self.skip and data.strip():
            self.found.append(data)


def _labels(raw) -> list[str]:
    try:
        data = json.loads(raw)
    except (TypeError, ValueError):
        return []
    labels = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("label", "title", "name") and isinstance(value, str) and key != "name":
                    labels.append(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    return labels


def english_on(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return english_in(parser.found)


def english_in(texts: list[str]) -> list[str]:
    """The texts that carry an English word a Chinese user would see."""
    english = []
    for text in texts:
        words = [
            word
            for word in WORD.findall(PLACEHOLDER.sub("", text))
            if word.strip("'’-") not in ALLOWED | ACCOUNTS and not IDENTIFIER.match(word)
        ]
        if words:
            english.append(text.strip()[:120])
    return english


@pytest.fixture
def world():
    """One of everything an administrator configures, some of it in review."""
    administrator = staff_user("editor", Role.ADMINISTRATOR)
    officer = staff_user("officer", Role.COMPLIANCE)
    staff_user("officer2", Role.COMPLIANCE)
    document = published_document()
    questionnaire = published_questionnaire("revisit")
    flow = published_flow([("exchanges", {})])
    ExchangeFactory()
    draft = document.get_latest_revision_as_object()
    draft.title = "修改后的协议"
    draft.save_revision(user=administrator)
    document.get_workflow().start(document, administrator)
    withdrawal_submit(obj=questionnaire, user=administrator, reason="停用旧问卷")
    return {
        "administrator": administrator,
        "officer": officer,
        "document": document,
        "questionnaire": questionnaire,
        "flow": flow,
    }


def screens(world) -> list[str]:
    document, questionnaire, flow = world["document"], world["questionnaire"], world["flow"]
    snippet = "wagtailsnippets_{}_{}:{}"
    urls = ["/cms/", reverse("content_admin_guide")]
    for model in ("document", "questionnaire", "exchange", "branch", "calendarday"):
        urls.append(reverse(snippet.format("content", model, "list")))
        urls.append(reverse(snippet.format("content", model, "add")))
    urls.append(reverse(snippet.format("flows", "flowdefinition", "list")))
    for obj, app in ((document, "content"), (questionnaire, "content"), (flow, "flows")):
        name = obj._meta.model_name
        urls.append(reverse(snippet.format(app, name, "edit"), args=[obj.pk]))
        urls.append(reverse(snippet.format(app, name, "history"), args=[obj.pk]))
        urls.append(reverse(snippet.format(app, name, "usage"), args=[obj.pk]))
    revisions = list(document.revisions.order_by("pk").values_list("pk", flat=True))
    urls.append(
        reverse(
            snippet.format("content", "document", "revisions_compare"),
            args=[document.pk, revisions[0], revisions[-1]],
        )
    )
    urls.append(reverse("content_withdraw", args=["flows", "flowdefinition", flow.pk]))
    urls.append("/cms/settings/themes/theme/1/")
    return urls


@pytest.mark.parametrize("who", ["administrator", "officer"])
def test_every_admin_screen_is_in_chinese(client, world, who):
    client.force_login(world[who])
    problems = {}
    for url in screens(world):
        response = client.get(url, follow=True)
        assert response.status_code in (200, 403), (url, response.status_code)
        if response.status_code == 200 and "html" in response["Content-Type"]:
            if english := english_on(response.content.decode()):
                problems[url] = english
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_the_login_page_is_in_chinese_and_in_the_companys_name(client):
    page = client.get("/cms/login/", follow=True).content.decode()
    assert english_on(page) == []
    assert "示例期货" in page and "Wagtail" not in page
