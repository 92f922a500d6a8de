"""A card whose best outline has one side inside it, on a line of its print or of the surface
seen through to its edge (issue 20): a card on tiles whose top side was taken along a tile's
edge running on into the card's number row, a card on a page whose side was taken along its
print. The outline is then clearly off the card's proportion (85.6 × 54) while the card's
edge, further out, gives it back: that side is moved out onto it."""

from __future__ import annotations

import pytest

from .scoring import judge_good
from .synth.dataset import holdout_photo


@pytest.mark.parametrize(
    ("kind", "seed", "index"),
    [
        # a front on tiles, upside down: its top side along the line of a tile's edge, 36 px
        # inside the card's edge (IoU 0.88; |log| of the aspect over the card's 0.14)
        pytest.param("tiles", 550_000, 19, id="front-on-tiles-side-along-a-tiles-edge"),
        # a back on a page: one side 29 px inside the card's edge (IoU 0.89; 0.14 off)
        pytest.param("page", 990_000, 15, id="back-on-a-page-side-inside-the-card"),
    ],
)
def test_a_card_whose_outline_has_a_side_inside_it_off_its_proportion_is_cropped_to_it(
    kind, seed, index
):
    # given a hold-out photo whose best outline had one side inside the card, off its
    # proportion
    photo = holdout_photo(kind, seed, index)

    # when
    passed, why = judge_good(photo)

    # then it is accepted, cropped to the card (IoU >= 0.9), upright, at its rotation
    assert passed, why
