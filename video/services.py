"""The writes of the video witness: the branch queue, taking the next investor, the checklist,
and the call's end (pass, return to a step, release back to the queue).

Every change of the application's state goes through the flow core's lifecycle services
(flows.services), in the same transaction as the queue row it moves, so the queue in the
database and the application's state never disagree; the lifecycle records the events, whose
subscriber (video.subscribers) pushes the counts after commit. Locks: the application first,
then the session (as the step engine does)."""

from __future__ import annotations

import datetime

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from common.exceptions import BusinessError
from common.locking import lock
from flows.actors import Actor
from flows.models import Application, ApplicationState
from flows.services import (
    StepSubmission,
    application_leave_queue,
    application_queue,
    application_return,
    application_witness_release,
    application_witness_start,
    step_submit,
)
from staff.roles import Role
from staff.selectors import agent_branch_id, user_has_role

from . import groups
from .models import QueueEntry, WitnessOutcome, WitnessSession
from .selectors import agent_open_sessions, checklist_current, dropped_grace, queue_waiting
from .steps import WITNESS

RECORDING_NOW = "recording"  # a tick's evidence: the moment of the recording it was made at


# --- the investor's side of the queue --------------------------------------------------------


def witness_queue_join(*, application: Application, actor: Actor) -> QueueEntry:
    """ "开始视频": the application is queued (the lifecycle checks the step and the actor) and
    takes the last place of its branch's queue."""
    with transaction.atomic():
        locked = application_queue(application=application, actor=actor)
        entry, _created = QueueEntry.objects.update_or_create(
            application=locked,
            defaults={
                "branch_id": locked.client.branch_id,
                "queued_at": timezone.now(),
                "disconnected_at": None,
                "session": None,
            },
        )
    return entry


def witness_queue_leave(*, application: Application, actor: Actor, reason: str = "") -> None:
    with transaction.atomic():
        application_leave_queue(application=application, actor=actor, reason=reason)
        QueueEntry.objects.filter(application_id=application.pk).delete()


def queue_connection_lost(*, application_id: int) -> None:
    """The investor's page lost its connection: the place is kept for the grace period."""
    QueueEntry.objects.filter(
        application_id=application_id, session__isnull=True, disconnected_at__isnull=True
    ).update(disconnected_at=timezone.now())


def queue_connection_back(*, application_id: int) -> None:
    QueueEntry.objects.filter(application_id=application_id).update(disconnected_at=None)


def queue_sweep(*, now: datetime.datetime | None = None) -> list[int]:
    """Take out of the queue the investors whose connection has been gone longer than the
    grace period (Celery beat). Checked again under the application's lock: an investor who
    came back meanwhile keeps the place. Returns the application ids taken out."""
    now = now or timezone.now()
    cutoff = now - dropped_grace()
    due = QueueEntry.objects.filter(session__isnull=True, disconnected_at__lt=cutoff)
    removed = []
    for application_id in due.values_list("application_id", flat=True):
        with transaction.atomic():
            application = lock(Application, pk=application_id)
            entry = QueueEntry.objects.select_for_update().filter(
                application_id=application_id, session__isnull=True, disconnected_at__lt=cutoff
            )
            if not entry.exists():
                continue
            if application.state == ApplicationState.QUEUED_FOR_WITNESS:
                application_leave_queue(
                    application=application,
                    actor=Actor.system("witness queue"),
                    reason=str(
                        _("连接中断超过 %(s)d 秒，已离开排队") % {"s": dropped_grace().seconds}
                    ),
                )
            entry.delete()
            removed.append(application_id)
    return removed


def sessions_expire(*, now: datetime.datetime | None = None) -> list[int]:
    """End the sessions that ran past the maximum length (Celery beat): the investor goes back
    to the queue in their place, and the witness must be done again. Returns the session ids."""
    now = now or timezone.now()
    limit = datetime.timedelta(minutes=settings.WITNESS_MAX_SESSION_MINUTES)
    due = WitnessSession.objects.filter(outcome=WitnessOutcome.OPEN, started_at__lt=now - limit)
    ended = []
    for session_id, application_id in due.values_list("pk", "application_id"):
        with transaction.atomic():
            application = lock(Application, pk=application_id)
            session = WitnessSession.objects.select_for_update().get(pk=session_id)
            if not session.is_open:
                continue
            if application.state == ApplicationState.WITNESS_IN_PROGRESS:
                application_witness_release(
                    application=application,
                    actor=Actor.system("witness time limit"),
                    reason=str(_("视频见证超过最长时间，需重新进行")),
                )
            _end(session, WitnessOutcome.RELEASED, reason=str(_("视频见证超过最长时间")))
            QueueEntry.objects.filter(application_id=application_id).update(
                session=None, disconnected_at=None
            )
        call_ended(session_id=session_id, outcome=WitnessOutcome.RELEASED)
        ended.append(session_id)
    return ended


# --- the agent --------------------------------------------------------------------------------


def agent_branch(agent) -> int:
    """The branch whose queue the agent serves (refused without the role or a branch)."""
    branch_id = agent_branch_id(agent)
    if not user_has_role(agent, Role.WITNESS_AGENT) or branch_id is None:
        raise BusinessError(_("您的账号尚未分配营业部，无法接待投资者。"), code="no_branch")
    return branch_id


def witness_take_next(*, agent) -> WitnessSession | None:
    """The first waiting investor of the agent's branch, taken atomically: two agents pressing
    at once never get the same investor (the row is locked with SKIP LOCKED, so the second
    agent takes the next one instead of waiting). None when nobody is waiting."""
    branch_id = agent_branch(agent)
    if agent_open_sessions(agent=agent).exists():
        raise BusinessError(_("请先结束当前的视频见证。"), code="session_open")
    actor = Actor.agent(agent)
    with transaction.atomic():
        entry = (
            queue_waiting(branch_id=branch_id)
            .select_for_update(skip_locked=True, of=("self", "application"))
            .filter(disconnected_at__isnull=True)
            .first()
        )
        if entry is None:
            return None
        application_witness_start(application=entry.application, actor=actor)
        session = WitnessSession.objects.create(
            application=entry.application,
            agent=agent,
            branch_id=branch_id,
            checklist=checklist_current(),
        )
        entry.session = session
        entry.save(update_fields=["session"])
    return session


def _own_open_session(*, session_id: int, agent, locked: bool = False) -> WitnessSession:
    """The agent's own open session (another agent's is as if it did not exist)."""
    query = WitnessSession.objects.select_related("application")
    if locked:
        query = query.select_for_update(of=("self",))
    session = query.filter(pk=session_id, agent=agent).first()
    if session is None:
        raise BusinessError(_("未找到该视频见证。"), code="not_found")
    if not session.is_open:
        raise BusinessError(_("该视频见证已经结束。"), code="session_closed")
    return session


def _evidence(session: WitnessSession, reference: str) -> dict:
    """What a tick points at: one of the session's snapshots ("snapshot:<id>") or the present
    moment of the recording ("recording"), as a record with the text the summary shows."""
    if reference == "":
        return {"evidence": ""}
    if reference == RECORDING_NOW:
        first = session.recording_chunks.order_by("seq").first()
        if first is None:
            raise BusinessError(_("录像尚未开始，无法记录录像时间点。"), code="no_recording")
        second = max(0, int((timezone.now() - first.received_at).total_seconds()))
        moment = f"{second // 3600:02d}:{second % 3600 // 60:02d}:{second % 60:02d}"
        return {"evidence": _("录像 %(t)s") % {"t": moment}, "recording_second": second}
    kind, _sep, number = reference.partition(":")
    shot = (
        session.snapshots.filter(pk=int(number)).first()
        if kind == "snapshot" and number.isascii() and number.isdigit() and len(number) < 12
        else None
    )
    if shot is None:
        raise BusinessError(_("证据须为本次见证的截图或录像时间点。"), code="invalid_evidence")
    taken = timezone.localtime(shot.taken_at).strftime("%H:%M:%S")
    return {
        "evidence": f"{shot.get_kind_display()} #{shot.pk} {taken}",
        "snapshot": shot.pk,
    }


def witness_tick(*, session_id: int, agent, code: str, evidence: str = "") -> WitnessSession:
    """The agent ticks one check, with its evidence: a reference to one of the session's
    snapshots or to the present moment of the recording (video.services._evidence). Each tick
    is kept with its time and evidence in the session (ticked again: the latest counts, the
    audit log keeps every one)."""
    reference = (evidence or "").strip()
    with transaction.atomic():
        session = _own_open_session(session_id=session_id, agent=agent, locked=True)
        if code not in {item["code"] for item in session.checklist}:
            raise BusinessError(_("没有这个检查项。"), code="unknown_item", extra={"item": code})
        tick = {"at": timezone.now().isoformat(), **_evidence(session, reference)}
        session.ticks = {**session.ticks, code: tick}
        session.save(update_fields=["ticks"])
        audit_record(
            action="witness.tick",
            actor=agent,
            actor_label=Actor.agent(agent).label,
            target=session.application,
            data={"session": session.pk, "item": code, **tick},
        )
    return session


def witness_pass(*, session_id: int, agent, remarks: str = "") -> StepSubmission:
    """The agent passes the investor: the witness step is completed by the agent through the
    step engine (WitnessService refuses while a required check is not ticked)."""
    session = _own_open_session(session_id=session_id, agent=agent)
    submission = step_submit(
        application=session.application,
        actor=Actor.agent(agent),
        step_name=WITNESS,
        data={"remarks": remarks, "session": str(session.pk)},
    )
    if submission.outcome.done:
        call_ended(session_id=session.pk, outcome=WitnessOutcome.PASSED)
    return submission


def _end(session: WitnessSession, outcome: str, *, reason: str = "", step: str = "") -> None:
    session.outcome = outcome
    session.ended_at = timezone.now()
    session.reason = reason
    session.returned_step = step
    session.save(update_fields=["outcome", "ended_at", "reason", "returned_step"])


def witness_return(*, session_id: int, agent, step: str, reason: str) -> WitnessSession:
    """The agent sends the investor back to a named step, with a reason the investor sees."""
    session = _own_open_session(session_id=session_id, agent=agent)
    with transaction.atomic():
        lock(Application, pk=session.application_id)
        session = _own_open_session(session_id=session_id, agent=agent, locked=True)
        application_return(
            application=session.application, actor=Actor.agent(agent), step=step, reason=reason
        )
        _end(session, WitnessOutcome.RETURNED, reason=reason.strip(), step=step)
        QueueEntry.objects.filter(application_id=session.application_id).delete()
    call_ended(session_id=session.pk, outcome=WitnessOutcome.RETURNED)
    return session


def witness_release(*, session_id: int, agent, reason: str) -> WitnessSession:
    """The call cannot go on: the investor goes back to the queue, in the place they had."""
    session = _own_open_session(session_id=session_id, agent=agent)
    with transaction.atomic():
        lock(Application, pk=session.application_id)
        session = _own_open_session(session_id=session_id, agent=agent, locked=True)
        application_witness_release(
            application=session.application, actor=Actor.agent(agent), reason=reason
        )
        _end(session, WitnessOutcome.RELEASED, reason=reason.strip())
        QueueEntry.objects.filter(application_id=session.application_id).update(
            session=None, disconnected_at=None
        )
    call_ended(session_id=session.pk, outcome=WitnessOutcome.RELEASED)
    return session


def call_ended(*, session_id: int, outcome: str) -> None:
    """Tell both ends of the call that it is over (after commit): their pages move on. Best
    effort: with the Channels layer down the change is committed all the same (the agent's
    request must not fail after it), and the investor's page still hears of it through the
    outbox (video.subscribers, retried)."""
    message = {"type": "call.ended", "outcome": outcome}

    def send() -> None:
        async_to_sync(get_channel_layer().group_send)(groups.call(session_id), message)

    transaction.on_commit(send, robust=True)
