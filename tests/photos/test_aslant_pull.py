"""A card whose best outline runs out onto the surface along a line that is not parallel to the
card's edge (issue 20): a side taken along a row of a page's print (the page turned a few
degrees under the card), or out over the print between the card and a bank card beside it.
Pulled in onto the card's edge though that edge is aslant to the side, and though what lies
just outside the side is the print itself, the frame or the bank card, not the paper."""

from __future__ import annotations

import pytest

from .scoring import judge_good
from .synth.dataset import holdout_photo


@pytest.mark.parametrize(
    ("kind", "seed", "index"),
    [
        # a back on a page turned 3° under it: the top side along a row of print, the right
        # one along the frame, the card's edges 12–37 px in and aslant to them (IoU 0.87)
        pytest.param("page", 880_000, 1, id="back-on-a-page-sides-along-print-and-frame"),
        # a back on a page, a bank card beside: two sides out over the print, one towards the
        # bank card, the card's edges aslant to them (IoU 0.86)
        pytest.param("bank_card", 880_000, 3, id="back-on-a-page-sides-out-towards-a-bank-card"),
    ],
)
def test_a_card_whose_outline_runs_out_aslant_onto_the_surface_is_cropped_to_the_card(
    kind, seed, index
):
    # given a hold-out photo where the best outline had sides out on the surface, aslant to
    # the card's edges
    photo = holdout_photo(kind, seed, index)

    # when
    passed, why = judge_good(photo)

    # then it is accepted, cropped to the card (IoU >= 0.9), upright, at its rotation
    assert passed, why
