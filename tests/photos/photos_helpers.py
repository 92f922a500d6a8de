"""Small builders for single test photos."""

from __future__ import annotations

import io
from functools import cache

import numpy as np
from PIL import Image

from .synth import Scene, photograph, render_card


@cache
def card_photo(
    side: str = "front",
    quarter: int = 0,
    exif_orientation: int = 1,
    background: str = "dark",
    size: tuple[int, int] = (1280, 960),
) -> tuple[bytes, np.ndarray]:
    """A plain good photo of a card (JPEG bytes) and its true corners."""
    rng = np.random.default_rng(7 + quarter)
    scene = Scene(
        size=size,
        background=background,
        quarter=quarter,
        skew_deg=4.0,
        tilt_deg=(3.0, -2.0),
        area_fraction=0.35 if quarter % 2 else 0.5,
        exif_orientation=exif_orientation,
        noise=2.0,
        shadow=False,
    )
    data, corners = photograph(scene, render_card(side, rng), rng)
    return data, corners


def reencode(data: bytes, fmt: str, **params) -> bytes:
    img = Image.open(io.BytesIO(data))
    buf = io.BytesIO()
    img.save(buf, fmt, **params)
    return buf.getvalue()
