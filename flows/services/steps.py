"""The step engine: submissions and actions of any step kind, by any actor.

The investor's pages, the agent's console and the REST API all come here; the rules of who may
complete which step in which state are written once, below, and each kind's own rules once, in
its service (flows.steps.base). The engine needs no code per kind: a kind declares who completes
it, whether it locks the steps before it, and which lifecycle transition its completion performs.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from common.exceptions import BusinessError
from common.locking import lock

from ..actors import ACTOR_LABELS, ON_INVESTORS_BEHALF, Actor
from ..engine import FlowPosition, FlowStep, flow_position
from ..events import event_record
from ..models import Application, StepRecord
from ..permissions import application_check_visible
from ..steps.base import ActionResult, Data, Files, StepOutcome, StepService, StepSummary
from .lifecycle import transition_check, transition_perform


@dataclass
class StepSubmission:
    outcome: StepOutcome
    record: StepRecord


def _fresh(application: Application) -> Application:
    return Application.objects.select_related("client", "client__branch").get(pk=application.pk)


def _step(position: FlowPosition, name: str) -> FlowStep:
    step = position.find(name)
    if step is None:
        raise BusinessError(_("该业务没有这个步骤。"), code="unknown_step", extra={"step": name})
    return step


def step_check_may_complete(*, actor: Actor, position: FlowPosition, step: FlowStep) -> None:
    """Whether this actor may submit this step now: the kind says who completes it; on the
    investor's side the lifecycle must allow changes, the step must be reached and not locked;
    anyone else needs the transition the step's completion performs to be allowed now."""
    application = position.application
    if actor.kind not in step.kind.completed_by:
        who = "、".join(str(ACTOR_LABELS[kind]) for kind in sorted(step.kind.completed_by))
        raise BusinessError(
            _("“%(step)s”由%(who)s完成。") % {"step": step.kind.label, "who": who},
            code="wrong_actor",
        )
    if actor.kind not in ON_INVESTORS_BEHALF:
        transition_check(application=application, actor=actor, name=step.kind.completion)
        if position.current is None or position.current.name != step.name:
            raise BusinessError(_("该步骤当前不能办理。"), code="step_not_current")
        return
    transition_check(application=application, actor=actor, name="change_steps")
    current = position.current
    if current is not None and step.position > current.position:
        raise BusinessError(
            _("请先完成“%(step)s”。") % {"step": current.kind.label},
            code="step_not_reached",
            extra={"current": current.name},
        )
    if position.is_locked(step):
        raise BusinessError(_("视频见证或签署后，之前的步骤不能再修改。"), code="step_locked")


def _service(position: FlowPosition, step: FlowStep, record: StepRecord) -> StepService:
    return step.kind.service_class()(
        application=position.application, record=record, options=step.options
    )


def _locked(application: Application, step_name: str, actor: Actor):
    """Inside a transaction: the application locked, re-read, checked again for this actor,
    and the step's record locked (a new one is saved only if something is recorded)."""
    locked = lock(Application, pk=application.pk)
    position = flow_position(locked)
    step = _step(position, step_name)
    step_check_may_complete(actor=actor, position=position, step=step)
    records = StepRecord.objects.select_for_update().filter(application=locked, kind=step.name)
    record = records.first() or StepRecord(application=locked, kind=step.name)
    return position, step, record


def step_submit(
    *,
    application: Application,
    actor: Actor,
    step_name: str,
    data: Data,
    files: Files | None = None,
    version: int | None = None,
) -> StepSubmission:
    """Submit a step. `version` is the record version the form was shown with (None: the API
    without one): a second post of the same form finds it moved on and does nothing (stale)."""
    application = _fresh(application)
    application_check_visible(actor=actor, application=application)
    position = flow_position(application)
    step = _step(position, step_name)
    step_check_may_complete(actor=actor, position=position, step=step)
    record = position.record(step)
    if version is not None and version != record.version:
        return StepSubmission(StepOutcome(done=False, stale=True), record)
    prepared = _service(position, step, record).prepare(actor=actor, data=data, files=files or {})
    taken = False
    try:
        with transaction.atomic():
            position, step, record = _locked(application, step_name, actor)
            if version is not None and version != record.version:
                return StepSubmission(StepOutcome(done=False, stale=True), record)
            service = _service(position, step, record)
            outcome = service.submit(actor=actor, data=data, prepared=prepared)
            taken = outcome.stores
            if taken:
                _record_outcome(position, step, record, outcome, actor)
        return StepSubmission(outcome, record)
    finally:
        if not taken:
            _service(position, step, record).discard(prepared)


def step_act(
    *,
    application: Application,
    actor: Actor,
    step_name: str,
    action: str,
    data: Data | None = None,
    files: Files | None = None,
) -> ActionResult:
    """Run one of a step's actions ("this agreement was read to its end", "acknowledge this
    notice", "prepare this signature"). Actions change the record under the row lock, unless
    the kind runs them unlocked (slow work that locks briefly on its own)."""
    application = _fresh(application)
    application_check_visible(actor=actor, application=application)
    position = flow_position(application)
    step = _step(position, step_name)
    step_check_may_complete(actor=actor, position=position, step=step)
    service = _service(position, step, position.record(step))
    if action not in service.actions:
        raise BusinessError(_("没有这个操作。"), code="unknown_action", extra={"action": action})
    if action in service.unlocked_actions:
        return service.act(actor=actor, name=action, data=data or {}, files=files or {})
    with transaction.atomic():
        position, step, record = _locked(application, step_name, actor)
        service = _service(position, step, record)
        before = (copy.deepcopy(record.data), copy.deepcopy(record.evidence))
        result = service.act(actor=actor, name=action, data=data or {}, files=files or {})
        if (record.data, record.evidence) != before:
            record.save()
        if result.outcome is not None and result.outcome.stores:
            _record_outcome(position, step, record, result.outcome, actor)
        if result.transition:
            transition_perform(
                application=position.application,
                actor=actor,
                name=result.transition,
                reason=result.reason,
                data={"step": step.name},
            )
    return result


def _record_outcome(
    position: FlowPosition, step: FlowStep, record: StepRecord, outcome: StepOutcome, actor: Actor
) -> None:
    """Store an accepted outcome on the locked record; on completion, reopen what a change
    affects and perform what the completion means for the lifecycle."""
    application = position.application
    changed = outcome.data is not None and outcome.data != record.data
    if outcome.data is not None:
        record.data = outcome.data
    if outcome.evidence is not None:
        record.evidence = outcome.evidence
    record.version += 1
    if outcome.done:
        record.completed_at = timezone.now()
        record.completed_by = actor.label
    record.save()
    if not outcome.done:
        return
    # A changed step is confirmed again downstream; an unchanged one leaves the rest as it was.
    reopened = (
        steps_reopen(application=application, from_step=step.name, inclusive=False)
        if changed
        else []
    )
    details = {"step": step.name, "version": record.version, "reopened": reopened}
    audit_record(
        action="step.complete",
        actor=actor.user,
        actor_label=actor.label,
        target=application,
        data=details,
    )
    event_record(name="step.completed", application=application, actor=actor, payload=details)
    _after_completion(application, step, actor)


def _after_completion(application: Application, step: FlowStep, actor: Actor) -> None:
    resumed = False
    if application.returned_step == step.name:
        transition_perform(application=application, actor=_on_behalf(actor), name="resume")
        resumed = True
    if step.kind.completion:
        transition_perform(
            application=application,
            actor=actor,
            name=step.kind.completion,
            data={"step": step.name},
        )
    elif resumed and flow_position(application).current is None:
        # sent back by the review, fixed with nothing else to do again: submitted again
        transition_perform(application=application, actor=_on_behalf(actor), name="submit")


def _on_behalf(actor: Actor) -> Actor:
    return actor if actor.kind in ON_INVESTORS_BEHALF else Actor.system("flow")


def steps_reopen(*, application: Application, from_step: str, inclusive: bool = True) -> list[str]:
    """Make a step (unless not `inclusive`) and every later one to be done again: a changed
    step is confirmed again downstream; a new certificate needs a new video witness. Call
    inside the caller's transaction, with the application locked; returns the names reopened."""
    position = flow_position(application)
    start = position.find(from_step)
    if start is None:
        return []
    names = [step.name for step in position.steps[start.position + (0 if inclusive else 1) :]]
    reopened = list(
        StepRecord.objects.filter(
            application=application, kind__in=names, completed_at__isnull=False
        ).values_list("kind", flat=True)
    )
    StepRecord.objects.filter(application=application, kind__in=names).update(completed_at=None)
    return [name for name in names if name in reopened]


def step_summaries(*, application: Application) -> list[StepSummary]:
    """What each step of the application recorded, typed, in flow order (steps not started
    are left out): for "my business", the review console and the API."""
    position = flow_position(application)
    return [
        step.kind.service_class().summarize(position.records[step.name])
        for step in position.steps
        if step.name in position.records
    ]


def step_state(*, application: Application, actor: Actor, step_name: str) -> dict[str, Any]:
    """A step's plain data, for an adapter that is not a page (the API)."""
    application = _fresh(application)
    application_check_visible(actor=actor, application=application)
    position = flow_position(application)
    step = _step(position, step_name)
    return _service(position, step, position.record(step)).state()
