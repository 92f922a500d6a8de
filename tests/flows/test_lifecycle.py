"""The application's lifecycle: every state × transition × actor, allowed and refused; a refusal
changes nothing and sends nothing; the same transition asked twice at once is done once.

With DATABASE_URL set (CI), this runs on PostgreSQL, row locks and all."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from audit.models import AuditEvent
from common.exceptions import BusinessError
from flows.actors import Actor
from flows.models import Application, ApplicationState, OutboxEvent, StepRecord
from flows.services import (
    application_abandon,
    application_approve,
    application_leave_queue,
    application_queue,
    application_reject,
    application_return,
    application_start,
    application_submit,
    application_witness_release,
    application_witness_start,
    step_submit,
)
from staff.roles import Role
from tests.factories import (
    BranchFactory,
    ClientFactory,
    published_flow,
    staff_user,
    witness_session,
)

S = ApplicationState
STEPS = [
    ("photos", {"security_letter": None}),
    ("exchanges", {}),
    ("witness", {"script": None}),
    ("revisit", {"questionnaire": None}),
]
ON_BEHALF = {"investor", "integrator"}


@pytest.fixture
def flow(db):
    return published_flow(STEPS)


@pytest.fixture
def people(flow):
    """Every kind of actor, and the ones that must not see this investor's application."""
    branch, other_branch = BranchFactory(), BranchFactory()
    investor = ClientFactory(branch=branch)
    return {
        "investor": Actor.investor(investor),
        "other_investor": Actor.investor(ClientFactory(branch=branch)),
        "agent": Actor.agent(staff_user("agent", Role.WITNESS_AGENT, branch)),
        "other_branch_agent": Actor.agent(staff_user("agent2", Role.WITNESS_AGENT, other_branch)),
        "agent_without_role": Actor.agent(staff_user("nobody", None, branch)),
        "reviewer": Actor.reviewer(staff_user("reviewer", Role.REVIEWER)),
        "integrator": Actor.integrator(staff_user("integrator", Role.INTEGRATOR)),
        "system": Actor.system("test"),
    }


def complete(application: Application, *names: str) -> None:
    for name in names:
        StepRecord.objects.update_or_create(
            application=application,
            kind=name,
            defaults={"completed_at": "2026-12-01T10:00:00+08:00", "version": 1},
        )


def in_state(people, state: str, *, done=("photos", "exchanges")) -> Application:
    """An application of the investor, put in a state as the lifecycle would have left it."""
    application = application_start(client=people["investor"].client)
    complete(application, *done)
    returned = "exchanges" if state in (S.RETURNED, S.REJECTED) else ""
    Application.objects.filter(pk=application.pk).update(state=state, returned_step=returned)
    return Application.objects.get(pk=application.pk)


# --- what each service needs besides the state ------------------------------------------------


def _submit(application, actor):
    complete(application, "witness", "revisit")
    return application_submit(application=application, actor=actor)


def _pass(application, actor):
    if actor.user is not None and not application.witness_sessions.exists():
        witness_session(application, actor.user)  # the agent passes the session they took
    return step_submit(application=application, actor=actor, step_name="witness", data={})


def _change(application, actor):
    return step_submit(
        application=application, actor=actor, step_name="exchanges", data={"exchanges": []}
    )


TRANSITIONS: dict[str, tuple[Callable, set[str], set[str]]] = {
    # name: (call, states it may start from, actors that may ask)
    "queue": (
        lambda a, actor: application_queue(application=a, actor=actor),
        {S.IN_PROGRESS},
        ON_BEHALF,
    ),
    "leave_queue": (
        lambda a, actor: application_leave_queue(application=a, actor=actor),
        {S.QUEUED_FOR_WITNESS},
        ON_BEHALF | {"system"},
    ),
    "start_witness": (
        lambda a, actor: application_witness_start(application=a, actor=actor),
        {S.QUEUED_FOR_WITNESS},
        {"agent"},
    ),
    "release_witness": (
        lambda a, actor: application_witness_release(application=a, actor=actor, reason="断线"),
        {S.WITNESS_IN_PROGRESS},
        {"agent", "system"},
    ),
    "pass_witness": (_pass, {S.WITNESS_IN_PROGRESS}, {"agent"}),
    "return_to_step": (
        lambda a, actor: application_return(
            application=a, actor=actor, step="photos", reason="身份证照片反光"
        ),
        {S.WITNESS_IN_PROGRESS},
        {"agent"},
    ),
    "submit": (_submit, {S.IN_PROGRESS}, ON_BEHALF | {"system"}),
    "approve": (
        lambda a, actor: application_approve(application=a, actor=actor),
        {S.SUBMITTED},
        {"reviewer"},
    ),
    "reject": (
        lambda a, actor: application_reject(
            application=a, actor=actor, step="exchanges", reason="成绩报告单不清晰"
        ),
        {S.SUBMITTED},
        {"reviewer"},
    ),
    "abandon": (
        lambda a, actor: application_abandon(application=a, actor=actor, reason="不办了"),
        {S.IN_PROGRESS, S.QUEUED_FOR_WITNESS, S.WITNESS_IN_PROGRESS, S.RETURNED, S.REJECTED},
        ON_BEHALF | {"system"},
    ),
    "change_steps": (_change, {S.IN_PROGRESS, S.RETURNED, S.REJECTED}, ON_BEHALF),
}
ACTORS = ["investor", "agent", "reviewer", "integrator", "system"]
# those who must not see this investor's application at all, whatever the state
OUTSIDERS = ["other_investor", "other_branch_agent", "agent_without_role"]
TARGETS = {
    "queue": S.QUEUED_FOR_WITNESS,
    "leave_queue": S.IN_PROGRESS,
    "start_witness": S.WITNESS_IN_PROGRESS,
    "release_witness": S.QUEUED_FOR_WITNESS,
    "pass_witness": S.IN_PROGRESS,
    "return_to_step": S.RETURNED,
    "submit": S.SUBMITTED,
    "approve": S.APPROVED,
    "reject": S.REJECTED,
    "abandon": S.ABANDONED,
}


def _cases():
    for transition, (_call, states, actors) in TRANSITIONS.items():
        for state in S:
            for actor in ACTORS:
                if transition == "change_steps" and actor == "system":
                    continue  # the system completes no investor step
                allowed = state in states and actor in actors
                yield pytest.param(
                    transition, state.value, actor, allowed, id=f"{transition}-{state}-{actor}"
                )


@pytest.mark.parametrize(("transition", "state", "actor", "allowed"), list(_cases()))
def test_every_state_transition_and_actor(people, transition, state, actor, allowed):
    # given an application in the state
    application = in_state(people, state)
    audits, events = AuditEvent.objects.count(), OutboxEvent.objects.count()
    call = TRANSITIONS[transition][0]
    # when the actor asks for the transition
    if allowed:
        call(application, people[actor])
        after = Application.objects.get(pk=application.pk)
        # then it happens, with its audit entry and its event
        if transition in TARGETS:
            assert after.state == TARGETS[transition]
            assert AuditEvent.objects.filter(action=f"application.{transition}").exists()
            assert OutboxEvent.objects.count() > events
        return
    with pytest.raises(BusinessError) as refused:
        call(application, people[actor])
    # then it is refused with a message, and nothing changed or was sent
    assert refused.value.message
    assert refused.value.code in {
        "transition_not_allowed",
        "forbidden",
        "not_found",
        "wrong_actor",
        "step_not_current",
    }
    assert Application.objects.get(pk=application.pk).state == state
    assert (AuditEvent.objects.count(), OutboxEvent.objects.count()) == (audits, events)


@pytest.mark.parametrize("transition", list(TRANSITIONS))
def test_another_investors_or_branchs_application_is_not_found_by_any_transition(
    people, transition
):
    # given an application in a state where the transition is allowed
    application = in_state(people, sorted(TRANSITIONS[transition][1])[0])
    events = OutboxEvent.objects.count()
    for who in OUTSIDERS:
        # when someone who must not see it asks
        with pytest.raises(BusinessError) as refused:
            TRANSITIONS[transition][0](application, people[who])
        # then it is as if it did not exist
        assert (refused.value.code, refused.value.message) == ("not_found", "未找到该业务。")
    assert OutboxEvent.objects.count() == events


# --- the witness and review loops --------------------------------------------------------------


def test_queueing_needs_everything_before_the_witness(people):
    application = in_state(people, S.IN_PROGRESS, done=("photos",))
    with pytest.raises(BusinessError) as refused:
        application_queue(application=application, actor=people["investor"])
    assert refused.value.code == "not_ready_for_witness"


def test_the_agents_pass_completes_the_witness_and_the_flow_goes_on(people):
    # given an investor in a call with the agent of their branch
    application = in_state(people, S.IN_PROGRESS)
    application_queue(application=application, actor=people["investor"])
    application_witness_start(application=application, actor=people["agent"])
    witness_session(application, people["agent"].user)
    # when the agent passes them
    step_submit(
        application=application, actor=people["agent"], step_name="witness", data={"remarks": "好"}
    )
    # then the witness step is complete, by the agent, and the investor goes on to the revisit
    record = StepRecord.objects.get(application=application, kind="witness")
    assert record.is_complete and record.completed_by == "agent:agent"
    after = Application.objects.get(pk=application.pk)
    assert after.state == S.IN_PROGRESS
    assert AuditEvent.objects.filter(action="application.pass_witness").exists()


def test_returned_to_a_step_the_investor_fixes_it_and_queues_again(people):
    # given the agent sends the investor back to the exchanges with a reason
    application = in_state(people, S.WITNESS_IN_PROGRESS)
    application_return(
        application=application, actor=people["agent"], step="exchanges", reason="请重新选择"
    )
    returned = Application.objects.get(pk=application.pk)
    assert (returned.state, returned.returned_step, returned.remarks) == (
        S.RETURNED,
        "exchanges",
        "请重新选择",
    )
    # when the investor completes that step again
    _complete_exchanges(returned, people["investor"])
    # then the business resumes and the witness is the current step: they queue again
    resumed = Application.objects.get(pk=application.pk)
    assert (resumed.state, resumed.returned_step) == (S.IN_PROGRESS, "")
    application_queue(application=resumed, actor=people["investor"])


def _complete_exchanges(application, investor_actor):
    from tests.factories import ExchangeFactory

    ExchangeFactory()
    step_submit(
        application=application,
        actor=investor_actor,
        step_name="exchanges",
        data={"exchanges": ["SHFE"]},
    )


def test_a_return_needs_a_reason_and_a_step_before_the_witness(people):
    application = in_state(people, S.WITNESS_IN_PROGRESS)
    for step, reason, code in [
        ("exchanges", " ", "reason_required"),
        ("revisit", "原因", "invalid_step"),
        ("witness", "原因", "invalid_step"),
        ("nonsense", "原因", "invalid_step"),
    ]:
        with pytest.raises(BusinessError) as refused:
            application_return(
                application=application, actor=people["agent"], step=step, reason=reason
            )
        assert refused.value.code == code
    assert Application.objects.get(pk=application.pk).state == S.WITNESS_IN_PROGRESS


def test_rejected_fixed_with_nothing_else_to_redo_is_submitted_again(people):
    # given a submitted application, rejected to the exchanges step
    application = in_state(people, S.SUBMITTED)
    complete(application, "witness", "revisit")
    application_reject(
        application=application, actor=people["reviewer"], step="exchanges", reason="请补充"
    )
    # when the investor completes that step again with the same selection
    rejected = Application.objects.get(pk=application.pk)
    StepRecord.objects.filter(application=application, kind="exchanges").update(
        data={"selected": ["SHFE"], "score_choice": "upload"}
    )
    _complete_exchanges(rejected, people["investor"])
    # then it is submitted again, and the reviewer hears of it
    after = Application.objects.get(pk=application.pk)
    assert after.state == S.SUBMITTED
    names = set(OutboxEvent.objects.filter(application=application).values_list("name", flat=True))
    assert {"step.completed", "application.resumed", "application.submitted"} <= names


def test_the_revisit_step_completion_submits(people, monkeypatch):
    # given a revisit kind whose service is ready (the revisit issue builds the real one)
    import dataclasses

    from flows.steps import registry

    kind = dataclasses.replace(
        registry.get("revisit"), service="tests.flows.handlers.AnswerService"
    )
    monkeypatch.setitem(registry._kinds, "revisit", kind)
    application = in_state(people, S.IN_PROGRESS)
    complete(application, "witness")
    # when the investor completes the revisit
    step_submit(
        application=application,
        actor=people["investor"],
        step_name="revisit",
        data={"answer": "ok"},
    )
    # then the application is submitted
    assert Application.objects.get(pk=application.pk).state == S.SUBMITTED


def test_approval_effects_run_in_the_same_transaction(people):
    application = in_state(people, S.SUBMITTED)

    def refuse(locked):
        raise BusinessError("交易编码未填写", code="codes_missing")

    with pytest.raises(BusinessError):
        application_approve(application=application, actor=people["reviewer"], effects=refuse)
    assert Application.objects.get(pk=application.pk).state == S.SUBMITTED
    assert not AuditEvent.objects.filter(action="application.approve").exists()


def test_an_abandon_records_who_and_why(people):
    application = in_state(people, S.IN_PROGRESS)
    application_abandon(application=application, actor=people["investor"], reason="改天再办")
    entry = AuditEvent.objects.get(action="application.abandon")
    assert (entry.actor_label, entry.reason) == (f"investor:{application.client_id}", "改天再办")
    assert entry.data == {"from": "in_progress", "to": "abandoned"}


# --- two requests at once -----------------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("transition", ["start_witness", "approve", "abandon"])
def test_the_same_transition_twice_at_once_is_done_once(postgres_url, people, transition):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL: run with DATABASE_URL set")
    # given an application two people act on at the same moment
    state = {"start_witness": S.QUEUED_FOR_WITNESS, "approve": S.SUBMITTED}.get(
        transition, S.IN_PROGRESS
    )
    application = in_state(people, state)
    actor = {"start_witness": "agent", "approve": "reviewer"}.get(transition, "investor")
    call = TRANSITIONS[transition][0]
    barrier, outcomes = threading.Barrier(2), []

    def attempt():
        try:
            barrier.wait()
            call(application, people[actor])
            outcomes.append("done")
        except BusinessError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # then exactly one wins; the other is told the state moved on
    assert sorted(outcomes) == ["done", "transition_not_allowed"]
    assert AuditEvent.objects.filter(action=f"application.{transition}").count() == 1
