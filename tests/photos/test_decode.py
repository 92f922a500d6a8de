"""Decoding uploads by content: formats, EXIF orientation, limits, broken files."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from photos.processing import photo_judge
from photos.processing.result import DETAIL_MESSAGES

from .photos_helpers import card_photo, reencode
from .scoring import quad_iou, upright


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_exif_orientation_is_applied_before_the_corners_are_given(orientation):
    # given a phone photo stored un-turned with an orientation tag
    data, truth = card_photo(exif_orientation=orientation)

    # when
    result = photo_judge(data=data, side="front")

    # then the corners are in the displayed photo's pixels
    assert result.ok, result
    assert quad_iou(result.corners, truth) >= 0.9
    assert upright(result.corners, truth)


@pytest.mark.parametrize(("fmt", "params"), [("PNG", {}), ("WEBP", {"quality": 90})])
def test_png_and_webp_are_decoded(fmt, params):
    # given
    data, truth = card_photo()

    # when
    result = photo_judge(data=reencode(data, fmt, **params), side="front")

    # then
    assert result.ok
    assert quad_iou(result.corners, truth) >= 0.9


def test_heic_from_an_iphone_is_decoded():
    # given a HEIC photo (pillow-heif)
    from pillow_heif import register_heif_opener

    register_heif_opener()
    data, truth = card_photo(side="back")
    heic = reencode(data, "HEIF", quality=90)
    assert heic[4:12] in (b"ftypheic", b"ftypmif1")

    # when
    result = photo_judge(data=heic, side="back")

    # then
    assert result.ok
    assert quad_iou(result.corners, truth) >= 0.9


def test_output_carries_no_metadata():
    # given an upload with a camera make and GPS position in its EXIF
    data, _ = card_photo()
    img = Image.open(io.BytesIO(data))
    exif = img.getexif()
    exif[0x010F] = "SpyPhone"
    exif.get_ifd(0x8825)[2] = (39.0, 54.0, 0.0)  # GPSLatitude
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif.tobytes(), quality=90)
    assert Image.open(io.BytesIO(buf.getvalue())).getexif().get_ifd(0x8825)

    # when
    result = photo_judge(data=buf.getvalue(), side="front")

    # then the upright card image has no EXIF, GPS or other metadata
    out = Image.open(io.BytesIO(result.image))
    assert out.format == "JPEG"
    assert not out.getexif()
    assert "exif" not in out.info and "icc_profile" not in out.info
    assert b"SpyPhone" not in result.image and b"Exif" not in result.image


def _refused(data: bytes, detail: str) -> None:
    result = photo_judge(data=data, side="front")
    assert (result.ok, result.reason, result.detail) == (False, "unreadable", detail)
    assert result.message and result.message != DETAIL_MESSAGES.get("x")


def test_decompression_bomb_is_refused_from_its_header():
    # given a PNG of 64 megapixels (tiny on disk)
    buf = io.BytesIO()
    Image.new("1", (8000, 8000)).save(buf, "PNG")

    # when / then
    _refused(buf.getvalue(), "too_many_pixels")
    assert "像素" in photo_judge(data=buf.getvalue(), side="front").message


def test_file_over_20_mb_is_refused_before_decoding():
    # given
    data, _ = card_photo()
    padded = data + b"\0" * (20 * 1024 * 1024 + 1 - len(data))

    # when / then
    _refused(padded, "file_too_large")
    assert "20 MB" in photo_judge(data=padded, side="front").message


def test_truncated_jpeg_is_refused():
    data, _ = card_photo()
    _refused(data[: len(data) // 2], "truncated")


@pytest.mark.parametrize("data", [b"", "这不是图片".encode() * 100, b"%PDF-1.7\n" + b"0" * 500])
def test_bytes_that_are_not_an_image_are_refused(data):
    result = photo_judge(data=data, side="front")
    assert (result.ok, result.reason) == (False, "unreadable")
    assert result.detail in ("empty", "not_an_image")


def test_an_image_format_outside_the_list_is_refused():
    buf = io.BytesIO()
    Image.new("RGB", (1600, 1200), "white").save(buf, "GIF")
    _refused(buf.getvalue(), "unsupported_format")


def test_an_unexpected_error_becomes_unreadable_not_a_crash(monkeypatch):
    # given a decoder that fails in a way nobody planned for
    from photos.processing import pipeline

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "decode_photo", explode)

    # when
    result = photo_judge(data=b"whatever", side="front")

    # then
    assert (result.ok, result.reason) == (False, "unreadable")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_truncated_file_is_refused_even_when_pillow_is_told_to_load_truncated_images(
    monkeypatch, fmt
):
    from PIL import ImageFile

    # given a library in the process that switched Pillow's global flag on (weasyprint does)
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    data = card_photo()[0] if fmt == "JPEG" else reencode(card_photo()[0], fmt)
    # when a file cut in half is judged, then it is refused as truncated
    _refused(data[: len(data) // 2], "truncated")
