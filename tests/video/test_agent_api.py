"""The witness agent's console through the API: a key of the agent's account with the `witness`
scope (or the agent's session) sees the branch's queue, takes the next investor, ticks the
checklist with evidence, passes or returns — through the console's services, their own branch
and their own calls only. Every refusal is a 4xx in the one error shape and stores nothing."""

from __future__ import annotations

import pytest
from django.test import Client as Browser

from api.scopes import Scope
from audit.models import AuditEvent
from flows.models import Application, ApplicationState, StepRecord
from staff.roles import Role
from tests.factories import staff_user
from tests.flows.api_client import Api
from tests.video import pictures
from video.evidence import snapshot_take
from video.models import ChecklistItem, QueueEntry, WitnessOutcome, WitnessSession
from video.services import witness_queue_join

pytestmark = pytest.mark.django_db

S = ApplicationState
TAKE = "witness/agent/take-next/"


def agent_key(agent, scopes=(Scope.WITNESS,)) -> Api:
    return Api(agent, name="agent", scopes=scopes)


def queued(world) -> Application:
    investor, application = world.investor()
    witness_queue_join(application=application, actor=investor)
    return application


def session_url(session_id: int, action: str = "") -> str:
    return f"witness/sessions/{session_id}/{action + '/' if action else ''}"


def test_an_agents_key_takes_the_next_investor_ticks_and_passes(world):
    # given
    application = queued(world)
    agent = agent_key(world.agent)
    # when: the queue is read, the first taken
    queue = agent.get("witness/agent/queue/").json()
    taken = agent.post(TAKE)
    # then
    assert queue["waiting"] == 1 and queue["branch"] == world.branch.code
    assert queue["entries"][0]["application"] == application.acceptance_number
    assert taken.status_code == 201, taken.json()
    record = taken.json()
    assert record["outcome"] == "open" and record["agent"] == "agent:agent_a"
    assert record["application"]["acceptance_number"] == application.acceptance_number
    assert record["application"]["state"] == S.WITNESS_IN_PROGRESS
    assert {s["name"] for s in record["return_steps"]} == {"photos", "exchanges"}
    assert record["missing_required"] == [i["code"] for i in record["checklist"] if i["required"]]
    assert agent.get("witness/agent/queue/").json()["open_sessions"] == [
        {"id": record["id"], "application": application.acceptance_number}
    ]
    # when: every item ticked (the first with a snapshot as evidence), then passed
    shot = snapshot_take(
        session_id=record["id"],
        agent=world.agent,
        kind="face",
        data=pictures.encoded(pictures.call_frame()),
    )
    first, *others = record["checklist"]
    ticked = agent.post(
        session_url(record["id"], "ticks"),
        {"item": first["code"], "evidence": "snapshot", "snapshot": shot.pk},
    )
    assert ticked.status_code == 200, ticked.json()
    tick = ticked.json()["checklist"][0]["tick"]
    assert tick["snapshot"] == shot.pk and tick["evidence"].startswith(f"人像截图 #{shot.pk} ")
    for item in others:
        agent.post(session_url(record["id"], "ticks"), {"item": item["code"]})
    read = agent.get(session_url(record["id"])).json()
    assert read["missing_required"] == [] and read["snapshots"][0]["id"] == shot.pk
    passed = agent.post(session_url(record["id"], "pass"), {"remarks": "一切正常"})
    # then
    assert passed.status_code == 200, passed.json()
    assert passed.json()["session"]["outcome"] == WitnessOutcome.PASSED
    assert passed.json()["application"]["current_step"] == "revisit"
    assert StepRecord.objects.get(application=application, kind="witness").completed_at
    assert AuditEvent.objects.filter(action="witness.application_viewed").exists()


def test_an_agents_own_session_drives_the_console_calls_too(world):
    application = queued(world)
    console = Browser()
    console.force_login(world.agent)
    taken = console.post(f"/api/v1/{TAKE}", content_type="application/json")
    assert taken.status_code == 201
    assert taken.json()["application"]["acceptance_number"] == application.acceptance_number


def test_take_with_an_empty_queue_is_409_queue_empty(world):
    refused = agent_key(world.agent).post(TAKE)
    assert refused.status_code == 409
    assert refused.json() == {
        "code": "queue_empty",
        "message": "当前没有等待的投资者。",
        "fields": {},
    }
    assert not WitnessSession.objects.exists()


def test_an_agent_of_another_branch_neither_sees_nor_takes_nor_acts(world):
    # given: the branch's agent took the investor
    application = queued(world)
    second = queued(world)
    session_id = agent_key(world.agent).post(TAKE).json()["id"]
    other = agent_key(world.other_branch_agent)
    # when / then: the other branch's queue is empty, the call not found
    assert other.get("witness/agent/queue/").json()["waiting"] == 0
    assert other.post(TAKE).json()["code"] == "queue_empty"
    for action, body in (("", None), ("ticks", {"item": "consent"}), ("pass", {})):
        url = session_url(session_id, action)
        answer = other.get(url) if body is None else other.post(url, body)
        assert answer.status_code == 404 and answer.json()["code"] == "not_found"
    returned = other.post(session_url(session_id, "return"), {"step": "photos", "reason": "x"})
    assert returned.status_code == 404
    # nothing changed
    session = WitnessSession.objects.get(pk=session_id)
    assert session.is_open and session.ticks == {}
    assert Application.objects.get(pk=application.pk).state == S.WITNESS_IN_PROGRESS
    assert Application.objects.get(pk=second.pk).state == S.QUEUED_FOR_WITNESS
    assert WitnessSession.objects.count() == 1


def test_an_agent_without_a_branch_is_refused(world):
    queued(world)
    refused = agent_key(world.agent_without_branch).post(TAKE)
    assert refused.status_code == 403 and refused.json()["code"] == "no_branch"
    assert not WitnessSession.objects.exists()


def test_pass_before_the_required_items_is_refused_and_stores_nothing(world):
    # given
    application = queued(world)
    agent = agent_key(world.agent)
    record = agent.post(TAKE).json()
    required = [i["code"] for i in record["checklist"] if i["required"]]
    agent.post(session_url(record["id"], "ticks"), {"item": required[0]})
    # when
    refused = agent.post(session_url(record["id"], "pass"), {})
    # then
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "step_invalid" and body["message"].startswith("以下检查项尚未确认")
    assert body["details"]["missing"] == required[1:]
    assert WitnessSession.objects.get(pk=record["id"]).is_open
    assert Application.objects.get(pk=application.pk).state == S.WITNESS_IN_PROGRESS
    assert not StepRecord.objects.filter(application=application, kind="witness").exists()


@pytest.mark.parametrize(
    "body, code",
    [
        ({"step": "colour", "reason": "看不清"}, "invalid_step"),
        ({"step": "witness", "reason": "看不清"}, "invalid_step"),
        ({"step": "photos", "reason": "  "}, None),
        ({"step": "photos"}, "invalid"),
        ({"step": "photos", "reason": "看不清", "colour": 1}, "invalid"),
    ],
)
def test_a_bad_return_is_refused_and_the_call_goes_on(world, body, code):
    application = queued(world)
    agent = agent_key(world.agent)
    session_id = agent.post(TAKE).json()["id"]
    refused = agent.post(session_url(session_id, "return"), body)
    assert refused.status_code == 400
    assert set(refused.json()) >= {"code", "message", "fields"}
    if code:
        assert refused.json()["code"] == code
    assert WitnessSession.objects.get(pk=session_id).is_open
    assert Application.objects.get(pk=application.pk).state == S.WITNESS_IN_PROGRESS


def test_a_return_sends_the_investor_back_with_the_reason(world):
    application = queued(world)
    agent = agent_key(world.agent)
    session_id = agent.post(TAKE).json()["id"]
    returned = agent.post(
        session_url(session_id, "return"), {"step": "photos", "reason": "身份证照片模糊"}
    )
    assert returned.status_code == 200, returned.json()
    assert returned.json()["session"]["outcome"] == WitnessOutcome.RETURNED
    assert returned.json()["session"]["returned_step"] == "photos"
    application = Application.objects.get(pk=application.pk)
    assert application.state == S.RETURNED and application.remarks == "身份证照片模糊"
    assert not QueueEntry.objects.exists()
    again = agent.post(session_url(session_id, "pass"), {})
    assert again.status_code == 409 and again.json()["code"] == "session_closed"


def test_release_puts_the_investor_back_in_the_queue(world):
    application = queued(world)
    agent = agent_key(world.agent)
    session_id = agent.post(TAKE).json()["id"]
    released = agent.post(session_url(session_id, "release"), {})
    assert released.status_code == 200
    assert released.json()["session"]["reason"] == "通话中断"
    assert Application.objects.get(pk=application.pk).state == S.QUEUED_FOR_WITNESS
    assert agent.get("witness/agent/queue/").json()["waiting"] == 1


@pytest.mark.parametrize(
    "body, code, field",
    [
        ({"item": "nope"}, "unknown_item", None),
        ({"item": "consent", "evidence": "snapshot"}, "invalid", "snapshot"),
        ({"item": "consent", "evidence": "snapshot", "snapshot": 999999}, "invalid_evidence", None),
        ({"item": "consent", "snapshot": 1}, "invalid", "snapshot"),
        ({"item": "consent", "evidence": "recording"}, "no_recording", None),
        ({"item": "consent", "evidence": "snapshot:1"}, "invalid", "evidence"),
    ],
)
def test_a_bad_tick_is_refused_with_its_reason(world, body, code, field):
    queued(world)
    agent = agent_key(world.agent)
    session_id = agent.post(TAKE).json()["id"]
    refused = agent.post(session_url(session_id, "ticks"), body)
    assert refused.status_code == 400
    assert refused.json()["code"] == code
    if field:
        assert field in refused.json()["fields"]
    assert WitnessSession.objects.get(pk=session_id).ticks == {}


@pytest.mark.parametrize("who", ["no_scope", "integrator_owner", "investor"])
def test_the_wrong_credential_is_refused_and_takes_nobody(world, who):
    application = queued(world)
    if who == "no_scope":
        caller = agent_key(world.agent, scopes=(Scope.APPLICATIONS_READ, Scope.REVIEW))
        code = "scope_missing"
    elif who == "integrator_owner":
        caller = agent_key(staff_user("app", Role.INTEGRATOR))
        code = "permission_denied"
    else:
        caller = Api.investor(application.client)
        code = "permission_denied"
    for refused in (caller.get("witness/agent/queue/"), caller.post(TAKE)):
        assert refused.status_code == 403
        assert refused.json()["code"] == code
    assert not WitnessSession.objects.exists()
    assert Application.objects.get(pk=application.pk).state == S.QUEUED_FOR_WITNESS


def test_an_optional_item_need_not_be_ticked(world):
    ChecklistItem.objects.update(required=False)
    queued(world)
    agent = agent_key(world.agent)
    session_id = agent.post(TAKE).json()["id"]
    assert agent.post(session_url(session_id, "pass"), {}).status_code == 200
