"""The evidence endpoints of a call, for the agent's browser script (JSON, not pages): the
recording's pieces and the snapshots going up; playback and stills for the agent who took the
call and for reviewers, every read audited."""

from __future__ import annotations

from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from audit.services import audit_personal_data_read, audit_record
from common.exceptions import BusinessError
from flows.actors import Actor
from photos.services import id_photo_read
from staff.decorators import role_required
from staff.roles import Role
from staff.selectors import user_has_role

from .evidence import (
    liveness_prompt,
    recording_chunk_store,
    recording_read,
    snapshot_read,
    snapshot_take,
)
from .models import WitnessSession, WitnessSnapshot
from .selectors import id_photo_front

STATUS = {"chunk_out_of_order": 409, "chunk_too_large": 413, "not_found": 404}


def _refused(error: BusinessError) -> JsonResponse:
    return JsonResponse(
        {"message": error.message, "code": error.code, "extra": error.extra},
        status=STATUS.get(error.code, 400),
    )


@require_POST
@role_required(Role.WITNESS_AGENT)
def recording_chunk(request, pk: int, seq: int):
    """POST the raw bytes of piece `seq` (0, 1, 2, ...)."""
    try:
        recording_chunk_store(session_id=pk, agent=request.user, seq=seq, data=request.body)
    except BusinessError as error:
        return _refused(error)
    return JsonResponse({"stored": seq})


@require_POST
@role_required(Role.WITNESS_AGENT)
def snapshot(request, pk: int):
    """POST a still (multipart: `kind`, `image`)."""
    upload = request.FILES.get("image")
    try:
        shot = snapshot_take(
            session_id=pk,
            agent=request.user,
            kind=request.POST.get("kind", ""),
            data=upload.read() if upload is not None else b"",
        )
    except BusinessError as error:
        return _refused(error)
    return JsonResponse(
        {
            "id": shot.pk,
            "kind": shot.kind,
            "face_found": shot.face_found,
            "face_count": shot.face_count,
            "taken_at": timezone.localtime(shot.taken_at).isoformat(),
            "url": _still_url(shot),
        }
    )


@require_POST
@role_required(Role.WITNESS_AGENT)
def liveness(request, pk: int):
    """Show the investor a liveness prompt (the agent's click)."""
    try:
        shown = liveness_prompt(session_id=pk, agent=request.user)
    except BusinessError as error:
        return _refused(error)
    return JsonResponse(shown)


def _still_url(shot: WitnessSnapshot) -> str:
    return reverse("video:snapshot_image", args=[shot.session_id, shot.pk])


def _readable(request, pk: int) -> WitnessSession:
    """The session, for its agent or a reviewer; anyone else is told it does not exist."""
    session = get_object_or_404(WitnessSession.objects.select_related("application"), pk=pk)
    if session.agent_id != request.user.pk and not user_has_role(request.user, Role.REVIEWER):
        raise Http404
    return session


def _audit_read(request, session: WitnessSession, what: str) -> None:
    kind = Actor.agent if session.agent_id == request.user.pk else Actor.reviewer
    audit_record(
        action=f"witness.{what}_viewed",
        actor=request.user,
        actor_label=kind(request.user).label,
        target=session.application,
        data={"session": session.pk},
    )


@require_GET
@never_cache
def recording_play(request, pk: int):
    if not request.user.is_authenticated:
        raise Http404
    session = _readable(request, pk)
    if not session.recording_chunks.exists():
        raise Http404
    _audit_read(request, session, "recording")
    response = StreamingHttpResponse(recording_read(session=session), content_type="video/webm")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@never_cache
def snapshot_image(request, pk: int, snapshot_id: int):
    if not request.user.is_authenticated:
        raise Http404
    session = _readable(request, pk)
    shot = get_object_or_404(WitnessSnapshot, pk=snapshot_id, session=session)
    _audit_read(request, session, "snapshot")
    response = HttpResponse(snapshot_read(snapshot=shot), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@never_cache
def id_photo(request, pk: int):
    """The ID card's portrait side, shown to the call's agent beside the face snapshots (and to
    reviewers), audited as a read of personal data."""
    if not request.user.is_authenticated:
        raise Http404
    session = _readable(request, pk)
    photo = id_photo_front(application=session.application)
    if photo is None:
        raise Http404
    try:
        data = id_photo_read(photo=photo)
    except (OSError, ValueError) as error:
        raise Http404 from error
    audit_personal_data_read(
        actor=request.user, target=photo, what="id_photo", via="witness_console"
    )
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
