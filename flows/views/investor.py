"""The investor's pages: "my business", and every step of a business. An adapter over the step
engine (flows.services.steps) and the lifecycle services: it builds the investor `Actor`, calls
them, and answers with redirects and pages.

Each URL is safe to reload, to reach with the back button or to type: the server decides what
may be shown and redirects. Every POST is answered with a redirect (post/redirect/get): a
refused one comes back as a flash of its errors and values, so reloading never sends a form
again."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from clients.auth import current_investor, investor_id, investor_known, investor_required
from common.exceptions import BusinessError
from common.urls import reverse_kept

from ..actors import Actor
from ..engine import FlowPosition, FlowStep, flow_position
from ..models import Application
from ..pages import flash_keep, flash_take
from ..selectors import (
    investor_application_with_client,
    investor_applications,
    pending_application,
)
from ..services import application_abandon, application_start, step_act, step_submit

TOKEN_SALT = "flows.step"  # noqa: S105 (a signing namespace, not a secret)


def step_url(application: Application, step: FlowStep) -> str:
    return reverse_kept("flows:step", application.acceptance_number, step.name)


def investor_application_required(view):
    """`investor_required` for the pages of one business: the view gets the investor's own
    application of the URL's number, read with the investor in one query (a round trip to the
    database fewer on every step page); another investor's number is simply not found (404)."""

    @wraps(view)
    def wrapped(request, *args, acceptance_number: str, **kwargs):
        client_id = investor_id(request)
        application = (
            investor_application_with_client(
                client_id=client_id, acceptance_number=acceptance_number
            )
            if client_id is not None
            else None
        )
        if application is None:
            if current_investor(request) is None:
                return redirect("clients:login")
            raise Http404
        investor_known(request, application.client)
        return view(request, *args, application=application, **kwargs)

    return wrapped


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


@never_cache
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


def _may_show_steps(application: Application) -> bool:
    """The steps are shown while the investor may change them, and while they wait for or
    talk to the agent (the witness step's page; the earlier steps read only)."""
    return application.is_editable or application.is_with_witness


@investor_application_required
def resume(request, application: Application):
    if not _may_show_steps(application):
        return redirect("flows:my_business")
    current = flow_position(application).current
    return redirect(step_url(application, current)) if current else redirect("flows:my_business")


@require_POST
@investor_application_required
def abandon(request, application: Application):
    try:
        application_abandon(
            application=application,
            actor=Actor.investor(request.investor),
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("业务已放弃。"))
    except BusinessError as error:
        messages.error(request, error.message)
    return redirect("flows:my_business")


@require_POST
@investor_application_required
def previous(request, application: Application, step: str):
    """ "上一步" as an explicit action: what was entered stays on the record."""
    position = flow_position(application)
    target = position.find(step)
    if target is None or target.position == 0:
        return redirect("flows:resume", application.acceptance_number)
    return redirect(step_url(application, position.steps[target.position - 1]))


@never_cache
@investor_application_required
def step(request, application: Application, step: str):
    if not _may_show_steps(application):
        messages.info(
            request,
            _("该业务当前状态为“%(state)s”，不能修改。")
            % {"state": application.get_state_display()},
        )
        return redirect("flows:my_business")
    position = flow_position(application)
    target = position.find(step)
    if target is None:
        raise Http404
    if position.current is None:
        return redirect("flows:my_business")
    if target.position > position.current.position:
        messages.info(request, _("请先完成“%(step)s”。") % {"step": position.current.kind.label})
        return redirect(step_url(application, position.current))
    if request.method == "POST":
        return _submit(request, application, position, target)
    return _show(request, application, position, target)


def _show(
    request: HttpRequest, application: Application, position: FlowPosition, target: FlowStep
) -> HttpResponse:
    record = position.record(target)
    service = target.kind.service_class()(
        application=application, record=record, options=target.options
    )
    flash = flash_take(request, _flash_key(application, target))
    page = target.kind.page_class()(service=service, request=request, flash=flash)
    locked = position.is_locked(target) or not application.is_editable
    errors = flash.errors if flash else {}
    return render(
        request,
        "flows/step.html",
        {
            "application": application,
            "progress": _progress(application, position, target),
            "step": target,
            "page": page,
            "locked": locked,
            "errors": errors,
            # an error summary at the top (every message, named and linked to its field where
            # the page knows it); fields show theirs inline too
            "error_summary": page.error_summary(errors),
            "token": signing.dumps([application.pk, target.name, record.version], salt=TOKEN_SALT),
            "previous": position.steps[target.position - 1] if target.position else None,
            **page.context(),
        },
    )


def _submit(
    request: HttpRequest, application: Application, position: FlowPosition, target: FlowStep
) -> HttpResponse:
    here = step_url(application, target)
    try:
        app_pk, name, version = signing.loads(request.POST.get("step_token", ""), salt=TOKEN_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return _refused(request, application, target, _stale_message())
    if (app_pk, name) != (application.pk, target.name):
        return _refused(request, application, target, _stale_message())
    try:
        submission = step_submit(
            application=application,
            actor=Actor.investor(request.investor),
            step_name=target.name,
            data=request.POST,
            files=request.FILES,
            version=version,
        )
    except BusinessError as error:
        messages.error(request, error.message)
        return redirect("flows:resume", application.acceptance_number)
    outcome = submission.outcome
    if outcome.stale:  # already handled: a double post or an old page
        return redirect("flows:resume", application.acceptance_number)
    if outcome.message:
        messages.info(request, outcome.message)
    if outcome.errors:
        flash_keep(request, _flash_key(application, target), errors=outcome.errors)
        return redirect(here)
    if outcome.done:
        return redirect("flows:resume", application.acceptance_number)
    return redirect(here)


def _refused(request, application, target, message: str) -> HttpResponse:
    flash_keep(request, _flash_key(application, target), errors={"__all__": [message]})
    return redirect(step_url(application, target))


def _stale_message() -> str:
    return _("页面已过期或内容被修改，请刷新页面后重新提交。")


def _flash_key(application: Application, target: FlowStep) -> str:
    return f"{application.acceptance_number}/{target.name}"


@require_POST
@investor_application_required
def step_action(request, application: Application, step: str, action: str):
    """A step's background call, under the same rules as submitting the step."""
    position = flow_position(application)
    target = position.find(step)
    if target is None:
        raise Http404
    service = target.kind.service_class()(
        application=application, record=position.record(target), options=target.options
    )
    if action not in service.actions:
        raise Http404
    page = target.kind.page_class()(service=service, request=request, flash=None)
    try:
        result = step_act(
            application=application,
            actor=Actor.investor(request.investor),
            step_name=target.name,
            action=action,
            data=request.POST,
            files=request.FILES,
        )
    except BusinessError as error:
        return page.action_refused(action, error)
    return page.action_response(action, result)


def _progress(application: Application, position: FlowPosition, viewing: FlowStep) -> SafeString:
    """The progress list's items: each step's label, link (steps up to the current one) and
    state. Written out here rather than in the template: it is on every step page, and as a
    template loop it was about a seventh of the page's template time."""
    current = position.current
    items = []
    for s in position.steps:
        reachable = current is not None and s.position <= current.position
        done = position.is_complete(s)
        states = (
            ("done", done),
            ("current", current is not None and s.position == current.position),
            ("viewing", s.position == viewing.position),
            ("later", not reachable),
        )
        classes = " ".join(name for name, on in states if on)
        aria = mark_safe(' aria-current="step"') if s.position == viewing.position else ""
        if reachable:
            done_note = format_html(_DONE, _("（已完成）")) if done else ""
            inside = format_html(_LINK, step_url(application, s), s.kind.label, done_note)
        else:
            inside = format_html(_LATER, s.kind.label, _("未开放"), _("：完成前面的步骤后才能办理"))
        items.append(format_html(_ITEM, classes, aria, inside))
    return mark_safe("".join(items))  # noqa: S308 (each item built by format_html)


_ITEM = '\n    <li class="{}"{}>{}</li>'
_LINK = '<a href="{}">{}{}</a>'
_DONE = '<span class="visually-hidden">{}</span>'
_LATER = (
    '<span>{}</span><span class="progress-later">{}<span class="visually-hidden">{}</span></span>'
)
