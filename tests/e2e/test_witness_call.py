"""The video witness in two browsers against the demo server: an investor presses 开始视频 and
sees the waiting count; the agent of the branch sees them in the queue live, takes them, and a
real WebRTC call connects (Debian chromium, fake camera and microphone, no STUN/TURN: host
candidates on loopback), both sides showing the other's video, and comes back by itself when the
investor's page reloads. The agent's browser records the
call and uploads it piece by piece; the agent takes a snapshot, ticks the checklist without
leaving the call and passes, and the investor's page moves on by itself. The recording kept on
the server is a WebM file whose SHA-256 the witness summary names.

The steps before the witness belong to other features: a client of its own is created on the
server with its business at the witness step, and logs in through the real login page."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from tests.e2e.conftest import _new_context
from tests.e2e.test_investor_login import age_login_codes, ask_for_code, open_login, sms_code_for
from tests.e2e.test_signing_journey import server_shell

ID_NUMBER = "110101198807070012"  # a valid GB 11643 checksum, not a demo client
MOBILE = "13800138077"
CALL_TIMEOUT_MS = 30_000

PREPARE = """
import datetime
from django.utils import timezone
from clients.models import Client
from clients.selectors import client_by_id_number
from content.models import Branch
from flows.engine import flow_steps
from flows.models import StepRecord
from flows.selectors import pending_application
from flows.services import application_start
client = client_by_id_number(id_number="{id_number}") or Client.objects.create(
    client_no="{client_no}", id_number="{id_number}", name="孙见证", mobile="{mobile}",
    id_valid_from=datetime.date(2016, 5, 31), id_valid_until=datetime.date(2036, 5, 31),
    id_address="示例省示例市示例区示例路 7 号", suitability_class="C4",
    suitability_expires=datetime.date(2028, 6, 30), branch=Branch.objects.get(code="{branch}"))
application = pending_application(client=client) or application_start(client=client)
names = [step.name for step in flow_steps(application)]
for name in names[:names.index("witness")]:
    StepRecord.objects.update_or_create(application=application, kind=name,
                                        defaults={{"completed_at": timezone.now(), "version": 1}})
print(application.acceptance_number)
"""


RECORDING = """
import hashlib, json
from flows.models import Application
from flows.services import step_summaries
from video.evidence import recording_read
application = Application.objects.get(acceptance_number="{number}")
session = application.witness_sessions.get()
data = b"".join(recording_read(session=session))
summary = next(s for s in step_summaries(application=application) if s.kind == "witness")
print(json.dumps({{"header": data[:4].hex(), "chunks": session.recording_chunks.count(),
                  "sha256": hashlib.sha256(data).hexdigest(),
                  "summary_sha256": summary.recording_sha256, "snapshots": summary.snapshots}}))
"""


def log_in(page, server_env, id_number: str = ID_NUMBER, mobile: str = MOBILE) -> None:
    age_login_codes(server_env)
    open_login(page)
    ask_for_code(page, server_env, id_number)
    expect(page.locator("#sms-sent")).to_contain_text("验证码已发送")
    page.get_by_label("短信验证码").fill(sms_code_for(page, mobile))
    page.locator("#id_consent").check()
    with page.expect_navigation():
        page.get_by_role("button", name="马上登录").click()


def video_playing(page) -> None:
    """The other side's video has frames (its size is known only once frames arrive)."""
    page.wait_for_function(
        "() => { const v = document.querySelector('.witness-remote');"
        " return v && v.srcObject && v.videoWidth > 0; }",
        timeout=CALL_TIMEOUT_MS,
    )


def queued_and_taken(page, agent, server_env, id_number, mobile):
    """The investor at the witness step presses 开始视频; the agent takes them."""
    number = server_shell(
        server_env,
        PREPARE.format(id_number=id_number, mobile=mobile, branch="0002", client_no="80099902"),
    )
    log_in(page, server_env, id_number, mobile)
    page.goto(f"/business/{number}/witness/")
    with page.expect_navigation():
        page.get_by_role("button", name="开始视频").click()
    agent.goto("/console/witness/")
    expect(agent.locator(".witness-queue tbody")).to_contain_text(number)
    with agent.expect_navigation():
        agent.get_by_role("button", name="接入下一位").click()
    return number


def test_a_camera_refused_is_said_plainly_on_both_sides(
    browser, live_server_url, server_env, login_staff
):
    # given an investor whose browser refuses the camera and microphone
    investor_context = _new_context(
        browser, live_server_url, viewport={"width": 390, "height": 844}
    )
    investor_context.add_init_script(  # on the witness page (the login checks devices first)
        "if (location.pathname.endsWith('/witness/')) navigator.mediaDevices.getUserMedia ="
        " () => Promise.reject(new DOMException('denied', 'NotAllowedError'));"
    )
    agent_context = _new_context(browser, live_server_url, viewport={"width": 1280, "height": 800})
    try:
        page, agent = investor_context.new_page(), agent_context.new_page()
        login_staff(agent, "agent_sh")
        # when the agent of their branch takes them
        queued_and_taken(page, agent, server_env, "110101197505050011", "13800138055")
        # then the investor is told what to do, and the agent is told what happened
        expect(page.locator(".witness-media-error")).to_contain_text(
            "请在浏览器中允许本网站使用摄像头和麦克风", timeout=CALL_TIMEOUT_MS
        )
        expect(agent.locator(".witness-media-error")).to_contain_text(
            "投资者的摄像头或麦克风不可用", timeout=CALL_TIMEOUT_MS
        )
        # and the agent can put the investor back in the queue
        with agent.expect_navigation():
            agent.get_by_role("button", name="中断通话（投资者回到排队）").click()
        expect(agent.locator("main h1")).to_have_text("见证坐席台")
    finally:
        investor_context.close()
        agent_context.close()


def test_investor_and_agent_connect_a_real_call_and_the_agent_passes(
    browser, live_server_url, server_env, page, login_staff, watch
):
    # given: an investor at the witness step, logged in; the agent of their branch signed in
    prepare = PREPARE.format(
        id_number=ID_NUMBER, mobile=MOBILE, branch="0001", client_no="80099901"
    )
    number = server_shell(server_env, prepare)
    investor_seen = watch(page)
    log_in(page, server_env)
    page.goto(f"/business/{number}/witness/")
    agent_context = _new_context(browser, live_server_url, viewport={"width": 1280, "height": 800})
    try:
        agent = agent_context.new_page()
        agent_seen = watch(agent)
        login_staff(agent, "agent_bj")
        agent.goto("/console/witness/")
        queue = agent.locator(".witness-queue tbody")
        expect(queue).not_to_contain_text(number)

        # when the investor presses 开始视频
        with page.expect_navigation():
            page.get_by_role("button", name="开始视频").click()

        # then they see the waiting count, and the agent's queue shows them without a reload
        expect(page.locator(".witness-waiting")).to_have_text("1")
        expect(queue).to_contain_text(number)

        # when the agent takes the next investor
        with agent.expect_navigation():
            agent.get_by_role("button", name="接入下一位").click()

        # then the investor's page turns into the call by itself, and the call connects
        expect(page.locator(".witness-call")).to_be_visible(timeout=CALL_TIMEOUT_MS)
        for side in (page, agent):
            expect(side.locator(".witness-call-status")).to_have_text(
                "视频已接通。", timeout=CALL_TIMEOUT_MS
            )
            video_playing(side)

        # when the investor's page reloads mid-call, the call comes back by itself
        page.reload()
        for side in (page, agent):
            expect(side.locator(".witness-call-status")).to_have_text(
                "视频已接通。", timeout=CALL_TIMEOUT_MS
            )
        video_playing(page)

        # the agent's browser records the call and uploads it piece by piece meanwhile
        expect(agent.locator(".witness-recording")).to_contain_text(
            "已上传 3 段", timeout=CALL_TIMEOUT_MS
        )
        # a liveness prompt the agent shows reaches the investor's screen
        agent.get_by_role("button", name="活体提示").click()
        expect(page.locator(".witness-liveness")).to_contain_text("请按提示操作：")
        # when the agent takes a snapshot, ticks every check (the call goes on) and passes
        agent.get_by_role("button", name="人像截图").click()
        expect(agent.locator(".witness-snapshots figure")).to_have_count(1)
        # chromium's fake camera shows no face: the console warns of it
        expect(agent.locator(".witness-snapshots figure")).to_contain_text("未检测到人脸")
        forms = agent.locator(".witness-checklist form")
        for _ in range(forms.count()):
            # the evidence: the snapshot just taken (offered in every check's list)
            evidence = forms.first.locator("select[name=evidence]")
            evidence.select_option(
                evidence.locator("option[value^='snapshot:']").first.get_attribute("value")
            )
            count = forms.count()
            forms.first.get_by_role("button", name="确认").click()
            expect(forms).to_have_count(count - 1)
        expect(agent.locator(".witness-call-status")).to_have_text("视频已接通。")
        with agent.expect_navigation():
            agent.get_by_role("button", name="见证通过").click()

        # then the agent is back at the console, and the investor's page moves past the witness
        expect(agent.locator("main h1")).to_have_text("见证坐席台")
        page.wait_for_url(lambda url: "/witness/" not in url, timeout=CALL_TIMEOUT_MS)
        # and the recording kept on the server is a WebM file whose SHA-256 the summary names
        facts = json.loads(server_shell(server_env, RECORDING.format(number=number)))
        assert facts["header"] == "1a45dfa3" and facts["chunks"] >= 3
        assert facts["summary_sha256"] == facts["sha256"]
        assert facts["snapshots"] == 1
        assert investor_seen.outside(live_server_url) == []
        assert agent_seen.outside(live_server_url) == []
        assert agent_seen.errors == []
    finally:
        agent_context.close()
