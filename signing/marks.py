"""The pictures the two signature fields show: the investor's handwritten signature (lifted from
the signature photo of the photo step) and the company's seal (the approved picture from the CMS,
or one drawn with the company's name)."""

from __future__ import annotations

import functools
import io

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

from content.selectors import seal_image_live
from flows.engine import step_records
from flows.models import Application
from photos.models import IdPhoto, IdPhotoSide
from photos.selectors import id_photos_on_file
from photos.services import signature_ink_read

from .seal import seal_draw

PHOTOS_STEP = "photos"


def signature_photo(*, application: Application) -> IdPhoto | None:
    """The signature photo this business uses: the one chosen in its photo step, else the
    newest on file."""
    record = step_records(application).get(PHOTOS_STEP)
    chosen = ((record.evidence or record.data or {}) if record else {}).get("photos") or {}
    photo_id = chosen.get(IdPhotoSide.SIGNATURE)
    if photo_id is not None:
        photo = IdPhoto.objects.filter(pk=photo_id, client=application.client_id).first()
        if photo is not None:
            return photo
    return id_photos_on_file(client=application.client).get(IdPhotoSide.SIGNATURE)


def investor_signature_png(*, application: Application) -> bytes:
    """The handwritten signature; the investor's name set in type when the business has no
    signature to show (a flow without the photo step): a signature field is never blank."""
    photo = signature_photo(application=application)
    ink = signature_ink_read(photo=photo) if photo is not None else None
    return ink or typeset_name_png(application.client.name)


@functools.lru_cache(maxsize=64)
def typeset_name_png(name: str) -> bytes:
    font = ImageFont.truetype(settings.SIGNING_SEAL_FONT, 160, index=2)
    left, top, right, bottom = font.getbbox(name)
    image = Image.new("LA", (right - left + 40, bottom - top + 40), (24, 0))
    ImageDraw.Draw(image).text((20 - left, 20 - top), name, font=font, fill=(24, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def company_seal_png(*, company_name: str) -> bytes:
    """The company seal's picture: the approved one from the CMS, else one drawn with the
    company's name."""
    return seal_image_live() or seal_draw(company_name)
