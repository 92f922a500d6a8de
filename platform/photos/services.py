"""Storing and reading identity-document photos (encrypted at rest)."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from clients.models import Client
from common.exceptions import BusinessError
from privacy import crypto

from .models import IdPhoto, IdPhotoSide
from .processing import PhotoResult, photo_judge

logger = logging.getLogger(__name__)

# Judging holds a photo's pixels (up to ~200 MB for the largest upload the pixel limits let
# through): a few at a time per process, whatever the number of requests or threads.
JUDGING_TURNS = threading.BoundedSemaphore(settings.PHOTO_JUDGING_CONCURRENCY)


@contextmanager
def _judging_turn() -> Iterator[None]:
    """A turn to judge a photo; a request that waits too long is told the system is busy
    instead of piling up (its upload is not kept: it sends it again)."""
    if not JUDGING_TURNS.acquire(timeout=settings.PHOTO_JUDGING_WAIT_SECONDS):
        logger.warning(
            "photo judging busy: no turn within %ss", settings.PHOTO_JUDGING_WAIT_SECONDS
        )
        raise BusinessError(_("系统繁忙，请稍后重新上传照片。"), code="busy", status=503)
    try:
        yield
    finally:
        JUDGING_TURNS.release()


def photo_judge_in_turn(*, data: bytes, side: str) -> PhotoResult:
    """`photo_judge` within the process's bound on concurrent judgements; BusinessError("busy")
    when no turn comes in time."""
    with _judging_turn():
        return photo_judge(data=data, side=side)


def id_photo_store(*, client: Client, side: str, upload_bytes: bytes) -> IdPhoto:
    """Judge an upload and keep it: the upright card and the original, both encrypted.

    A bad photo raises BusinessError with the refusal reason as its code and a message that tells
    the investor how to retake it; nothing is stored then.
    """
    if side not in IdPhotoSide.values:
        raise BusinessError(_("照片类型无效。"), code="invalid_side", extra={"side": side})
    result = photo_judge_in_turn(data=upload_bytes, side=side)
    if not result.ok or result.image is None:
        raise BusinessError(
            result.message,
            code=result.reason,
            extra={"reason": result.reason, "detail": result.detail},
        )
    photo = IdPhoto(
        client=client,
        side=side,
        rotation=result.rotation,
        corners=result.corners,
        quality=result.metrics,
        content_hash=hashlib.sha256(upload_bytes).hexdigest(),
    )
    photo.image.save("image", ContentFile(crypto.encrypt(result.image)), save=False)
    photo.original.save("original", ContentFile(crypto.encrypt(upload_bytes)), save=False)
    if result.ink is not None:
        photo.ink.save("ink", ContentFile(crypto.encrypt(result.ink)), save=False)
    try:
        with transaction.atomic():
            photo.save()
    except Exception:
        _delete_files(photo)
        raise
    logger.info("id photo stored: pk=%s side=%s", photo.pk, side)
    return photo


def id_photo_read(*, photo: IdPhoto, original: bool = False) -> bytes:
    """The decrypted JPEG of the upright card, or the original upload as it came."""
    field = photo.original if original else photo.image
    with field.open("rb") as handle:
        return crypto.decrypt(handle.read())


def signature_ink_read(*, photo: IdPhoto) -> bytes | None:
    """The transparent signature (PNG) lifted from a signature photo; for a photo kept before
    signatures were lifted, lifted now from its stored image. None when there is none to be had
    (the photo cannot be read, or holds no signature); BusinessError("busy") when no turn to
    judge it comes in time (never a typeset name where the signature should be)."""
    if photo.side != IdPhotoSide.SIGNATURE:
        return None
    try:
        if photo.ink:
            with photo.ink.open("rb") as handle:
                return crypto.decrypt(handle.read())
        result = photo_judge_in_turn(data=id_photo_read(photo=photo), side=IdPhotoSide.SIGNATURE)
    except (OSError, ValueError):
        return None
    return result.ink if result.ok else None


def _delete_files(photo: IdPhoto) -> None:
    for field in (photo.image, photo.original, photo.ink):
        if field.name:
            field.storage.delete(field.name)


def id_photo_discard(*, photo: IdPhoto) -> None:
    """Remove a photo stored for a submission that was not taken (an old page posted again):
    its row and both encrypted files."""
    photo.delete()
    _delete_files(photo)
