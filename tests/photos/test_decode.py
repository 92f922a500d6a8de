"""Decoding uploads by content: formats, EXIF orientation, limits, broken files."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageOps

from photos.processing import photo_judge
from photos.processing.decode import decode_photo
from photos.processing.result import DETAIL_MESSAGES
from photos.processing.thresholds import thresholds

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


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_turns_the_pixels_as_pillow_does(orientation):
    # given an odd-sized photo (no symmetry hides a wrong turn) with an orientation tag
    rng = np.random.default_rng(orientation)
    pixels = Image.fromarray(rng.integers(0, 256, (7, 5, 3), dtype=np.uint8))
    exif = Image.Exif()
    exif[0x0112] = orientation
    buf = io.BytesIO()
    pixels.save(buf, "PNG", exif=exif)

    # when
    decoded = decode_photo(buf.getvalue(), thresholds())

    # then the decoded array is what Pillow shows, and its size the displayed size
    shown = np.asarray(ImageOps.exif_transpose(Image.open(io.BytesIO(buf.getvalue()))))
    assert np.array_equal(decoded.rgb, shown)
    assert decoded.size == (shown.shape[1], shown.shape[0])


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


def _png(mode: str, size: tuple[int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size).save(buf, "PNG")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("fmt", "size", "limit_mp"),
    [("PNG", (7000, 7000), 25), ("PNG", (5100, 5000), 25), ("WEBP", (4000, 3100), 12)],
)
def test_a_whole_decoded_format_over_its_lower_limit_is_refused_from_its_header(
    monkeypatch, fmt, size, limit_mp
):
    # given a photo in a format without reduced decoding, over that format's limit (well under
    # the 50 MP a JPEG may have), and a decoder that must not be reached
    from photos.processing import decode

    buf = io.BytesIO()
    Image.new("RGB", size, "white").save(buf, fmt)
    monkeypatch.setattr(decode, "_load", lambda img: pytest.fail("decoded"))

    # when
    result = photo_judge(data=buf.getvalue(), side="front")

    # then it is refused with the limit in its reason, nothing decoded
    assert (result.ok, result.reason, result.detail) == (False, "unreadable", "too_many_pixels")
    assert f"超过 {limit_mp} 百万像素" in result.message


def test_a_jpeg_of_the_same_size_is_within_its_limit():
    # given a 7000 × 7000 JPEG (decoded at half scale, so allowed up to 50 MP)
    buf = io.BytesIO()
    Image.new("RGB", (7000, 7000), "white").save(buf, "JPEG", quality=50)

    # when
    result = photo_judge(data=buf.getvalue(), side="front")

    # then it is judged (a blank white photo: too bright), not refused for its pixels
    assert result.detail != "too_many_pixels"
    assert result.reason == "too_bright"


@pytest.mark.parametrize("orientation", [1, 6])
@pytest.mark.parametrize("mode", ["RGB", "RGBA", "P"])
def test_a_large_png_is_reduced_before_judging_and_judged_like_its_jpeg(mode, orientation):
    # given a card photo displayed 3264 × 2448 (8 MP), as PNG in several modes, maybe stored
    # turned with an orientation tag
    data, truth = card_photo(size=(3264, 2448), exif_orientation=orientation)
    original = Image.open(io.BytesIO(data))
    exif = original.getexif()
    buf = io.BytesIO()
    original.convert(mode).save(buf, "PNG", exif=exif.tobytes())

    # when
    from photos.processing.decode import decode_photo
    from photos.processing.thresholds import DEFAULTS

    decoded = decode_photo(buf.getvalue(), DEFAULTS)
    result = photo_judge(data=buf.getvalue(), side="front")

    # then it was halved (as the JPEG is), and its corners are in the displayed photo's pixels
    assert decoded.scale == 2.0
    assert decoded.size == (3264, 2448)
    assert decoded.rgb.shape[:2] == (1224, 1632)
    assert result.ok, result
    assert quad_iou(result.corners, truth) >= 0.9
    assert upright(result.corners, truth)


def test_transparency_of_a_large_png_is_laid_on_white_band_by_band():
    # given an 8 MP RGBA PNG: opaque black left half, transparent right half
    img = Image.new("RGBA", (3300, 2501), (0, 0, 0, 0))
    img.paste((10, 20, 30, 255), (0, 0, 1650, 2501))
    buf = io.BytesIO()
    img.save(buf, "PNG")

    # when
    from photos.processing.decode import decode_photo
    from photos.processing.thresholds import DEFAULTS

    rgb = decode_photo(buf.getvalue(), DEFAULTS).rgb

    # then the reduced image is the opaque colour on the left, white on the right, every row
    # (an odd height keeps its last row)
    assert rgb.shape == (1251, 1650, 3)
    assert (rgb[:, :800] == (10, 20, 30)).all()
    assert (rgb[:, 850:] == 255).all()
