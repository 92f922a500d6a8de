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
    # JPEG decodes at half scale, so it may have the most. PNG and HEIC decode whole: 25 MP
    # holds a 24-MP phone photo (5712 × 4284). WebP's decoder keeps four RGBA copies of the
    # image: 12 MP. See decode.py; tests/photos/test_memory.py measures what each costs.
    "max_pixels": 50_000_000,
    "max_pixels_decoded_whole": 25_000_000,
    "max_pixels_webp": 12_000_000,
    # The photo's shorter side and its pixel count: below either it is a thumbnail or a
    # screenshot (1280 × 720 passes; 1024 × 768 does not).
    "min_image_short_side": 720,
    "min_image_pixels": 900_000,
    # The card's share of the frame (area), and its long side in photo pixels: below either the
    # text is too small to read at review.
    "min_card_area_fraction": 0.12,
    "min_card_long_side": 560,
    # Sharpness: the ratio of fine (Laplacian) to coarse (gradient) detail at the card's strongest
    # edges, ×100 (see quality.sharpness). A sharp card scores 160–240; a Gaussian blur of
    # σ = 1 px at the analysis width about 140–160, σ = 2 px about 85–95, σ = 3 px 50–80. Good
    # photos of every kind the hold-out draws score 156 or more; blurred ones (σ from 0.45% of the
    # card's length) up to 110, which 100 let through.
    "min_sharpness": 125.0,
    # Brightness: the median grey level (0–255) of the card. A photo whose brightest 1% stays
    # below the minimum is refused before looking for the card: no card in it can be lit enough.
    "min_card_brightness": 90,
    "max_card_brightness": 248,
    # Glare: the share of the card that is burnt out (every channel ≥ 250).
    "max_glare_fraction": 0.08,
    # Contrast between the card and what it lies on: CIE ΔE76 between thin bands just inside and
    # just outside the card's edges (median over the four sides). Below it the photo is refused;
    # below twice it too, unless the edge was traced all round (then the crop is sound).
    "min_edge_contrast": 2.5,
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
