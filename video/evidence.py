"""What the witness keeps as evidence: the recording, uploaded in pieces during the call, and
the snapshots the agent takes; both encrypted at rest (privacy.crypto), under random names.

A piece is taken only as the next of its session (a crash loses at most the piece in flight;
a piece out of order or too large is refused), so the recording is the pieces appended in
order, and its SHA-256 is that of the bytes a reviewer plays back."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from common.exceptions import BusinessError
from flows.actors import Actor
from privacy import crypto

from . import groups
from .faces import face_check
from .models import LivenessPrompt, RecordingChunk, SnapshotKind, WitnessSession, WitnessSnapshot
from .services import _own_open_session

MAX_CHUNK_BYTES = 512 * 1024  # a second of the call is ~65 KiB
MAX_SNAPSHOT_BYTES = 2 * 1024 * 1024


def recording_chunk_store(*, session_id: int, agent, seq: int, data: bytes) -> RecordingChunk:
    """Store the next piece of the recording of the agent's open call."""
    if not data:
        raise BusinessError(_("录像片段为空。"), code="chunk_empty")
    if len(data) > MAX_CHUNK_BYTES:
        raise BusinessError(
            _("录像片段过大（不能超过 %(kib)d KiB）。") % {"kib": MAX_CHUNK_BYTES // 1024},
            code="chunk_too_large",
        )
    sealed = crypto.encrypt(data)
    chunk: RecordingChunk | None = None
    try:
        with transaction.atomic():
            session = _own_open_session(session_id=session_id, agent=agent, locked=True)
            expected = session.recording_chunks.count()
            if seq != expected:
                raise BusinessError(
                    _("录像片段顺序不正确：应为第 %(expected)d 段。") % {"expected": expected},
                    code="chunk_out_of_order",
                    extra={"expected": expected},
                )
            chunk = RecordingChunk(
                session=session, seq=seq, size=len(data), sha256=hashlib.sha256(data).hexdigest()
            )
            chunk.file.save("chunk", ContentFile(sealed), save=False)
            chunk.save()
            return chunk
    except Exception:  # not recorded (the database gone, a race): no file left behind either
        if chunk is not None and chunk.file.name:
            chunk.file.storage.delete(chunk.file.name)
        raise


def recording_read(*, session: WitnessSession) -> Iterator[bytes]:
    """The recording's bytes, piece by piece, decrypted (for playback)."""
    for chunk in session.recording_chunks.order_by("seq"):
        with chunk.file.open("rb") as sealed:
            yield crypto.decrypt(sealed.read())


@dataclass(frozen=True)
class RecordingFacts:
    chunks: int
    bytes: int
    seconds: int
    sha256: str

    def as_dict(self) -> dict:
        return {
            "chunks": self.chunks,
            "bytes": self.bytes,
            "seconds": self.seconds,
            "sha256": self.sha256,
        }


def recording_facts(*, session: WitnessSession) -> RecordingFacts | None:
    """Length and SHA-256 of the recording as stored (slow for a long call: outside locks)."""
    chunks = list(session.recording_chunks.order_by("seq"))
    if not chunks:
        return None
    digest = hashlib.sha256()
    for piece in recording_read(session=session):
        digest.update(piece)
    seconds = int((chunks[-1].received_at - chunks[0].received_at).total_seconds()) + 1
    return RecordingFacts(
        chunks=len(chunks),
        bytes=sum(c.size for c in chunks),
        seconds=seconds,
        sha256=digest.hexdigest(),
    )


def snapshot_take(*, session_id: int, agent, kind: str, data: bytes) -> WitnessSnapshot:
    """Keep a still of the call (encrypted), with the face-presence check, audited."""
    if kind not in SnapshotKind.values:
        raise BusinessError(_("截图类型不正确。"), code="invalid_kind")
    if not data or len(data) > MAX_SNAPSHOT_BYTES:
        raise BusinessError(_("截图为空或过大。"), code="invalid_snapshot")
    if cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_REDUCED_GRAYSCALE_2) is None:
        raise BusinessError(_("截图不是可识别的图片。"), code="invalid_snapshot")
    check = face_check(data)
    sealed = crypto.encrypt(data)
    with transaction.atomic():
        session = _own_open_session(session_id=session_id, agent=agent, locked=True)
        snapshot = WitnessSnapshot(
            session=session,
            kind=kind,
            sha256=hashlib.sha256(data).hexdigest(),
            face_found=check.found if check else None,
            face_count=check.count if check else None,
        )
        snapshot.file.save("snapshot", ContentFile(sealed), save=False)
        snapshot.save()
        audit_record(
            action="witness.snapshot",
            actor=agent,
            actor_label=Actor.agent(agent).label,
            target=session.application,
            data={
                "session": session.pk,
                "snapshot": snapshot.pk,
                "kind": kind,
                "face": check.found if check else None,
                "faces": check.count if check else None,
            },
        )
    return snapshot


def snapshot_read(*, snapshot: WitnessSnapshot) -> bytes:
    with snapshot.file.open("rb") as sealed:
        return crypto.decrypt(sealed.read())


def liveness_prompt(*, session_id: int, agent) -> dict:
    """Show the investor a liveness prompt chosen at random from the CMS list ("{digits}": four
    random digits), and mark its moment: the time, and the second of the recording so far."""
    prompts = list(LivenessPrompt.objects.filter(active=True).values_list("text", flat=True))
    if not prompts:
        raise BusinessError(_("未配置活体检测提示。"), code="no_prompts")
    text = secrets.choice(prompts).replace("{digits}", f"{secrets.randbelow(10_000):04d}")
    with transaction.atomic():
        session = _own_open_session(session_id=session_id, agent=agent, locked=True)
        first = session.recording_chunks.order_by("seq").first()
        now = timezone.now()
        shown = {
            "text": text,
            "at": now.isoformat(),
            "second": int((now - first.received_at).total_seconds()) if first else None,
        }
        session.liveness = [*session.liveness, shown]
        session.save(update_fields=["liveness"])
        audit_record(
            action="witness.liveness",
            actor=agent,
            actor_label=Actor.agent(agent).label,
            target=session.application,
            data={"session": session.pk, **shown},
        )
        message = {"type": "call.liveness", "text": text}
        transaction.on_commit(
            lambda: async_to_sync(get_channel_layer().group_send)(groups.call(session.pk), message)
        )
    return shown
