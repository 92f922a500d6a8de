"""Adapters over the witness services: the investor's "开始视频" / "离开排队", and the agent's
console. Every POST is answered with a redirect (post/redirect/get), its outcome as a message."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from audit.services import audit_record
from clients.auth import investor_required
from common.exceptions import BusinessError
from flows.actors import Actor
from flows.models import Application
from flows.selectors import investor_application
from flows.services import step_summaries
from flows.steps import registry
from staff.decorators import role_required
from staff.roles import Role
from staff.selectors import agent_branch_id

from . import appointments, services
from .models import WitnessSession
from .selectors import (
    agent_open_sessions,
    id_photo_front,
    queue_snapshot,
    witness_return_steps,
)
from .steps import WITNESS


# --- the investor --------------------------------------------------------------------------------
def _witness_page(application) -> str:
    return reverse("flows:step", args=[application.acceptance_number, WITNESS])


def _investor_post(action: Callable[[HttpRequest, Application], None]):
    """A POST of the investor's witness page on their application: a refusal becomes a message;
    the answer is the witness page again (post/redirect/get)."""

    @require_POST
    @investor_required
    @wraps(action)
    def view(request: HttpRequest, acceptance_number: str) -> HttpResponse:
        client = request.investor  # set by investor_required
        application = investor_application(client=client, acceptance_number=acceptance_number)
        try:
            action(request, application)
        except BusinessError as error:
            messages.error(request, error.message)
        return redirect(_witness_page(application))

    return view


@_investor_post
def queue_join(request, application: Application) -> None:
    services.witness_queue_join(application=application, actor=Actor.investor(request.investor))
    messages.success(request, _("已进入视频见证排队，请保持本页面打开。"))


@_investor_post
def queue_leave(request, application: Application) -> None:
    actor = Actor.investor(request.investor)
    services.witness_queue_leave(application=application, actor=actor, reason=_("投资者离开排队"))
    messages.info(request, _("您已离开排队。"))


@_investor_post
def appointment_book(request, application: Application) -> None:
    try:
        starts_at = datetime.datetime.fromisoformat(request.POST.get("slot", ""))
        if starts_at.tzinfo is None:
            raise ValueError("naive")
    except ValueError:
        messages.error(request, _("请选择预约时段。"))
        return
    appointment = appointments.appointment_book(client=request.investor, starts_at=starts_at)
    local = timezone.localtime(appointment.starts_at)
    messages.success(
        request, _("已预约 %(at)s 的视频见证。") % {"at": local.strftime("%Y-%m-%d %H:%M")}
    )


@_investor_post
def appointment_cancel(request, application: Application) -> None:
    appointments.appointment_cancel(client=request.investor)
    messages.info(request, _("预约已取消。"))


# --- the agent -----------------------------------------------------------------------------------
@never_cache
@role_required(Role.WITNESS_AGENT)
def witness_console(request):
    """The agent's console: their branch's queue (live), "take next", their open call."""
    profile = getattr(request.user, "staff_profile", None)
    branch_id = agent_branch_id(request.user)
    return render(
        request,
        "video/witness_console.html",
        {
            "branch": profile.branch if profile else None,
            "branch_id": branch_id,
            "entries": queue_snapshot(branch_id=branch_id) if branch_id else [],
            "open_sessions": list(agent_open_sessions(agent=request.user)),
        },
    )


@require_POST
@role_required(Role.WITNESS_AGENT)
def take_next(request):
    try:
        session = services.witness_take_next(agent=request.user)
    except BusinessError as error:
        messages.error(request, error.message)
        return redirect("video:witness_console")
    if session is None:
        messages.info(request, _("当前没有等待的投资者。"))
        return redirect("video:witness_console")
    return redirect("video:session", session.pk)


def _own_session(request, pk: int) -> WitnessSession:
    session = (
        WitnessSession.objects.select_related("application", "application__client")
        .filter(pk=pk, agent=request.user)
        .first()
    )
    if session is None:
        raise Http404
    return session


@never_cache
@role_required(Role.WITNESS_AGENT)
def session_detail(request, pk: int):
    """The call and the investor's application, for the agent who took it (and only them)."""
    session = _own_session(request, pk)
    application = session.application
    snapshots = list(session.snapshots.all())
    audit_record(
        action="witness.application_viewed",
        actor=request.user,
        actor_label=Actor.agent(request.user).label,
        target=application,
        data={"session": session.pk},
    )
    return render(
        request,
        "video/session.html",
        {
            "session": session,
            "application": application,
            "summaries": [
                (getattr(registry.get(summary.kind), "label", summary.kind), summary.rows())
                for summary in step_summaries(application=application)
            ],
            "checks": [
                {**item, "tick": session.ticks.get(item["code"])} for item in session.checklist
            ],
            "missing": session.missing_required(),
            "return_steps": witness_return_steps(application=application),
            "snapshots": snapshots,
            "has_id_photo": id_photo_front(application=application) is not None,
            "has_recording": session.recording_chunks.exists(),
            # what the recording carries on every frame: the agent's id (and the time)
            "agent_label": Actor.agent(request.user).label,
        },
    )


def _session_post(action: Callable[[HttpRequest, WitnessSession], HttpResponse | None]):
    """A POST of the agent's console on one of their own sessions: a refusal becomes a message;
    the answer is the session while it is open, then the console (post/redirect/get), unless the
    action answers itself (the script's JSON)."""

    @require_POST
    @role_required(Role.WITNESS_AGENT)
    @wraps(action)
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        session = _own_session(request, pk)
        try:
            answer = action(request, session)
        except BusinessError as error:
            messages.error(request, error.message)
            return redirect("video:session", session.pk)
        if answer is not None:
            return answer
        session.refresh_from_db()
        if session.is_open:
            return redirect("video:session", session.pk)
        return redirect("video:witness_console")

    return view


@_session_post
def session_tick(request, session: WitnessSession) -> HttpResponse | None:
    if request.headers.get("Accept") == "application/json":
        return _tick_for_script(request, session)
    services.witness_tick(
        session_id=session.pk,
        agent=request.user,
        code=request.POST.get("item", ""),
        evidence=request.POST.get("evidence", ""),
    )
    messages.success(request, _("已确认该检查项。"))
    return None


@_session_post
def session_pass(request, session: WitnessSession) -> None:
    submission = services.witness_pass(
        session_id=session.pk, agent=request.user, remarks=request.POST.get("remarks", "")
    )
    outcome = submission.outcome
    if not outcome.done:
        for errors in outcome.errors.values():
            for error in errors:
                messages.error(request, error)
        if outcome.stale:
            messages.error(request, _("页面已过期，请刷新后重试。"))
        return
    messages.success(request, _("视频见证已通过。"))


@_session_post
def session_return(request, session: WitnessSession) -> None:
    step, reason = request.POST.get("step", ""), request.POST.get("reason", "")
    services.witness_return(session_id=session.pk, agent=request.user, step=step, reason=reason)
    messages.success(request, _("已退回投资者修改。"))


@_session_post
def session_release(request, session: WitnessSession) -> None:
    reason = request.POST.get("reason", "") or _("通话中断")
    services.witness_release(session_id=session.pk, agent=request.user, reason=reason)
    messages.info(request, _("投资者已回到排队。"))


def _tick_for_script(request, session: WitnessSession) -> JsonResponse:
    """The console's script ticks without leaving the page (the call goes on)."""
    code = request.POST.get("item", "")
    try:
        ticked = services.witness_tick(
            session_id=session.pk,
            agent=request.user,
            code=code,
            evidence=request.POST.get("evidence", ""),
        )
    except BusinessError as error:
        return JsonResponse({"message": error.message, "code": error.code}, status=400)
    return JsonResponse({"item": code, **ticked.ticks[code]})
