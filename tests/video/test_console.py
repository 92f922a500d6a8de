"""The investor's 开始视频 / 离开排队 and the agent's console over HTTP: every POST answered
with a redirect; the agent's own branch and own call only; "pass" refused until every required
check is ticked; a return to a named step with a reason the investor sees; every action audited."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client as Browser

from audit.models import AuditEvent
from clients.auth import SESSION_KEY
from flows.models import Application, ApplicationState, StepRecord
from flows.services import step_summaries
from tests.video import pictures
from video.evidence import recording_chunk_store, snapshot_take
from video.models import ChecklistItem, QueueEntry, WitnessOutcome, WitnessSession
from video.services import witness_queue_join, witness_take_next
from video.step_services import WitnessSummary

S = ApplicationState


def as_investor(client) -> Browser:
    browser = Browser()
    session = browser.session
    session[SESSION_KEY] = client.pk
    session.save()
    return browser


def as_staff(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def call(world):
    """An investor taken by the first agent: (application, session, agent's browser)."""
    investor, application = world.investor()
    witness_queue_join(application=application, actor=investor)
    session = witness_take_next(agent=world.agent)
    return application, session, as_staff(world.agent)


def test_start_video_queues_the_investor_and_the_page_shows_the_count(world):
    investor, application = world.investor()
    browser = as_investor(investor.client)
    page = f"/business/{application.acceptance_number}/witness/"
    assert "开始视频" in browser.get(page).content.decode()
    # when they press 开始视频
    response = browser.post(f"/business/{application.acceptance_number}/video/queue/")
    # then they are redirected to the page, queued, and it shows the count and 离开排队
    assert (response.status_code, response["Location"]) == (302, page)
    assert Application.objects.get(pk=application.pk).state == S.QUEUED_FOR_WITNESS
    shown = browser.get(page).content.decode()
    assert 'class="witness-waiting">1<' in shown and "离开排队" in shown
    assert f'data-queue-ws="/ws/witness/queue/{application.acceptance_number}/"' in shown
    # when they leave
    response = browser.post(f"/business/{application.acceptance_number}/video/leave/")
    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).state == S.IN_PROGRESS
    assert not QueueEntry.objects.exists()


def test_queueing_twice_is_refused_with_a_message(world):
    investor, application = world.investor()
    browser = as_investor(investor.client)
    url = f"/business/{application.acceptance_number}/video/queue/"
    browser.post(url)
    response = browser.post(url, follow=True)
    assert any("不能进入视频见证排队" in m for m in messages_of(response))
    assert QueueEntry.objects.count() == 1


def test_another_investors_number_is_not_found(world):
    _investor, application = world.investor()
    stranger, _theirs = world.investor()
    browser = as_investor(stranger.client)
    for action in ("queue", "leave"):
        url = f"/business/{application.acceptance_number}/video/{action}/"
        assert browser.post(url).status_code == 404
    assert not QueueEntry.objects.exists()


def test_the_console_shows_the_branchs_queue_and_take_next_opens_the_call(world):
    investor, application = world.investor()
    witness_queue_join(application=application, actor=investor)
    agent = as_staff(world.agent)
    assert application.acceptance_number in agent.get("/console/witness/").content.decode()
    other = as_staff(world.other_branch_agent).get("/console/witness/").content.decode()
    assert application.acceptance_number not in other
    # when the agent takes the next
    response = agent.post("/console/witness/take/")
    session = WitnessSession.objects.get(application=application)
    assert (response.status_code, response["Location"]) == (
        302,
        f"/console/witness/session/{session.pk}/",
    )
    # then the call page shows the application and the checklist, and the read is audited
    page = agent.get(response["Location"]).content.decode()
    assert "投资者申请信息" in page and "人像与身份证照片一致" in page
    assert f'data-call-ws="/ws/witness/call/{application.acceptance_number}/"' in page
    assert AuditEvent.objects.filter(
        action="witness.application_viewed", actor=world.agent
    ).exists()


def test_take_next_with_nobody_waiting_says_so(world):
    response = as_staff(world.agent).post("/console/witness/take/", follow=True)
    assert "当前没有等待的投资者。" in messages_of(response)


def test_another_agent_cannot_open_or_act_on_the_call(world, call):
    application, session, _agent = call
    for user in (world.second_agent, world.other_branch_agent):
        browser = as_staff(user)
        assert browser.get(f"/console/witness/session/{session.pk}/").status_code == 404
        for action in ("tick", "pass", "return", "release"):
            url = f"/console/witness/session/{session.pk}/{action}/"
            assert (
                browser.post(url, {"item": "consent", "step": "photos", "reason": "x"}).status_code
                == 404
            )
    assert Application.objects.get(pk=application.pk).state == S.WITNESS_IN_PROGRESS
    assert WitnessSession.objects.get(pk=session.pk).ticks == {}


def test_pass_is_refused_until_every_required_check_is_ticked(world, call):
    application, session, agent = call
    base = f"/console/witness/session/{session.pk}"
    # when the agent passes with nothing ticked
    response = agent.post(f"{base}/pass/", {"remarks": "好"}, follow=True)
    # then it is refused, naming the checks, and nothing moves
    assert any(
        "以下检查项尚未确认" in m and "投资者口头确认自愿办理" in m for m in messages_of(response)
    )
    assert Application.objects.get(pk=application.pk).state == S.WITNESS_IN_PROGRESS
    # when they tick every check but one, still refused
    codes = [item["code"] for item in session.checklist]
    for code in codes[:-1]:
        assert agent.post(f"{base}/tick/", {"item": code, "evidence": ""}).status_code == 302
    agent.post(f"{base}/pass/", {"remarks": "好"})
    assert Application.objects.get(pk=application.pk).state == S.WITNESS_IN_PROGRESS
    # when the last is ticked, the pass goes through
    agent.post(f"{base}/tick/", {"item": codes[-1]})
    response = agent.post(f"{base}/pass/", {"remarks": "好"})
    assert (response.status_code, response["Location"]) == (302, "/console/witness/")
    assert Application.objects.get(pk=application.pk).state == S.IN_PROGRESS
    record = StepRecord.objects.get(application=application, kind="witness")
    assert record.is_complete and record.completed_by == "agent:agent_a"
    assert WitnessSession.objects.get(pk=session.pk).outcome == WitnessOutcome.PASSED
    assert AuditEvent.objects.filter(action="witness.tick").count() == len(codes)
    assert not QueueEntry.objects.exists()


def test_the_witness_summary_names_the_agent_and_the_checks(world, call):
    application, session, agent = call
    base = f"/console/witness/session/{session.pk}"
    shot = snapshot_take(
        session_id=session.pk,
        agent=world.agent,
        kind="face",
        data=pictures.encoded(pictures.call_frame()),
    )
    for item in session.checklist:
        agent.post(f"{base}/tick/", {"item": item["code"], "evidence": f"snapshot:{shot.pk}"})
    agent.post(f"{base}/pass/", {"remarks": "一切正常"})
    summary = next(s for s in step_summaries(application=application) if s.kind == "witness")
    assert isinstance(summary, WitnessSummary)
    # the agent who witnessed is on the record, so the review can refuse them
    assert (summary.agent_id, summary.agent, summary.session_id) == (
        world.agent.pk,
        "agent:agent_a",
        session.pk,
    )
    assert [c.code for c in summary.checks] == [i["code"] for i in session.checklist]
    # each check points at its evidence: the still, by its number
    assert all(c.ticked_at and c.snapshot_id == shot.pk for c in summary.checks)
    assert all(c.evidence.startswith(f"人像截图 #{shot.pk} ") for c in summary.checks)
    assert summary.as_dict()["agent_id"] == world.agent.pk


def test_an_optional_check_need_not_be_ticked(world):
    ChecklistItem.objects.update(required=False)
    ChecklistItem.objects.filter(code="consent").update(required=True)
    investor, application = world.investor()
    witness_queue_join(application=application, actor=investor)
    session = witness_take_next(agent=world.agent)
    agent = as_staff(world.agent)
    base = f"/console/witness/session/{session.pk}"
    agent.post(f"{base}/tick/", {"item": "consent"})
    agent.post(f"{base}/pass/")
    assert Application.objects.get(pk=application.pk).state == S.IN_PROGRESS


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"item": "no-such"}, "没有这个检查项。"),
        ({"item": "consent", "evidence": "截图 1"}, "证据须为本次见证的截图或录像时间点。"),
        (
            {"item": "consent", "evidence": "snapshot:999999"},
            "证据须为本次见证的截图或录像时间点。",
        ),
        ({"item": "consent", "evidence": "snapshot:１２"}, "证据须为本次见证的截图或录像时间点。"),
        ({"item": "consent", "evidence": "recording"}, "录像尚未开始，无法记录录像时间点。"),
    ],
)
def test_a_bad_tick_is_refused_with_its_reason(call, posted, message):
    _application, session, agent = call
    response = agent.post(f"/console/witness/session/{session.pk}/tick/", posted, follow=True)
    assert message in messages_of(response)
    assert WitnessSession.objects.get(pk=session.pk).ticks == {}


def test_return_to_a_step_sends_the_investor_back_with_the_reason(world, call):
    application, session, agent = call
    # when the agent returns the application to the exchanges with a reason
    response = agent.post(
        f"/console/witness/session/{session.pk}/return/",
        {"step": "exchanges", "reason": "请重新选择交易所"},
    )
    # then the application is returned, the session closed, and the investor sees the reason
    assert (response.status_code, response["Location"]) == (302, "/console/witness/")
    returned = Application.objects.get(pk=application.pk)
    assert (returned.state, returned.returned_step) == (S.RETURNED, "exchanges")
    closed = WitnessSession.objects.get(pk=session.pk)
    assert (closed.outcome, closed.reason, closed.returned_step) == (
        WitnessOutcome.RETURNED,
        "请重新选择交易所",
        "exchanges",
    )
    investor = as_investor(application.client)
    page = investor.get(f"/business/{application.acceptance_number}/", follow=True)
    assert "请重新选择交易所" in page.content.decode()
    assert AuditEvent.objects.filter(
        action="application.return_to_step", actor=world.agent, reason="请重新选择交易所"
    ).exists()


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"step": "exchanges", "reason": " "}, "请填写原因。"),
        ({"step": "witness", "reason": "原因"}, "请选择投资者需要修改的步骤。"),
        ({"step": "revisit", "reason": "原因"}, "只能退回到视频见证之前的步骤。"),
    ],
)
def test_a_bad_return_is_refused_and_the_call_goes_on(call, posted, message):
    application, session, agent = call
    response = agent.post(f"/console/witness/session/{session.pk}/return/", posted, follow=True)
    assert message in messages_of(response)
    assert Application.objects.get(pk=application.pk).state == S.WITNESS_IN_PROGRESS
    assert WitnessSession.objects.get(pk=session.pk).is_open


def test_release_puts_the_investor_back_in_the_queue(call):
    application, session, agent = call
    response = agent.post(f"/console/witness/session/{session.pk}/release/")
    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).state == S.QUEUED_FOR_WITNESS
    assert QueueEntry.objects.get(application=application).session is None


def test_an_ended_call_takes_no_more_actions(world, call):
    _application, session, agent = call
    agent.post(f"/console/witness/session/{session.pk}/release/")
    response = agent.post(
        f"/console/witness/session/{session.pk}/tick/", {"item": "consent"}, follow=True
    )
    assert "该视频见证已经结束。" in messages_of(response)


def test_a_tick_points_at_the_moment_of_the_recording(world, call):
    # given a recording that started 75 seconds ago
    _application, session, agent = call
    chunk = recording_chunk_store(session_id=session.pk, agent=world.agent, seq=0, data=b"webm")
    chunk.received_at -= datetime.timedelta(seconds=75)
    chunk.save(update_fields=["received_at"])
    # when the agent ticks a check with "the recording, now" as its evidence
    agent.post(
        f"/console/witness/session/{session.pk}/tick/", {"item": "consent", "evidence": "recording"}
    )
    # then the tick keeps that second of the recording, and the audit log has it too
    tick = WitnessSession.objects.get(pk=session.pk).ticks["consent"]
    assert tick["recording_second"] in (75, 76) and tick["evidence"].startswith("录像 00:01:1")
    audit = AuditEvent.objects.get(action="witness.tick", actor=world.agent)
    assert audit.data["recording_second"] == tick["recording_second"]


def test_another_calls_snapshot_is_not_evidence(world, call):
    # given a still of another agent's call
    _application, session, agent = call
    other_investor, other_application = world.investor()
    witness_queue_join(application=other_application, actor=other_investor)
    other = witness_take_next(agent=world.second_agent)
    theirs = snapshot_take(
        session_id=other.pk,
        agent=world.second_agent,
        kind="face",
        data=pictures.encoded(pictures.plain()),
    )
    # when the agent gives it as evidence
    response = agent.post(
        f"/console/witness/session/{session.pk}/tick/",
        {"item": "consent", "evidence": f"snapshot:{theirs.pk}"},
        follow=True,
    )
    # then it is refused
    assert "证据须为本次见证的截图或录像时间点。" in messages_of(response)
    assert WitnessSession.objects.get(pk=session.pk).ticks == {}


def test_the_evidence_choices_are_the_calls_snapshots_and_the_recording(world, call):
    _application, session, agent = call
    page = agent.get(f"/console/witness/session/{session.pk}/").content.decode()
    # no recording yet: its moment cannot be chosen; no still yet
    assert '<option value="recording" disabled>' in page and "snapshot:" not in page
    recording_chunk_store(session_id=session.pk, agent=world.agent, seq=0, data=b"webm")
    shot = snapshot_take(
        session_id=session.pk,
        agent=world.agent,
        kind="id_card",
        data=pictures.encoded(pictures.plain()),
    )
    page = agent.get(f"/console/witness/session/{session.pk}/").content.decode()
    assert '<option value="recording">' in page
    assert f'<option value="snapshot:{shot.pk}">手持身份证截图 #{shot.pk} ' in page


def test_the_queued_page_shows_the_investors_own_place(world):
    # given two investors queued in the branch
    for _ in range(2):
        investor, application = world.investor()
        witness_queue_join(application=application, actor=investor)
    # when the second opens the page
    page = as_investor(application.client).get(
        f"/business/{application.acceptance_number}/witness/"
    )
    # then it shows their place
    assert '您当前排在第 <strong class="witness-position">2</strong> 位' in page.content.decode()
