"""An outline whose inside looks like the surface around it, and the surface's own card-like
pieces: what tells a card from a stretch of a page, a form or a cloth, or from a tile."""

from __future__ import annotations

import numpy as np
import pytest

from photos.processing.decode import decode_photo
from photos.processing.detect import _Likeness, _pieces, like_its_surroundings
from photos.processing.edges import EdgeField
from photos.processing.pipeline import _exposed, _work_image
from photos.processing.thresholds import thresholds

from .scoring import judge_good
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
    passed, why = judge_good(photo)

    # then it is accepted, cropped to the card (IoU >= 0.9), upright, at its rotation
    assert passed, why


def _rect(x: float, y: float, w: float = 120, h: float = 76) -> np.ndarray:
    return np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], float)


def test_an_outline_with_two_like_it_around_it_is_a_piece_of_the_pattern_not_a_card():
    # given a dark table with three pale tiles of one size, a card of that size and another
    # colour, and a pair of pale cards alike (an ID card and a bank card beside it)
    image = np.full((480, 720, 3), 60, np.uint8)
    tiles = [_rect(20 + 150 * k, 20) for k in range(3)]
    card = _rect(20, 200)
    pair = [_rect(200, 200), _rect(360, 200)]
    for quad, colour in [*((t, (200, 190, 170)) for t in tiles), (card, (230, 235, 240))]:
        x0, y0 = quad[0].astype(int)
        x1, y1 = quad[2].astype(int)
        image[y0:y1, x0:x1] = colour
    for quad in pair:
        x0, y0 = quad[0].astype(int)
        x1, y1 = quad[2].astype(int)
        image[y0:y1, x0:x1] = (150, 200, 120)
    field = EdgeField(image)
    like = _Likeness(field, "front")
    outlines = [*tiles, card, *pair, tiles[0] + 2.0]  # (the first tile outlined twice)

    # when the outlines are compared with each other
    pieces = _pieces(field, like.busy, outlines)

    # then the tiles are pieces of a pattern, even the one outlined twice; the card alone and
    # the pair are not
    assert sorted(pieces) == [0, 1, 2, 6]
