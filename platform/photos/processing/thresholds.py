"""The quality thresholds, documented in one place and overridable.

Override any of them with ``settings.ID_PHOTO_THRESHOLDS = {"min_sharpness": ..., ...}``; keys
not given keep the defaults below. Measures are taken on the card once it is flattened to
``ANALYSIS_WIDTH`` pixels wide, so they do not depend on the camera's resolution.
"""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    # Files: bigger than this is refused before decoding (a phone JPEG is 2–8 MB).
    "max_file_bytes": 20 * 1024 * 1024,
    # Decompression bombs: more pixels than this is refused from the header, before decoding.
    "max_pixels": 50_000_000,
    # The photo's shorter side, in pixels: below this it is a thumbnail or a screenshot.
    "min_image_short_side": 720,
    # The card's share of the frame (area), and its long side in photo pixels: below either the
    # text is too small to read at review.
    "min_card_area_fraction": 0.12,
    "min_card_long_side": 560,
    # Sharpness: the ratio of fine (Laplacian) to coarse (gradient) detail on the flattened card,
    # ×100. It falls as the blur widens, whatever the lighting or contrast.
    "min_sharpness": 22.0,
    # Brightness: the median grey level (0–255) of the card; the whole photo when no card is found.
    "min_card_brightness": 70,
    "max_card_brightness": 248,
    "min_photo_brightness": 40,
    # Glare: the share of the card that is burnt out (every channel ≥ 250).
    "max_glare_fraction": 0.12,
    # Contrast between the card and what it lies on: CIE ΔE76 between thin bands just inside and
    # just outside the card's edges (median over the four sides).
    "min_edge_contrast": 5.0,
}


def thresholds() -> dict[str, Any]:
    """The defaults, overridden by the project's settings when Django is configured."""
    try:
        from django.conf import settings

        overrides = getattr(settings, "ID_PHOTO_THRESHOLDS", None) or {}
    except Exception:  # noqa: BLE001 - Django not configured (a bare script): defaults only
        overrides = {}
    unknown = set(overrides) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"unknown ID_PHOTO_THRESHOLDS keys: {sorted(unknown)}")
    return {**DEFAULTS, **overrides}
