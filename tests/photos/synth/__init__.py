"""A generator of synthetic ID-card photos with known corners, for tests and the benchmark.

Specimen cards (fake data, CJK fonts) are rendered in the layout of the second-generation resident
ID card, then "photographed": turned, tilted, placed on wood, cloth or a desk, lit unevenly,
noised and JPEG-compressed. Everything is driven by a seeded RNG, so a set is reproducible.
"""

from .cards import CARD_SIZE, render_bank_card, render_card
from .dataset import (
    BadPhoto,
    GoodPhoto,
    bad_photos,
    good_photos,
    patterned_bad_photos,
    patterned_photos,
)
from .scenes import Scene, photograph

__all__ = [
    "CARD_SIZE",
    "BadPhoto",
    "GoodPhoto",
    "Scene",
    "bad_photos",
    "good_photos",
    "patterned_bad_photos",
    "patterned_photos",
    "photograph",
    "render_bank_card",
    "render_card",
]
