"""The handwritten signature lifted from its photo: the paper transparent, the strokes dark,
cropped to the ink; a photo with no ink, or with the signature a speck in the frame, or that is
no signature on paper, refused with the reason (the investor retakes it in the photo step)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from common.exceptions import BusinessError
from photos.processing import MESSAGES, photo_judge
from photos.services import id_photo_store, signature_ink_read
from signing.demo import signature_photo_demo
from tests.factories import ClientFactory


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def _paper(size=(1600, 1200)) -> Image.Image:
    """A sheet under a lamp: brighter on the left, noisy like a phone sensor."""
    width, height = size
    rng = np.random.default_rng(5)
    xx = np.linspace(0, 1, width)[None, :].repeat(height, 0)
    light = 236 - 45 * xx
    pixels = np.stack([light, light - 2, light - 6], axis=-1) + rng.normal(0, 3, (height, width, 3))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _ink(data: bytes) -> Image.Image:
    result = photo_judge(data=data, side="signature")
    assert result.ok, (result.reason, result.metrics)
    assert result.ink is not None
    return Image.open(io.BytesIO(result.ink))


def test_the_signature_is_lifted_dark_on_transparent_cropped_to_the_ink():
    # given a photo of a name signed on paper under uneven light
    data = signature_photo_demo("李明")

    # when
    ink = _ink(data)

    # then: grey + alpha, much smaller than the 1600 × 1200 photo (cropped to the strokes)
    assert ink.mode == "LA"
    assert ink.width < 900 and ink.height < 500 and ink.width > 300
    grey, alpha = (np.asarray(channel) for channel in ink.split())
    corners = [alpha[0, 0], alpha[0, -1], alpha[-1, 0], alpha[-1, -1]]
    assert max(corners) == 0  # the paper is transparent, even where the lamp did not reach
    opaque = alpha > 200
    assert 0.05 < opaque.mean() < 0.6  # strokes, not a filled block
    assert grey[opaque].max() < 60  # kept dark
    # the ink reaches close to every side of the crop (margins are small)
    rows, cols = np.nonzero(alpha > 0)
    assert rows.min() < 0.1 * ink.height and rows.max() > 0.9 * ink.height
    assert cols.min() < 0.1 * ink.width and cols.max() > 0.9 * ink.width


def test_a_shadow_across_the_paper_is_not_taken_for_ink():
    # given a signature with a soft shadow falling over half the sheet
    photo = Image.open(io.BytesIO(signature_photo_demo("王芳")))
    shade = np.ones((photo.height, photo.width, 1), np.float32)
    shade[:, photo.width // 2 :] = 0.7
    pixels = (np.asarray(photo, np.float32) * shade).clip(0, 255).astype(np.uint8)

    # when
    ink = _ink(_jpeg(Image.fromarray(pixels)))

    # then the crop holds the name, not the half-page shadow
    assert ink.width < 900 and ink.height < 500


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        ("blank", "no_ink"),
        ("speck", "signature_too_small"),
        ("printed_page", "not_a_signature"),
    ],
)
def test_a_bad_signature_photo_is_refused_with_the_reason(make, reason):
    # given
    paper = _paper()
    pen = ImageDraw.Draw(paper)
    if make == "speck":  # a tiny scribble in a large empty frame: mostly background
        pen.line([(780, 600), (800, 585), (815, 605), (835, 590)], fill=(25, 25, 40), width=4)
    if make == "printed_page":  # dense dark blocks everywhere, not a signature on paper
        for y in range(80, 1120, 40):
            for x in range(80, 1520, 60):
                pen.rectangle((x, y, x + 44, y + 26), fill=(20, 20, 20))

    # when
    result = photo_judge(data=_jpeg(paper), side="signature")

    # then the investor is told why and how to retake it
    assert (result.ok, result.reason) == (False, reason)
    assert result.message == MESSAGES[reason] and "请" in result.message
    assert result.ink is None


@pytest.mark.django_db
def test_a_refused_signature_photo_is_not_stored(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(BusinessError) as refused:
        id_photo_store(client=ClientFactory(), side="signature", upload_bytes=_jpeg(_paper()))
    assert refused.value.code == "no_ink"
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


@pytest.mark.django_db
def test_the_lifted_signature_is_kept_encrypted_and_read_back(settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    photo = id_photo_store(
        client=ClientFactory(), side="signature", upload_bytes=signature_photo_demo("张三")
    )

    # when
    ink = signature_ink_read(photo=photo)

    # then
    assert ink is not None and Image.open(io.BytesIO(ink)).mode == "LA"
    with photo.ink.open("rb") as handle:
        assert not handle.read().startswith(b"\x89PNG")  # encrypted at rest


@pytest.mark.django_db
def test_a_signature_photo_kept_before_lifting_is_lifted_when_needed(settings, tmp_path):
    # given a signature photo stored without its lifted signature (kept before this existed)
    settings.MEDIA_ROOT = tmp_path
    photo = id_photo_store(
        client=ClientFactory(), side="signature", upload_bytes=signature_photo_demo("张三")
    )
    photo.ink.storage.delete(photo.ink.name)
    photo.ink = ""
    photo.save()

    # when / then
    ink = signature_ink_read(photo=photo)
    assert ink is not None and Image.open(io.BytesIO(ink)).mode == "LA"
