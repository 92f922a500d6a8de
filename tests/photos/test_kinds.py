"""The quality bar kind by kind, on small seeded sets: the kinds that pass on plain desks (a
thumb over an edge or a corner, a small glare spot, a card filling the frame, a white desk, a
tilt up to 28°, low light with noise), each patterned surface (checked, striped and plaid
cloth, a printed page, a form, ruled paper, a keyboard, tiles, a bank card beside the ID card)
and light the camera's white balance left warm or cool.

The bars are what the card finding reaches today on these seeds (`bench/photos_holdout.py`
prints the same kinds on seeds no test uses); they guard against going back. The issue's goal is
every kind at 48 of 50 or better: the patterned kinds below their count are not there yet.
"""

from __future__ import annotations

import numpy as np
import pytest

from photos.processing import photo_judge

from .scoring import judge_good
from .synth.dataset import GOOD_KINDS, LATER_KINDS, kind_photos, pattern_refusals

KIND_SEED = 20261300
PLAIN_DESK = "纯色的桌面"
PER_KIND = 4
# Good photos of each kind (of PER_KIND) accepted upright at IoU >= 0.9, at least.
BARS = {
    "plain": 4,
    "thumb": 4,
    "glare": 4,
    "filling": 4,
    "white_desk": 3,
    "tilt_28": 4,
    "low_light": 4,
    "checked": 2,
    "striped": 3,
    "page": 2,
    "form": 2,
    "keyboard": 4,
    "tiles": 4,
    "plaid": 3,
    "ruled": 4,
    "bank_card": 3,
    "tinted": 4,
}
KINDS = [*GOOD_KINDS, *LATER_KINDS]


@pytest.mark.parametrize("kind", KINDS)
def test_good_photos_of_each_kind_are_found_upright(kind):
    # given a few good photos of one kind
    photos = kind_photos(kind, KIND_SEED + KINDS.index(kind), PER_KIND)

    # when
    judged = [judge_good(photo) for photo in photos]

    # then
    passed = sum(ok for ok, _ in judged)
    assert passed >= BARS[kind], [why for ok, why in judged if not ok]


@pytest.mark.parametrize("kind", ["tiny", "none"])
def test_tiny_cards_and_no_cards_on_patterned_surfaces_are_all_refused(kind):
    # given a card far too small to read, or none, on patterned surfaces of every kind
    photos = pattern_refusals(kind, KIND_SEED + 100 + len(kind), 6)

    # when
    results = [photo_judge(data=photo.data, side=photo.side) for photo in photos]

    # then none is accepted, and nearly all are refused as too small or as no card (a tiny
    # card lost in the pattern); today one tiny card on a white form is called too bright
    assert not any(result.ok for result in results)
    right = [r.reason in (p.reason, *p.also) for p, r in zip(photos, results, strict=True)]
    assert sum(right) >= 5, [(p.name, r.reason) for p, r in zip(photos, results, strict=True)]


def test_no_card_on_a_patterned_surface_says_to_use_a_plain_desk():
    # given no card on patterned surfaces
    photos = pattern_refusals("none", KIND_SEED + 200, 4)

    # when
    results = [photo_judge(data=photo.data, side=photo.side) for photo in photos]

    # then each is refused as no card, and told what to do about the surface
    assert all(result.reason == "no_card" for result in results)
    assert all(PLAIN_DESK in result.message for result in results)


@pytest.mark.parametrize("seed", [20261390, 20261391])
def test_every_good_photo_of_the_generator_shows_a_card_large_enough_to_read(seed):
    # a "good" photo whose card is below min_card_long_side is rightly refused too_small, and a
    # hold-out counted that as a miss (bank-card scenes once drew the card's area regardless of
    # the photo's size: 544 px on 1280 × 960)
    from photos.processing import geometry as geo
    from photos.processing.thresholds import thresholds

    least = thresholds()["min_card_long_side"]
    for kind in KINDS:
        for photo in kind_photos(kind, seed, 6):
            quad = geo.long_side_first(np.array(photo.corners, dtype=np.float32))
            long_side = float(geo.side_lengths(quad)[[0, 2]].mean())
            assert long_side >= 1.05 * least, (photo.name, round(long_side))


def test_a_tinted_light_colours_the_whole_photo():
    # given the same scene photographed under neutral and under warm light
    import io
    from dataclasses import replace

    from PIL import Image

    from .synth.cards import render_card
    from .synth.dataset import random_scene
    from .synth.scenes import photograph

    scene = replace(random_scene(np.random.default_rng(5), (1280, 960)), noise=0.0)
    means = {}
    for tint in ((1.0, 1.0, 1.0), (1.0, 0.95, 0.8)):
        rng = np.random.default_rng(6)
        data, _ = photograph(replace(scene, tint=tint), render_card("front", rng), rng)
        rgb = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.float64)
        means[tint] = rgb.reshape(-1, 3).mean(axis=0)

    # then each channel is scaled by its gain (within JPEG's and clipping's rounding)
    ratio = means[(1.0, 0.95, 0.8)] / means[(1.0, 1.0, 1.0)]
    assert np.allclose(ratio, (1.0, 0.95, 0.8), atol=0.02), ratio
