"""Finding the card: the bookkeeping that keeps its results the same from photo to photo."""

from __future__ import annotations

import numpy as np

from photos.processing.decode import decode_photo
from photos.processing.detect import _Likeness, plain_likeness
from photos.processing.edges import EdgeField
from photos.processing.pipeline import _work_image
from photos.processing.thresholds import thresholds

from .photos_helpers import card_photo


def test_an_outline_is_never_given_the_likeness_of_one_measured_and_freed_before_it():
    # given a photo's edge field and outlines each measured as a temporary array, freed at
    # once (Python reuses a freed array's id for the next one)
    data, _ = card_photo()
    work, _ = _work_image(decode_photo(data, thresholds()).rgb)
    field = EdgeField(work)
    like = _Likeness(field, "front")
    h, w = work.shape[:2]
    outlines = [  # over the desk and the card's edges: each with a likeness of its own
        np.array([[x, y], [x + 0.4 * w, y], [x + 0.4 * w, y + 0.4 * h], [x, y + 0.4 * h]])
        for x, y in ((0.02 * w, 0.02 * h), (0.55 * w, 0.55 * h), (0.02 * w, 0.55 * h))
    ]
    expected = [plain_likeness(field, quad, like.bright) for quad in outlines]

    # when
    measured = [like.without_layout(quad.copy()) for quad in outlines]

    # then each has its own
    assert len(set(expected)) == len(expected)
    assert measured == expected
