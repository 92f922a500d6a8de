"""Adapters over the witness services: the investor's "开始视频" / "离开排队", and the agent's
console. Every POST is answered with a redirect (post/redirect/get), its outcome as a message."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import Http404, JsonResponse
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


@require_POST
@investor_required
def queue_join(request, acceptance_number: str):
    application = investor_application(client=request.investor, acceptance_number=acceptance_number)
    try:
        services.witness_queue_join(application=application, actor=Actor.investor(request.investor))
        messages.success(request, _("已进入视频见证排队，请保持本页面打开。"))
    except BusinessError as error:
        messages.error(request, error.message)
    return redirect(_witness_page(application))


@require_POST
@investor_required
def queue_leave(request, acceptance_number: str):
    application = investor_application(client=request.investor, acceptance_number=acceptance_number)
    try:
        services.witness_queue_leave(
            application=application,
            actor=Actor.investor(request.investor),
            reason=_("投资者离开排队"),
        )
        messages.info(request, _("您已离开排队。"))
    except BusinessError as error:
        messages.error(request, error.message)
    return redirect(_witness_page(application))


@require_POST
@investor_required
def appointment_book(request, acceptance_number: str):
    application = investor_application(client=request.investor, acceptance_number=acceptance_number)
    try:
        starts_at = datetime.datetime.fromisoformat(request.POST.get("slot", ""))
        if starts_at.tzinfo is None:
            raise ValueError("naive")
    except ValueError:
        messages.error(request, _("请选择预约时段。"))
        return redirect(_witness_page(application))
    try:
        appointment = appointments.appointment_book(client=request.investor, starts_at=starts_at)
        local = timezone.localtime(appointment.starts_at)
        messages.success(
            request, _("已预约 %(at)s 的视频见证。") % {"at": local.strftime("%Y-%m-%d %H:%M")}
        )
    except BusinessError as error:
        messages.error(request, error.message)
    return redirect(_witness_page(application))


@require_POST
@investor_required
def appointment_cancel(request, acceptance_number: str):
    application = investor_application(client=request.investor, acceptance_number=acceptance_number)
    try:
        appointments.appointment_cancel(client=request.investor)
        messages.info(request, _("预约已取消。"))
    except BusinessError as error:
        messages.error(request, error.message)
    return redirect(_witness_page(application))


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


def _session_action(request, pk: int, action) -> object:
    session = _own_session(request, pk)
    try:
        action(session)
    except BusinessError as error:
        messages.error(request, error.message)
        return redirect("video:session", session.pk)
    session.refresh_from_db()
    if session.is_open:
        return redirect("video:session", session.pk)
    return redirect("video:witness_console")


@require_POST
@role_required(Role.WITNESS_AGENT)
def session_tick(request, pk: int):
    if request.headers.get("Accept") == "application/json":
        return _tick_for_script(request, pk)

    def tick(session):
        services.witness_tick(
            session_id=session.pk,
            agent=request.user,
            code=request.POST.get("item", ""),
            evidence=request.POST.get("evidence", ""),
        )
        messages.success(request, _("已确认该检查项。"))

    return _session_action(request, pk, tick)


@require_POST
@role_required(Role.WITNESS_AGENT)
def session_pass(request, pk: int):
    def passed(session):
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

    return _session_action(request, pk, passed)


@require_POST
@role_required(Role.WITNESS_AGENT)
def session_return(request, pk: int):
    def returned(session):
        services.witness_return(
            session_id=session.pk,
            agent=request.user,
            step=request.POST.get("step", ""),
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("已退回投资者修改。"))

    return _session_action(request, pk, returned)


@require_POST
@role_required(Role.WITNESS_AGENT)
def session_release(request, pk: int):
    def released(session):
        services.witness_release(
            session_id=session.pk,
            agent=request.user,
            reason=request.POST.get("reason", "") or _("通话中断"),
        )
        messages.info(request, _("投资者已回到排队。"))

    return _session_action(request, pk, released)


def _tick_for_script(request, pk: int) -> JsonResponse:
    """The console's script ticks without leaving the page (the call goes on)."""
    code = request.POST.get("item", "")
    try:
        session = services.witness_tick(
            session_id=_own_session(request, pk).pk,
            agent=request.user,
            code=code,
            evidence=request.POST.get("evidence", ""),
        )
    except BusinessError as error:
        return JsonResponse({"message": error.message, "code": error.code}, status=400)
    return JsonResponse({"item": code, **session.ticks[code]})
