"""The investor's handwritten signature lifted from its photo: the paper's background removed,
the strokes kept dark, cropped to the ink, as a transparent PNG (grey + alpha) that prints sharp
in a signature field about 56 × 20 mm.

The paper is estimated by a grey closing (which erases thin dark strokes) and divided out, so
uneven light and shadows across the sheet become an even white; what stays clearly darker than
its own paper is ink. Specks are dropped, and so are dark regions touching the photo's edge (the
desk around the sheet, a finger, the sheet's shadow). A photo with no ink left, or with so little
that the signature is a speck in the frame, is refused so the investor retakes it."""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image

from .result import PhotoRefused

WORK_LONG_SIDE = 1600  # px: the photo is reduced to this before looking for ink
MAX_OUTPUT_LONG_SIDE = 1200  # px: ~540 dpi over 56 mm, more than any printer needs
INK_DARKNESS = 60  # 0–255 below the paper: surely ink (pencil-grey strokes reach 80–150)
FAINT_DARKNESS = 25  # where the stroke's anti-aliased edge fades into the paper
MIN_SPECK_SHARE = 0.00002  # a connected stroke smaller than this share of the photo is dust
MIN_INK_SHARE = 0.0008  # less ink than this share of the photo: a speck, not a signature
MIN_SPAN_SHARE = 0.18  # the ink's wider side under this share of the photo's: a speck in frame
MAX_INK_SHARE = 0.12  # more ink than this is not a signature on paper (text, a photo of a face)
INK_GREY = 24  # the strokes' grey in the output: dark, whatever the pen


def signature_ink(rgb: np.ndarray) -> bytes:
    """The transparent signature (PNG, mode LA), or PhotoRefused with why not."""
    work, _ = _reduced(rgb)
    darkness = _darkness(cv2.cvtColor(work, cv2.COLOR_RGB2GRAY))
    mask = _ink_mask(darkness)
    height, width = mask.shape
    if not mask.any():
        raise PhotoRefused("no_ink")
    ink_share = float(mask.mean())
    if ink_share > MAX_INK_SHARE:
        raise PhotoRefused("not_a_signature")
    ys, xs = np.nonzero(mask)
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    span = max((x1 - x0) / width, (y1 - y0) / height)
    if span < MIN_SPAN_SHARE or ink_share < MIN_INK_SHARE:
        raise PhotoRefused("signature_too_small")
    margin = max(4, round(0.02 * max(x1 - x0, y1 - y0)))
    x0, y0 = max(0, x0 - margin), max(0, y0 - margin)
    x1, y1 = min(width, x1 + margin), min(height, y1 + margin)
    near = cv2.dilate(mask.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    alpha = np.where(near, _alpha(darkness), 0).astype(np.uint8)[y0:y1, x0:x1]
    return _png(alpha)


def _reduced(rgb: np.ndarray) -> tuple[np.ndarray, float]:
    height, width = rgb.shape[:2]
    scale = max(height, width) / WORK_LONG_SIDE
    if scale <= 1:
        return rgb, 1.0
    size = (round(width / scale), round(height / scale))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), scale


def _darkness(gray: np.ndarray) -> np.ndarray:
    """How much darker each pixel is than the paper around it (0 on paper, up to 255)."""
    side = max(gray.shape)
    k = max(15, (side // 40) | 1)  # wider than any pen stroke
    paper = cv2.morphologyEx(
        gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    )
    paper = cv2.GaussianBlur(paper, (0, 0), k / 3)
    paper = np.maximum(paper.astype(np.float32), 1.0)
    ratio = np.clip(gray.astype(np.float32) / paper, 0.0, 1.0)
    return ((1.0 - ratio) * 255.0).astype(np.float32)


def _ink_mask(darkness: np.ndarray) -> np.ndarray:
    strong = (darkness >= INK_DARKNESS).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(strong, connectivity=8)
    height, width = strong.shape
    min_area = max(6, MIN_SPECK_SHARE * height * width)
    keep = np.zeros(count, dtype=bool)
    for label in range(1, count):
        x, y, w, h, area = stats[label]
        touches_edge = x == 0 or y == 0 or x + w >= width or y + h >= height
        keep[label] = area >= min_area and not touches_edge
    return keep[labels]


def _alpha(darkness: np.ndarray) -> np.ndarray:
    """Opaque ink, a soft edge where the stroke fades into the paper, the paper transparent."""
    span = INK_DARKNESS - FAINT_DARKNESS
    return np.clip((darkness - FAINT_DARKNESS) * (255.0 / span), 0, 255)


def _png(alpha: np.ndarray) -> bytes:
    image = Image.fromarray(alpha, mode="L")
    scale = MAX_OUTPUT_LONG_SIDE / max(image.size)
    if scale < 1:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS)
    grey = Image.new("L", image.size, INK_GREY)
    out = io.BytesIO()
    Image.merge("LA", (grey, image)).save(out, "PNG", optimize=False)
    return out.getvalue()
