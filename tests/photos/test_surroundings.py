"""An outline whose inside looks like the surface around it, and the surface's own card-like
pieces: what tells a card from a stretch of a page, a form or a cloth, or from a tile."""

from __future__ import annotations

import numpy as np
import pytest

from photos.processing import photo_judge
from photos.processing.decode import decode_photo
from photos.processing.detect import _Likeness, like_its_surroundings
from photos.processing.edges import EdgeField
from photos.processing.pipeline import _exposed, _work_image
from photos.processing.thresholds import thresholds

from .scoring import quad_iou, upright
from .synth.dataset import holdout_photo


def _field_and_truth(photo):
    decoded = decode_photo(photo.data, thresholds())
    work, scale = _work_image(decoded.rgb)
    truth = (np.asarray(photo.corners, float) + 0.5) / (scale * decoded.scale) - 0.5
    return EdgeField(_exposed(work)), truth


def test_a_pale_card_under_a_colour_cast_is_not_a_stretch_of_the_form_it_lies_on():
    # given a hold-out photo of a pale front on a form under a cool colour cast, whose inside
    # (its face, print and portrait) has on average the colour of the form and the dark desk
    # around it (ΔE 1.0) and about as much detail, but whose plain face is of another colour
    # than the form's paper (ΔE 4.7)
    photo = holdout_photo("tinted", 880_000, 3)
    field, truth = _field_and_truth(photo)
    like = _Likeness(field, photo.side)

    # when its outline is compared with its surroundings
    alike = like_its_surroundings(field, like.busy, truth)

    # then it is not taken for a stretch of the surface
    assert not alike


@pytest.mark.parametrize(
    ("kind", "seed", "index"),
    [
        # the card's inside of the form's mean colour: a wrong outline half over the form won
        # (IoU 0.48)
        pytest.param("tinted", 880_000, 3, id="pale-card-under-a-colour-cast-on-a-form"),
        # a plain tile of the table, as card-like as the card, won over it (refused too small)
        pytest.param("tiles", 550_000, 5, id="card-on-tiles-not-one-of-the-tiles"),
    ],
)
def test_a_card_on_a_surface_like_it_is_cropped_to_the_card(kind, seed, index):
    # given a hold-out photo where the card was lost to the surface it lies on
    photo = holdout_photo(kind, seed, index)

    # when
    result = photo_judge(data=photo.data, side=photo.side)

    # then it is cropped to the card, upright
    assert result.ok, result
    assert quad_iou(result.corners, photo.corners) >= 0.9
    assert upright(result.corners, photo.corners)
