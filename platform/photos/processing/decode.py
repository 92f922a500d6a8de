"""Decoding an upload by its content, defensively: size limits before decoding, EXIF orientation
applied, large photos reduced before anything else touches them.

Memory is what a hostile upload attacks (a 139 KB PNG of 7000 × 7000 once cost ~700 MB while it
was judged), so every limit is read from the header, before a pixel is decoded:

- JPEG decodes at half scale above 6 MP (DCT scaling: the full-size pixels never exist), so it
  may have up to ``max_pixels`` (50 MP: ~38 MB decoded).
- PNG, WebP and HEIC have no reduced decoding: the decoder fills the whole image (WebP's holds
  several RGBA copies of it on the way). They get lower limits (``max_pixels_decoded_whole``,
  ``max_pixels_webp``), and are halved with ``Image.reduce`` in their own mode straight after
  decoding, before any conversion (RGBA → RGB, EXIF turn) copies them."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image, UnidentifiedImageError
from pillow_heif import register_heif_opener

from .result import PhotoRefused

register_heif_opener()

FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "HEIF"}
DRAFTED = {"JPEG", "MPO"}  # the formats Pillow can decode at a reduced scale
# Photos above this many pixels are judged at half scale: JPEGs decoded so (DCT scaling: several
# times faster), the others reduced right after decoding. Half of a 12-MP photo still holds the
# card at well over the output's resolution.
DRAFT_ABOVE_PIXELS = 6_000_000
BAND_ROWS = 256  # even, so that no 2 × 2 block straddles two bands
TURNED_ORIENTATIONS = {5, 6, 7, 8}
TRANSPOSES = {  # EXIF orientation → the turn that shows the photo as displayed
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True)
class Decoded:
    rgb: np.ndarray  # H × W × 3 uint8, as displayed (EXIF orientation applied)
    size: tuple[int, int]  # the displayed photo's full size (width, height)
    scale: float  # full-size pixels per pixel of `rgb`
    format: str


def _open(data: bytes, limits: dict[str, Any]) -> Image.Image:
    if not data:
        raise PhotoRefused("unreadable", detail="empty")
    if len(data) > limits["max_file_bytes"]:
        raise PhotoRefused(
            "unreadable", detail="file_too_large", max_mb=limits["max_file_bytes"] // (1024 * 1024)
        )
    _check_complete(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as error:
        raise PhotoRefused(
            "unreadable", detail="too_many_pixels", max_mp=limits["max_pixels"] // 1_000_000
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise PhotoRefused("unreadable", detail="not_an_image") from error
    if img.format not in FORMATS:
        raise PhotoRefused("unreadable", detail="unsupported_format")
    most = pixel_limit(img.format, limits)
    if img.width * img.height > most:
        raise PhotoRefused("unreadable", detail="too_many_pixels", max_mp=most // 1_000_000)
    return img


def pixel_limit(image_format: str | None, limits: dict[str, Any]) -> int:
    """The most pixels a photo of this format may have: what its decoding costs decides."""
    if image_format in DRAFTED:
        return int(limits["max_pixels"])
    whole = int(min(limits["max_pixels"], limits["max_pixels_decoded_whole"]))
    if image_format == "WEBP":
        return min(whole, int(limits["max_pixels_webp"]))
    return whole


def is_complete(data: bytes) -> bool:
    """False for a JPEG, PNG or WebP file cut short, from its own end markers: Pillow's
    LOAD_TRUNCATED_IMAGES is a process-wide switch that other libraries turn on (weasyprint
    does, on import), after which Pillow silently pads a truncated JPEG with grey, and
    `Image.verify()` checks nothing for JPEG."""
    tail = data[-4096:].rstrip(b"\x00\r\n ")
    if data.startswith(b"\xff\xd8"):  # JPEG (and MPO): ends with the EOI marker
        return b"\xff\xd9" in tail[-64:]
    if data.startswith(b"\x89PNG"):
        return b"IEND" in tail[-16:]
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return int.from_bytes(data[4:8], "little") + 8 <= len(data)
    return True  # other formats: their decoders report truncation themselves


def _check_complete(data: bytes) -> None:
    if not is_complete(data):
        raise PhotoRefused("unreadable", detail="truncated")


def _load(img: Image.Image) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img.load()
    except OSError as error:
        detail = "truncated" if "truncated" in str(error) or "broken" in str(error) else ""
        raise PhotoRefused("unreadable", detail=detail or "not_an_image") from error
    except (SyntaxError, ValueError, EOFError) as error:
        raise PhotoRefused("unreadable", detail="truncated") from error
    return img


def _reduce_early(img: Image.Image) -> Image.Image:
    """Halve a large photo that was decoded whole, band by band, so that no full-size copy of it
    is ever made: each band is laid on white as RGB (from whatever mode it has) and averaged
    2 × 2 into the result. A drafted JPEG is already at its reduced scale."""
    if img.width * img.height <= DRAFT_ABOVE_PIXELS or img.format in DRAFTED:
        return img
    width, height = img.size
    reduced = Image.new("RGB", ((width + 1) // 2, (height + 1) // 2))
    for top in range(0, height, BAND_ROWS):
        band = img.crop((0, top, width, min(top + BAND_ROWS, height)))
        reduced.paste(_to_rgb(band).reduce(2), (0, top // 2))
    return reduced


def _to_rgb(img: Image.Image) -> Image.Image:
    if img.mode == "RGB":
        return img  # (a JPEG mostly is: no copy)
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return img.convert("RGB")


def decode_photo(data: bytes, limits: dict[str, Any]) -> Decoded:
    """The displayed pixels of an upload, or PhotoRefused("unreadable", detail=...)."""
    img = _open(data, limits)
    image_format = img.format or ""
    width, height = img.size
    orientation = img.getexif().get(0x0112, 1)
    if img.format in DRAFTED and width * height > DRAFT_ABOVE_PIXELS:
        img.draft("RGB", (width // 2, height // 2))
    img = _to_rgb(_reduce_early(_load(img)))
    if orientation in TRANSPOSES:  # after reducing: it copies the image
        img = img.transpose(TRANSPOSES[orientation])
    if orientation in TURNED_ORIENTATIONS:
        width, height = height, width
    rgb = np.asarray(img)
    return Decoded(rgb=rgb, size=(width, height), scale=width / rgb.shape[1], format=image_format)
