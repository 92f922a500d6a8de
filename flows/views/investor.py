"""The investor's pages: "my business", and every step of a business. Each URL is safe to reload,
to reach with the back button or to type: the server decides what may be shown and redirects."""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients.auth import investor_required
from common.exceptions import BusinessError

from ..engine import current_step, find_step, flow_steps, step_is_locked, step_records
from ..models import StepRecord
from ..selectors import investor_application, investor_applications, pending_application
from ..services import application_abandon, application_start, step_save
from ..steps.base import StepResult

TOKEN_SALT = "flows.step"  # noqa: S105 (a signing namespace, not a secret)


def step_url(application, step) -> str:
    return reverse("flows:step", args=[application.acceptance_number, step.name])


@investor_required
def enter(request):
    """After login: a pending business means "my business"; otherwise the business starts."""
    if pending_application(client=request.investor) is not None:
        messages.info(request, _("您有一笔正在办理的业务，请继续办理或放弃后再申请。"))
        return redirect("flows:my_business")
    try:
        application = application_start(client=request.investor)
    except BusinessError as error:
        messages.error(request, error.message)
        return redirect("flows:my_business")
    return redirect("flows:resume", application.acceptance_number)


@investor_required
def my_business(request):
    applications = list(investor_applications(client=request.investor))
    return render(
        request,
        "flows/my_business.html",
        {
            "pending": [a for a in applications if a.is_pending],
            "finished": [a for a in applications if not a.is_pending],
        },
    )


@investor_required
def resume(request, acceptance_number: str):
    application = investor_application(client=request.investor, acceptance_number=acceptance_number)
    if not application.is_editable:
        return redirect("flows:my_business")
    steps = flow_steps(application)
    current = current_step(application, steps, step_records(application))
    return redirect(step_url(application, current)) if current else redirect("flows:my_business")


@require_POST
@investor_required
def abandon(request, acceptance_number: str):
    application = investor_application(client=request.investor, acceptance_number=acceptance_number)
    try:
        application_abandon(application=application, client=request.investor)
        messages.success(request, _("业务已放弃。"))
    except BusinessError as error:
        messages.error(request, error.message)
    return redirect("flows:my_business")


@require_POST
@investor_required
def previous(request, acceptance_number: str, step: str):
    """ "上一步" as an explicit action: what was entered stays on the record."""
    application = investor_application(client=request.investor, acceptance_number=acceptance_number)
    steps = flow_steps(application)
    target = find_step(steps, step)
    if target is None or target.position == 0:
        return redirect("flows:resume", acceptance_number)
    return redirect(step_url(application, steps[target.position - 1]))


@investor_required
def step(request, acceptance_number: str, step: str):
    application = investor_application(client=request.investor, acceptance_number=acceptance_number)
    if not application.is_editable:
        messages.info(
            request,
            _("该业务当前状态为“%(state)s”，不能修改。")
            % {"state": application.get_state_display()},
        )
        return redirect("flows:my_business")
    steps = flow_steps(application)
    records = step_records(application)
    target = find_step(steps, step)
    if target is None:
        raise Http404
    current = current_step(application, steps, records)
    if current is None:
        return redirect("flows:my_business")
    if target.position > current.position:
        messages.info(request, _("请先完成“%(step)s”。") % {"step": current.kind.label})
        return redirect(step_url(application, current))
    record = records.get(target.name) or StepRecord(application=application, kind=target.name)
    handler = target.kind.handler_class()(
        application=application, record=record, options=target.options
    )
    locked = step_is_locked(target, steps, records, application)
    result = None
    if request.method == "POST":
        outcome = _submit(request, application, target, record, handler, locked)
        if not isinstance(outcome, StepResult):
            return outcome
        result = outcome
    return render(
        request,
        "flows/step.html",
        {
            "application": application,
            "steps": _progress(steps, records, current),
            "step": target,
            "handler": handler,
            "locked": locked,
            "errors": result.errors if result else {},
            # an error summary at the top (every message), fields show theirs inline too
            "page_errors": [m for ms in result.errors.values() for m in ms] if result else [],
            "token": signing.dumps([application.pk, target.name, record.version], salt=TOKEN_SALT),
            "previous": steps[target.position - 1] if target.position else None,
            **handler.get_context(request),
        },
        status=400 if result and result.errors else 200,
    )


@require_POST
@investor_required
def step_action(request, acceptance_number: str, step: str, action: str):
    """A step's background call, under the same rules as showing the step."""
    application = investor_application(client=request.investor, acceptance_number=acceptance_number)
    steps = flow_steps(application)
    records = step_records(application)
    target = find_step(steps, step)
    current = current_step(application, steps, records)
    if (
        target is None
        or current is None
        or not application.is_editable
        or target.position > current.position
        or step_is_locked(target, steps, records, application)
    ):
        return JsonResponse({"message": _("当前不能进行此操作，请刷新页面。")}, status=409)
    record = records.get(target.name) or StepRecord(application=application, kind=target.name)
    handler = target.kind.handler_class()(
        application=application, record=record, options=target.options
    )
    response = handler.action(request, action)
    if response is None:
        raise Http404
    return response


def _submit(request, application, target, record, handler, locked):
    if locked:
        messages.error(request, _("视频见证或签署后，之前的步骤不能再修改。"))
        return redirect("flows:resume", application.acceptance_number)
    try:
        app_pk, name, version = signing.loads(request.POST.get("step_token", ""), salt=TOKEN_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return _stale()
    if (app_pk, name) != (application.pk, target.name):
        return _stale()
    if version != record.version:
        return redirect("flows:resume", application.acceptance_number)  # already handled
    result = handler.submit(request)
    if result.done or result.data is not None or result.evidence is not None:
        try:
            handler.record = step_save(
                application=application, step_name=target.name, version=version, result=result
            )
        except BusinessError as error:
            return StepResult(done=False, errors={"__all__": [error.message]})
    if result.message:
        messages.info(request, result.message)
    if result.done:
        return redirect("flows:resume", application.acceptance_number)
    return result


def _stale() -> StepResult:
    return StepResult(
        done=False, errors={"__all__": [_("页面已过期或内容被修改，请刷新页面后重新提交。")]}
    )


def _progress(steps, records, current):
    return [
        {
            "step": s,
            "done": bool(records.get(s.name) and records[s.name].is_complete),
            "current": current is not None and s.position == current.position,
        }
        for s in steps
    ]
