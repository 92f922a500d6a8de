"""Decoding an upload by its content, defensively: size limits before decoding, EXIF orientation
applied, JPEGs decoded at a reduced scale when they are far larger than the judging needs."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from .result import PhotoRefused

register_heif_opener()

FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "HEIF"}
# JPEGs above this many pixels decode at half scale (DCT scaling: several times faster). Half of
# a 12-MP photo still holds the card at well over the output's resolution.
DRAFT_ABOVE_PIXELS = 6_000_000
TURNED_ORIENTATIONS = {5, 6, 7, 8}


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
    if img.width * img.height > limits["max_pixels"]:
        raise PhotoRefused(
            "unreadable", detail="too_many_pixels", max_mp=limits["max_pixels"] // 1_000_000
        )
    return img


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
    if img.format in ("JPEG", "MPO") and width * height > DRAFT_ABOVE_PIXELS:
        img.draft("RGB", (width // 2, height // 2))
    img = _load(img)
    img = _to_rgb(ImageOps.exif_transpose(img) or img)
    if orientation in TURNED_ORIENTATIONS:
        width, height = height, width
    rgb = np.asarray(img)
    return Decoded(rgb=rgb, size=(width, height), scale=width / rgb.shape[1], format=image_format)
