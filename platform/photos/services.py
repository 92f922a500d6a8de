"""Storing and reading identity-document photos (encrypted at rest)."""

from __future__ import annotations

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from clients.models import Client
from common.exceptions import BusinessError
from privacy import crypto

from .models import IdPhoto, IdPhotoSide
from .processing import photo_judge

logger = logging.getLogger(__name__)


def id_photo_store(*, client: Client, side: str, upload_bytes: bytes) -> IdPhoto:
    """Judge an upload and keep it: the upright card and the original, both encrypted.

    A bad photo raises BusinessError with the refusal reason as its code and a message that tells
    the investor how to retake it; nothing is stored then.
    """
    if side not in IdPhotoSide.values:
        raise BusinessError(_("照片类型无效。"), code="invalid_side", extra={"side": side})
    result = photo_judge(data=upload_bytes, side=side)
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
    (the photo cannot be read, or holds no signature)."""
    if photo.side != IdPhotoSide.SIGNATURE:
        return None
    try:
        if photo.ink:
            with photo.ink.open("rb") as handle:
                return crypto.decrypt(handle.read())
        result = photo_judge(data=id_photo_read(photo=photo), side=IdPhotoSide.SIGNATURE)
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
