"""Reads of the video witness: the branch queue (from the database, its truth) and sessions."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from flows.actors import ActorKind
from flows.engine import flow_position
from flows.models import Application, ApplicationState
from flows.services import step_summaries
from flows.steps.photos import PhotosSummary
from photos.models import IdPhoto, IdPhotoSide
from photos.selectors import id_photos_on_file

from .models import (
    Appointment,
    AppointmentStatus,
    ChecklistItem,
    QueueEntry,
    WitnessOutcome,
    WitnessSession,
)
from .steps import WITNESS


def dropped_grace() -> datetime.timedelta:
    """How long an investor whose connection dropped keeps their place."""
    return datetime.timedelta(seconds=settings.WITNESS_DROPPED_GRACE_SECONDS)


def appointment_priority(now: datetime.datetime) -> Exists:
    """Whether the entry's investor has an appointment running now, and queued before its
    start (arriving after the start loses the priority)."""
    return Exists(
        Appointment.objects.filter(
            client_id=OuterRef("application__client_id"),
            status=AppointmentStatus.BOOKED,
            starts_at__lte=now,
            ends_at__gt=now,
            starts_at__gte=OuterRef("queued_at"),
        )
    )


def queue_waiting(*, branch_id: int, now: datetime.datetime | None = None) -> QuerySet[QueueEntry]:
    """The branch's investors waiting for an agent, in queue order: those whose appointment is
    running first, then arrival order (a dropped connection keeps its place until the grace
    period ends; the sweep then takes it out)."""
    return (
        QueueEntry.objects.filter(
            branch_id=branch_id,
            session__isnull=True,
            application__state=ApplicationState.QUEUED_FOR_WITNESS,
        )
        .annotate(priority=appointment_priority(now or timezone.now()))
        .select_related("application")
        .order_by(F("priority").desc(), "queued_at", "pk")
    )


def queue_count(*, branch_id: int) -> int:
    return QueueEntry.objects.filter(
        branch_id=branch_id,
        session__isnull=True,
        application__state=ApplicationState.QUEUED_FOR_WITNESS,
    ).count()


def queue_order(*, branch_id: int) -> list[int]:
    """The waiting applications' ids, first to last."""
    return list(queue_waiting(branch_id=branch_id).values_list("application_id", flat=True))


def position_in(order: list[int], application_id: int) -> int | None:
    """1 for the first waiting; None when the application is not waiting."""
    return order.index(application_id) + 1 if application_id in order else None


def order_encode(order: list[int]) -> str:
    """The queue's order as one string for the group message every investor's socket gets: a
    channel layer copies a message per receiver (the in-memory one deep-copies it), and a string
    is copied whole at once where a list of 1,000 numbers is copied number by number."""
    return ",".join(map(str, order))


def order_position(encoded: str, application_id: int) -> int | None:
    """`position_in` on an encoded order, by string search (each of 1,000 sockets does this)."""
    at = f",{encoded},".find(f",{application_id},")
    return None if at < 0 else encoded[:at].count(",") + 1


def queue_position(*, application: Application) -> int | None:
    """1 for the first waiting; None when the application is not waiting."""
    entry = QueueEntry.objects.filter(application_id=application.pk).first()
    if entry is None:
        return None
    return position_in(queue_order(branch_id=entry.branch_id), application.pk)


def queue_snapshot(*, branch_id: int) -> list[dict[str, Any]]:
    """What the agents of a branch see of the queue: numbers and times, no personal data."""
    now = timezone.now()
    return [
        {
            "application": entry.application.acceptance_number,
            "queued_at": entry.queued_at.isoformat(),
            "waiting_seconds": int((now - entry.queued_at).total_seconds()),
            "connected": entry.disconnected_at is None,
            "appointment": entry.priority,
        }
        for entry in queue_waiting(branch_id=branch_id)
    ]


def session_open(*, application: Application) -> WitnessSession | None:
    return (
        WitnessSession.objects.filter(application=application, outcome=WitnessOutcome.OPEN)
        .select_related("agent")
        .first()
    )


def agent_open_sessions(*, agent) -> QuerySet[WitnessSession]:
    return WitnessSession.objects.filter(agent=agent, outcome=WitnessOutcome.OPEN).select_related(
        "application"
    )


def checklist_current() -> list[dict[str, Any]]:
    """The active checklist, as a session copies it when it starts."""
    return [
        {
            "code": item.code,
            "label": item.label,
            "required": item.required,
            "evidence_hint": item.evidence_hint,
        }
        for item in ChecklistItem.objects.filter(active=True)
    ]


def witness_return_steps(*, application: Application) -> list:
    """The steps before the witness that the investor completes: where a return may send them
    (what the console and the API offer; the lifecycle judges the one chosen)."""
    position = flow_position(application)
    current = position.find(WITNESS)
    return [
        step
        for step in position.steps
        if current is not None
        and step.position < current.position
        and ActorKind.INVESTOR in step.kind.completed_by
    ]


def id_photo_front(*, application: Application) -> IdPhoto | None:
    """The ID card's portrait side the agent compares the face with: the one the application's
    photos step recorded, or else the newest on file."""
    for summary in step_summaries(application=application):
        if isinstance(summary, PhotosSummary) and IdPhotoSide.FRONT in summary.photos:
            return IdPhoto.objects.filter(
                pk=summary.photos[IdPhotoSide.FRONT], client_id=application.client_id
            ).first()
    return id_photos_on_file(client=application.client).get(IdPhotoSide.FRONT)
