"""Judging one upload: decode, find the card, turn it upright, check its quality, flatten it.

Checks run cheapest-first and stop at the first failure, so a refused photo costs little. Any
unexpected error becomes an "unreadable" refusal: a worker never crashes on an upload.
"""

from __future__ import annotations

import io
import logging
from typing import Any

import cv2
import numpy as np
from PIL import Image

from . import geometry as geo
from . import quality
from .decode import Decoded, decode_photo
from .detect import (
    LAYOUT_SIZE,
    WORK_LONG_SIDE,
    Detection,
    EdgeField,
    find_card,
    layout_likeness,
    rim_busy,
)
from .orient import portrait_alone, upright_score
from .result import PhotoRefused, PhotoResult
from .signature import signature_ink
from .thresholds import thresholds

logger = logging.getLogger(__name__)

OUTPUT_SIZE = (1284, 810)  # 15 px/mm of the 85.6 × 54 mm card
OUTPUT_QUALITY = 90
MIN_SUPPORT = 0.7  # share of the outline on an edge for a detection to count
SMALL_MIN_SUPPORT = 0.85  # the same for a small outline: under this share of the photo
SMALL_SHARE = 0.12
MIN_WEAKEST_SIDE = 0.25
# An outline whose inside looks less like an ID card than this (its lines run on past its
# corners, its face is not pale, no card layout inside) is the surface's pattern, not a card.
MIN_LIKENESS = 0.72
SURFACE_EDGES = 0.6  # an edge score (detect.score) as high as a card's outline
SIDES = ("front", "back", "signature")
# When no card is found, the whole photo is called blurred below this share of min_sharpness
# (60 at the default: sensor noise alone keeps a sharp photo of a bare desk well above it).
GLOBAL_BLUR_SHARE = 0.48
TRACED_ALL_ROUND = 0.75  # support at which a faint edge is still trusted
NO_LAYOUT = 0.1  # |orientation score| below which the flattened image shows no card layout
PART_OF_CARD = 2.2  # a detailed region this many times the outline's area means a part
# ... as does one reaching outside the outline over this share of its area (a card's print lies
# inside it, bar the blur of the region's edge: 0.1; a card's portrait outlined: 1.05–4.7)
PART_OUTSIDE = 0.5
# A front's layout this strong (|upright score|) is no portrait outlined by itself (those read
# 0.30–0.34; a front on a printed page whose fine detail lay the portrait's way round, 0.55)
CLEAR_FRONT = 0.45
DARK_PHOTO = 25  # when no card is found: a photo whose brightest 1% stays below is too dark
PART_CHECK_BELOW_CONTRAST = 12.0  # ΔE: a card found with more contrast is a card, not a part
# The share of points inside an outline's sides that jump in colour, read 3–5 px in and again
# 5% of the short side in (detect.rim_busy, deeper) above which it is not a card's plain margin
# (cards, even on print, with a thumb over an edge or an outline a few pixels off a corner: up
# to 0.03; the sheet of paper a card lies on, its print or grid inside: 0.17 and more)
MAX_RIM_BUSY = 0.08
WHOLE_CARD_LIKENESS = 0.95  # an outline this card-like (and traced) is sized before that check
# a corner of the outline this far outside the photo (share of its short side; a rounded corner
# touching the frame puts the sides' crossing a few pixels out) means a card cut off
CUT_OFF_SHARE = 0.04
ANALYSIS_SIZE = (quality.ANALYSIS_WIDTH, round(quality.ANALYSIS_WIDTH / geo.CARD_ASPECT))


def photo_judge(*, data: bytes, side: str) -> PhotoResult:
    """Accept an ID-card photo (with its flattened upright card) or refuse it with the reason."""
    if side not in SIDES:
        raise ValueError(f"side must be one of {SIDES}, not {side!r}")
    limits = thresholds()
    metrics: dict[str, Any] = {}
    try:
        decoded = decode_photo(data, limits)
        if side == "signature":
            return _judge_plain(decoded, limits, metrics)
        return _judge_card(decoded, side, limits, metrics)
    except PhotoRefused as refusal:
        return PhotoResult.refused(
            refusal.reason, detail=refusal.detail, metrics=metrics, **refusal.fmt
        )
    except Exception as error:  # noqa: BLE001 - an upload must never crash the worker
        logger.warning("photo judging failed unexpectedly: %s", type(error).__name__)
        return PhotoResult.refused("unreadable", metrics=metrics)


def _work_image(rgb: np.ndarray) -> tuple[np.ndarray, float]:
    h, w = rgb.shape[:2]
    scale = max(h, w) / WORK_LONG_SIDE
    if scale <= 1:
        return rgb, 1.0
    size = (round(w / scale), round(h / scale))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), w / size[0]


def _check_image_size(decoded: Decoded, limits: dict[str, Any]) -> None:
    width, height = decoded.size
    if min(width, height) < limits["min_image_short_side"] or (
        width * height < limits["min_image_pixels"]
    ):
        raise PhotoRefused("too_small", detail="image_too_small")


def _judge_card(
    decoded: Decoded, side: str, limits: dict[str, Any], metrics: dict[str, Any]
) -> PhotoResult:
    _check_image_size(decoded, limits)
    work, work_scale = _work_image(decoded.rgb)
    top = _brightest(work)
    detection, field = find_card(_exposed(work, top), side)
    if detection is not None:
        metrics.update(
            support=round(detection.support, 3), edge_contrast=round(detection.contrast, 2)
        )
        if top < limits["min_card_brightness"] and _card_sized(detection, work, limits):
            # a card-sized outline, but nothing in the photo is lit like a card, so no crop
            # could pass: brightened for finding the card, its noise reads as a busy rim or a
            # pattern; the light is to blame
            raise PhotoRefused("too_dark")
    if detection is None or not _convincing(detection, work):
        raise _why_no_card(work, detection, limits)
    if _cut_off(detection.quad, work):
        raise PhotoRefused("no_card", detail="card_cut_off")
    if detection.overshoots or rim_busy(field, detection.quad, deeper=True) > MAX_RIM_BUSY:
        # a side out on the page's print or the form's rules, a strip of the surface inside it
        # (`detect._pulled_in`); or print or a grid all along the inside of the outline: the
        # sheet (or the stretch of the surface) the card lies on, not the card's plain margin
        raise PhotoRefused("no_card", detail="patterned_surface")
    to_full = work_scale * decoded.scale
    traced = detection.support >= SMALL_MIN_SUPPORT
    if detection.likeness >= WHOLE_CARD_LIKENESS and traced:
        # a whole card, traced all round: too small to read is what is wrong, if anything
        # (on a printed page the print around it would pass for the rest of a card)
        _check_card_size(detection.quad, work, to_full, limits, metrics)
    if detection.contrast < PART_CHECK_BELOW_CONTRAST:
        _check_part_of_card(detection, field, work, side)
    _check_card_size(detection.quad, work, to_full, limits, metrics)
    quad = _rescale(geo.long_side_first(detection.quad), work_scale)  # in decoded pixels
    card = geo.flatten(decoded.rgb, quad, OUTPUT_SIZE)
    small = cv2.resize(card, ANALYSIS_SIZE, interpolation=cv2.INTER_AREA)
    metrics["orientation_score"] = round(upright_score(small, side), 3)
    if detection.support < TRACED_ALL_ROUND and abs(metrics["orientation_score"]) < NO_LAYOUT:
        raise _why_no_card(work, None, limits)  # a loose outline around no card layout
    if metrics["orientation_score"] < 0:
        # (cv2.flip: a contiguous copy, many times faster than copying a reversed view)
        quad, card, small = np.roll(quad, 2, axis=0), cv2.flip(card, -1), cv2.flip(small, -1)
    _check_card_quality(small, detection, limits, metrics)
    corners = _rescale(quad, decoded.scale)
    return PhotoResult(
        ok=True,
        corners=[[round(float(x), 1), round(float(y), 1)] for x, y in corners],
        rotation=geo.rotation_of(corners),
        image=_encode(card),
        metrics=metrics,
    )


def _rescale(points: np.ndarray, scale: float) -> np.ndarray:
    """Points of a reduced image in the larger one (pixel centres at integer coordinates)."""
    return (points + 0.5) * scale - 0.5


def _convincing(detection: Detection | None, work: np.ndarray) -> bool:
    """Enough of the outline on edges; a small outline must be clean to be called a card
    (small card-like patches turn up in wood grain and cloth)."""
    if detection is None:
        return False
    small = abs(geo.signed_area(detection.quad)) < SMALL_SHARE * work.shape[0] * work.shape[1]
    support, weakest = (SMALL_MIN_SUPPORT, 0.6) if small else (MIN_SUPPORT, MIN_WEAKEST_SIDE)
    return (
        detection.support >= support
        and detection.weakest_side >= weakest
        and detection.likeness >= MIN_LIKENESS
    )


def _cut_off(quad: np.ndarray, work: np.ndarray) -> bool:
    """True when a corner of the outline lies well outside the photo: not a whole card (the
    edge of a sheet of paper running out of the frame outlines one just as well)."""
    h, w = work.shape[:2]
    margin = CUT_OFF_SHARE * min(h, w)
    return bool(
        np.any(quad < -margin)
        or np.any(quad[:, 0] > w - 1 + margin)
        or np.any(quad[:, 1] > h - 1 + margin)
    )


def _brightest(work: np.ndarray) -> float:
    """The grey level of the photo's brightest 1%."""
    return float(np.percentile(cv2.cvtColor(work, cv2.COLOR_RGB2GRAY), 99))


def _card_sized(detection: Detection, work: np.ndarray, limits: dict[str, Any]) -> bool:
    """An outline traced well enough to count (`MIN_SUPPORT`) around a card's least area."""
    return (
        detection.support >= MIN_SUPPORT
        and abs(geo.signed_area(detection.quad))
        >= limits["min_card_area_fraction"] * work.shape[0] * work.shape[1]
    )


def _burnt_inside(work: np.ndarray, quad: np.ndarray) -> float:
    """The share of an outline's inside burnt out in every channel (`quality.glare_fraction`)."""
    inside = np.zeros(work.shape[:2], np.uint8)
    cv2.fillConvexPoly(inside, np.round(quad).astype(np.int32), 255)
    return quality.glare_fraction(work, inside)


def _exposed(work: np.ndarray, top: float | None = None) -> np.ndarray:
    """A dim photo brightened for finding the card (its own brightness is judged later); `top`:
    its `_brightest`, when known."""
    top = _brightest(work) if top is None else top
    if top >= 160:
        return work
    return np.clip(work.astype(np.float32) * (200.0 / max(top, 8.0)), 0, 255).astype(np.uint8)


def _whole_layout(detection: Detection, field: EdgeField, side: str) -> bool:
    """True when the outline holds the card's whole printed layout (at the side's full strength,
    and no bank card's colours: `detect.layout_likeness`), not only its portrait or emblem
    (whose inside shows no card's layout; a portrait outlined on its own can pass for a front's
    layout, weakly, but its fine detail lies the wrong way round: `orient.portrait_alone`)."""
    factor, strength = layout_likeness(field, detection.quad, side)
    if factor < 1.0:
        return False
    if side != "front" or strength >= CLEAR_FRONT:
        return True
    inside = geo.flatten(
        field.rgb, geo.long_side_first(detection.quad), LAYOUT_SIZE, cv2.INTER_AREA
    )
    return not portrait_alone(inside)


def _check_part_of_card(
    detection: Detection, field: EdgeField, work: np.ndarray, side: str
) -> None:
    """An outline found with little contrast that is the portrait or the emblem of a card that
    blends into its background (the background is then at fault): inside a detailed region on
    a plain ground (the card's print, `quality.detailed_region`) much larger than itself, or,
    holding no card's whole layout, with that region reaching well outside it (a card's print
    lies inside its outline). An outline traced all round (`TRACED_ALL_ROUND`: a card's faint
    edge on ruled paper was traced over 0.81 of its length) around the card's whole layout is
    the card itself, the detailed region around it a printed page; so is one that holds the
    layout, traced less, with the page's print reaching outside it."""
    layout = _whole_layout(detection, field, side)
    if layout and detection.support >= TRACED_ALL_ROUND:
        return
    region = quality.detailed_region(cv2.cvtColor(work, cv2.COLOR_RGB2GRAY))
    if region is None:
        return
    outline = np.zeros(work.shape[:2], np.uint8)
    cv2.fillConvexPoly(outline, np.round(detection.quad).astype(np.int32), 1)
    area = max(int(np.count_nonzero(outline)), 1)
    outside = int(np.count_nonzero(region & (outline == 0)))
    if int(np.count_nonzero(region)) > PART_OF_CARD * area or (
        not layout and outside > PART_OUTSIDE * area
    ):
        raise PhotoRefused("low_contrast")


def _check_card_size(
    quad: np.ndarray,
    work: np.ndarray,
    to_full: float,
    limits: dict[str, Any],
    metrics: dict[str, Any],
) -> None:
    fraction = abs(geo.signed_area(quad)) / (work.shape[0] * work.shape[1])
    long_side = float(geo.side_lengths(geo.long_side_first(quad))[[0, 2]].mean()) * to_full
    metrics.update(card_area_fraction=round(fraction, 3), card_long_side=round(long_side))
    if fraction < limits["min_card_area_fraction"] or long_side < limits["min_card_long_side"]:
        raise PhotoRefused("too_small")


def _check_card_quality(
    small: np.ndarray, detection: Detection, limits: dict[str, Any], metrics: dict[str, Any]
) -> None:
    gray = cv2.cvtColor(np.ascontiguousarray(small), cv2.COLOR_RGB2GRAY)
    metrics.update(
        brightness=round(quality.brightness(gray), 1),
        glare=round(quality.glare_fraction(small), 4),
        sharpness=round(quality.sharpness(gray), 2),
    )
    if metrics["brightness"] < limits["min_card_brightness"]:
        raise PhotoRefused("too_dark")
    if (
        metrics["glare"] > limits["max_glare_fraction"]
        or metrics["brightness"] > limits["max_card_brightness"]
    ):
        raise PhotoRefused("too_bright")
    if _low_contrast(detection, limits):
        raise PhotoRefused("low_contrast")
    if metrics["sharpness"] < limits["min_sharpness"]:
        raise PhotoRefused("blurred")


def _low_contrast(detection: Detection, limits: dict[str, Any]) -> bool:
    """Too little colour difference at the card's edge: below the minimum always; below twice
    the minimum when the edge could not be traced all round (the crop is then a guess)."""
    floor = limits["min_edge_contrast"]
    return detection.contrast < floor or (
        detection.contrast < 2 * floor and detection.support < TRACED_ALL_ROUND
    )


def _why_no_card(
    work: np.ndarray, detection: Detection | None, limits: dict[str, Any]
) -> PhotoRefused:
    """No outline held up: say whether the light, the background or the card is to blame."""
    gray = cv2.cvtColor(work, cv2.COLOR_RGB2GRAY)
    region = quality.detailed_region_share(gray)
    top = float(np.percentile(gray, 99))
    if top < DARK_PHOTO or (region and top < limits["min_card_brightness"]):
        return PhotoRefused("too_dark")  # something is there, but nothing is lit like a card
    if quality.glare_fraction(work) > 2 * limits["max_glare_fraction"]:
        return PhotoRefused("too_bright")
    if quality.sharpness(gray) < GLOBAL_BLUR_SHARE * limits["min_sharpness"]:
        return PhotoRefused("blurred")  # so blurred that not even the card's edges remain
    if (
        detection is not None
        and _card_sized(detection, work, limits)
        and detection.contrast < limits["min_edge_contrast"]
        and detection.likeness >= MIN_LIKENESS
    ):  # a card-sized outline with a card inside, too faint against its background
        return PhotoRefused("low_contrast")
    if (
        detection is not None
        and detection.support >= MIN_SUPPORT
        and detection.likeness < MIN_LIKENESS
    ):  # straight edges enough, but what they outline is the surface's pattern, not a card ...
        if _card_sized(detection, work, limits) and (
            _burnt_inside(work, detection.quad) > limits["max_glare_fraction"]
        ):  # ... or a card whose layout a reflection burnt out
            return PhotoRefused("too_bright")
        return PhotoRefused("no_card", detail="patterned_surface")
    if 0 < region < limits["min_card_area_fraction"]:
        return PhotoRefused("too_small")
    if region:
        return PhotoRefused("low_contrast")
    if detection is not None and detection.strongest >= SURFACE_EDGES:
        # outlines as clean as a card's were there, none with a card inside: the surface's
        return PhotoRefused("no_card", detail="patterned_surface")
    return PhotoRefused("no_card")


def _encode(rgb: np.ndarray) -> bytes:
    """JPEG without any metadata: a fresh image carries no EXIF, GPS or ICC profile."""
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb)).save(buf, "JPEG", quality=OUTPUT_QUALITY)
    return buf.getvalue()


def _judge_plain(decoded: Decoded, limits: dict[str, Any], metrics: dict[str, Any]) -> PhotoResult:
    """A signature photo: no card to find; the light and focus checked, then the signature
    lifted from the paper (or refused: no ink, a speck in the frame, not a signature)."""
    _check_image_size(decoded, limits)
    work, _ = _work_image(decoded.rgb)
    gray = cv2.cvtColor(work, cv2.COLOR_RGB2GRAY)
    metrics.update(
        brightness=round(quality.brightness(gray), 1), glare=round(quality.glare_fraction(work), 4)
    )
    if metrics["brightness"] < limits["min_card_brightness"]:
        raise PhotoRefused("too_dark")
    if metrics["glare"] > 2 * limits["max_glare_fraction"]:
        raise PhotoRefused("too_bright")
    if quality.sharpness(gray) < GLOBAL_BLUR_SHARE * limits["min_sharpness"]:
        raise PhotoRefused("blurred")
    ink = signature_ink(decoded.rgb)
    return PhotoResult(ok=True, image=_encode(decoded.rgb), metrics=metrics, ink=ink)
