"""The application's lifecycle: one service per transition (docs/flows.md has the diagram).

Each service locks the row, refuses an application the actor may not see, asks the state
machine whether the transition may happen now (`can_proceed`) and whether this actor may ask
for it (`has_transition_perm`), checks its own conditions, transitions, saves, writes the audit
entry (who, why) and records the event, which subscribers get after commit. The same transition
asked twice at once: the second waits for the lock, then finds the state moved on and is
refused with a message; nothing is done twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from audit.services import audit_record
from common.exceptions import BusinessError
from common.locking import lock

from ..actors import Actor, ActorKind
from ..engine import flow_position
from ..events import event_record
from ..models import Application, StepRecord
from ..permissions import application_check_visible

EVENTS = {
    "queue": "application.queued",
    "leave_queue": "application.left_queue",
    "start_witness": "application.witness_started",
    "release_witness": "application.witness_released",
    "pass_witness": "application.witness_passed",
    "return_to_step": "application.returned",
    "resume": "application.resumed",
    "submit": "application.submitted",
    "approve": "application.approved",
    "reject": "application.rejected",
    "abandon": "application.abandoned",
}
# "不能%(action)s": what the person asked for, in their words.
ACTIONS = {
    "change_steps": gettext_lazy("修改"),
    "queue": gettext_lazy("进入视频见证排队"),
    "leave_queue": gettext_lazy("离开排队"),
    "start_witness": gettext_lazy("接入视频见证"),
    "release_witness": gettext_lazy("中断视频见证"),
    "pass_witness": gettext_lazy("通过视频见证"),
    "return_to_step": gettext_lazy("退回修改"),
    "resume": gettext_lazy("继续办理"),
    "submit": gettext_lazy("提交"),
    "approve": gettext_lazy("复核通过"),
    "reject": gettext_lazy("驳回"),
    "abandon": gettext_lazy("放弃"),
}
# what an application's history holds (flows.selectors.application_history): its start, each
# step completed and each transition above
HISTORY_ACTIONS = [
    "application.start",
    "step.complete",
    *(f"application.{name}" for name in ACTIONS),
]
MAX_REASON = 500


def transition_check(*, application: Application, actor: Actor, name: str) -> None:
    """Refuse a transition the state machine or the actor's kind does not allow now."""
    method = getattr(application, name)
    if not can_proceed(method):
        raise BusinessError(
            _("该业务当前状态为“%(state)s”，不能%(action)s。")
            % {"state": application.get_state_display(), "action": ACTIONS[name]},
            code="transition_not_allowed",
            extra={"state": application.state, "transition": name},
        )
    if not has_transition_perm(method, actor):
        raise BusinessError(
            _("您无权对该业务%(action)s。") % {"action": ACTIONS[name]},
            code="forbidden",
            extra={"transition": name},
        )


def transition_perform(
    *,
    application: Application,
    actor: Actor,
    name: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    **arguments: Any,
) -> Application:
    """Transition a locked application (inside the caller's transaction): check, change, save,
    audit, record the event. The services below wrap it; the step engine calls it directly
    for the transitions a step's completion performs."""
    transition_check(application=application, actor=actor, name=name)
    source = application.state
    getattr(application, name)(**arguments)
    try:
        application.save()
    except ConcurrentTransition as error:  # changed under us without the lock (a raw update)
        raise BusinessError(
            _("该业务刚刚被其他操作更新，请刷新后重试。"), code="concurrent_change"
        ) from error
    details = {"from": source, "to": application.state, **(data or {})}
    audit_record(
        action=f"application.{name}",
        actor=actor.user,
        actor_label=actor.label,
        target=application,
        reason=reason,
        data=details,
    )
    event_record(
        name=EVENTS[name],
        application=application,
        actor=actor,
        payload={**details, "branch_id": application.client.branch_id},
    )
    return application


def _transition(
    *,
    application: Application,
    actor: Actor,
    name: str,
    check: Callable[[Application], dict[str, Any] | None] | None = None,
    reason: str = "",
    **arguments: Any,
) -> Application:
    """Lock, refuse what the actor may not see, run the service's own check (which may return
    details for the audit entry and the event), transition."""
    with transaction.atomic():
        locked = lock(Application, pk=application.pk)
        application_check_visible(actor=actor, application=locked)
        transition_check(application=locked, actor=actor, name=name)
        data = check(locked) if check else None
        transition_perform(
            application=locked, actor=actor, name=name, reason=reason, data=data, **arguments
        )
    return locked


def _reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise BusinessError(_("请填写原因。"), code="reason_required")
    if len(reason) > MAX_REASON:
        raise BusinessError(
            _("原因不能超过 %(max)d 个字。") % {"max": MAX_REASON}, code="reason_too_long"
        )
    return reason


# --- the video witness ----------------------------------------------------------------------


def _check_ready_for_witness(application: Application) -> dict[str, Any]:
    """Everything before the agent's step done, and that step is the current one."""
    position = flow_position(application)
    current = position.current
    if current is None or ActorKind.AGENT not in current.kind.completed_by:
        raise BusinessError(_("请先完成视频见证之前的步骤。"), code="not_ready_for_witness")
    return {"step": current.name}


def application_queue(*, application: Application, actor: Actor) -> Application:
    """The investor asks for the video witness: into the branch's queue."""
    return _transition(
        application=application, actor=actor, name="queue", check=_check_ready_for_witness
    )


def application_leave_queue(
    *, application: Application, actor: Actor, reason: str = ""
) -> Application:
    return _transition(
        application=application,
        actor=actor,
        name="leave_queue",
        reason=_reason(reason, required=False),
    )


def application_witness_start(*, application: Application, actor: Actor) -> Application:
    """An agent of the investor's branch takes them from the queue."""
    return _transition(application=application, actor=actor, name="start_witness")


def application_witness_release(
    *, application: Application, actor: Actor, reason: str
) -> Application:
    """The call cannot go on (a dropped connection): the investor goes back to the queue."""
    return _transition(
        application=application,
        actor=actor,
        name="release_witness",
        reason=_reason(reason, required=True),
    )


def _named_step(application: Application, step: str, *, before_current: bool) -> dict[str, Any]:
    """A step of this application's flow that the investor completes (and, for a witness
    return, one before the witness): the step the investor is sent back to."""
    position = flow_position(application)
    target = next((s for s in position.steps if s.name == step), None)
    if target is None or not (target.kind.completed_by & {ActorKind.INVESTOR}):
        raise BusinessError(
            _("请选择投资者需要修改的步骤。"), code="invalid_step", extra={"step": step}
        )
    if before_current and position.current and target.position >= position.current.position:
        raise BusinessError(
            _("只能退回到视频见证之前的步骤。"), code="invalid_step", extra={"step": step}
        )
    return {"step": step}


def _reopen(application: Application, step: str) -> None:
    """The step sent back to is to be completed again (what was entered stays)."""
    StepRecord.objects.filter(application=application, kind=step).update(completed_at=None)


def _send_back(
    *, application: Application, actor: Actor, name: str, step: str, reason: str
) -> Application:
    """Return (the agent) or reject (the reviewer) to a named step, with the reason: that step
    is reopened for the investor to complete again."""
    reason = _reason(reason, required=True)

    def check(locked: Application) -> dict[str, Any]:
        details = _named_step(locked, step, before_current=name == "return_to_step")
        _reopen(locked, step)
        return details

    return _transition(
        application=application,
        actor=actor,
        name=name,
        check=check,
        reason=reason,
        step=step,
        remarks=reason,
    )


def application_return(
    *, application: Application, actor: Actor, step: str, reason: str
) -> Application:
    """The agent sends the investor back to a step before the witness; the investor fixes it
    and queues again."""
    return _send_back(
        application=application, actor=actor, name="return_to_step", step=step, reason=reason
    )


# --- submission and review --------------------------------------------------------------------


def _check_complete(application: Application) -> None:
    position = flow_position(application)
    if position.current is not None:
        raise BusinessError(
            _("请先完成“%(step)s”。") % {"step": position.current.kind.label},
            code="steps_incomplete",
            extra={"step": position.current.name},
        )


def application_submit(*, application: Application, actor: Actor) -> Application:
    """Every step done: to review. (The revisit step's completion submits through the step
    engine; this is for an integrator or the system when nothing is left to do.)"""
    return _transition(application=application, actor=actor, name="submit", check=_check_complete)


def application_approve(
    *,
    application: Application,
    actor: Actor,
    note: str = "",
    effects: Callable[[Application], dict[str, Any] | None] | None = None,
) -> Application:
    """The reviewer approves. `effects` runs with the row locked, in the same transaction (the
    review records the trading codes there), and may return details for the audit and event."""
    return _transition(
        application=application,
        actor=actor,
        name="approve",
        check=effects,
        reason=_reason(note, required=False),
    )


def application_reject(
    *, application: Application, actor: Actor, step: str, reason: str
) -> Application:
    """The reviewer sends the application back to a named step; the investor fixes it and the
    application is submitted again."""
    return _send_back(application=application, actor=actor, name="reject", step=step, reason=reason)


def application_abandon(*, application: Application, actor: Actor, reason: str = "") -> Application:
    """The investor gives up (it stays in "my business" as abandoned), with what they said."""
    return _transition(
        application=application,
        actor=actor,
        name="abandon",
        reason=_reason(reason, required=False) or str(_("投资者放弃办理")),
    )
