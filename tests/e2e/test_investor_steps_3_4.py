"""Steps 3 and 4 in a phone-sized browser against the demo server: a C2 investor acknowledges
the notice twice before choosing, is warned about crude oil, takes the knowledge-test route, and
cannot leave the agreements before scrolling each to its end; a C3 investor chooses again.

The earlier steps belong to other features: the investor's business is started and its first
steps marked done on the server (as a returning investor would find them), and the session is
made there too, so this test depends only on steps 3 and 4."""

from __future__ import annotations

import subprocess
import sys

from playwright.sync_api import expect

from tests.e2e.conftest import ROOT

WANG_FANG_C2 = "80010002"
ZHANG_WEI_C3 = "80010003"

PREPARE = """
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from clients.auth import SESSION_KEY
from clients.models import Client
from flows.engine import flow_steps
from flows.models import StepRecord
from flows.selectors import pending_application
from flows.services import application_start
client = Client.objects.get(client_no="{client_no}")
application = pending_application(client=client) or application_start(client=client)
names = [step.name for step in flow_steps(application)]
for name in names[:names.index("exchanges")]:
    StepRecord.objects.update_or_create(application=application, kind=name,
                                        defaults={{"completed_at": timezone.now(), "version": 1}})
session = SessionStore()
session[SESSION_KEY] = client.pk
session.create()
print(application.acceptance_number, session.session_key)
"""


def at_exchanges_step(server_env, context, base_url: str, client_no: str) -> str:
    """Log the client in (a session cookie) with the steps before the exchanges done; the URL
    of the exchanges step."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PREPARE.format(client_no=client_no)],
        cwd=ROOT,
        env=server_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    acceptance_number, session_key = result.stdout.strip().splitlines()[-1].split()
    context.add_cookies([{"name": "sessionid", "value": session_key, "url": base_url}])
    return f"/business/{acceptance_number}/exchanges/"


def insist(page) -> None:
    page.locator(".notice-actions button.primary").click()


def test_c2_notices_warning_knowledge_test_and_agreements(
    phone_page, phone_context, watch, live_server_url, server_env
):
    # given
    seen = watch(phone_page)
    url = at_exchanges_step(server_env, phone_context, live_server_url, WANG_FANG_C2)
    page = phone_page
    page.goto(url)
    # when / then: the notice twice, the same text, before any choice
    expect(page.locator("#notice-title")).to_contain_text("第一次告知")
    expect(page.locator("input[name=exchanges]")).to_have_count(0)
    insist(page)
    expect(page.locator("#notice-title")).to_contain_text("再次确认")
    insist(page)
    # the selection; crude oil for the first time: reports or the knowledge test
    expect(page.locator("#score-reports")).to_be_hidden()
    page.get_by_label("上海国际能源交易中心").check()
    expect(page.locator("#score-reports")).to_be_visible()
    page.get_by_label("没有成绩报告单，参加在线知识测试").check()
    page.get_by_role("button", name="下一步").click()
    # the C1/C2 warning, once
    expect(page.locator(".suitability-notice")).to_contain_text("复核")
    page.get_by_role("button", name="我已知悉").click()
    # step 4: "下一步" held until each agreement is read to its end
    expect(page).to_have_url(url.replace("exchanges", "agreements"))
    page.get_by_role("button", name="下一步").click()
    expect(page.locator(".agreements-alert")).to_contain_text("请完整阅读该协议内容")
    for box in page.locator(".agreement .document-box").all():
        box.scroll_into_view_if_needed()
        box.evaluate("box => { box.scrollTop = box.scrollHeight; }")
    for status in page.locator(".agreement-status").all():
        expect(status).to_have_text("已阅读至末尾")
    page.get_by_role("button", name="下一步").click()
    expect(page).not_to_have_url(url.replace("exchanges", "agreements"))
    assert seen.outside(live_server_url) == []
    assert seen.errors == []


def test_c3_choosing_crude_oil_then_choosing_again(
    phone_page, phone_context, live_server_url, server_env
):
    url = at_exchanges_step(server_env, phone_context, live_server_url, ZHANG_WEI_C3)
    page = phone_page
    page.goto(url)
    page.get_by_label("大连商品交易所").check()
    page.get_by_label("上海国际能源交易中心").check()
    page.get_by_label("没有成绩报告单，参加在线知识测试").check()
    page.get_by_role("button", name="下一步").click()
    expect(page.locator("#notice-title")).to_contain_text("第一次告知")
    insist(page)
    expect(page.locator("#notice-title")).to_contain_text("再次确认")
    page.get_by_role("button", name="重新选择交易所").click()
    expect(page.get_by_label("大连商品交易所")).to_be_checked()
    expect(page.get_by_label("上海国际能源交易中心")).not_to_be_checked()
