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


def test_outlines_come_best_first_as_if_all_were_measured_but_only_those_that_could_come_next():
    # given outlines whose likeness is known (some tied), scored so that the best by score is
    # not the best by score × likeness
    likeness = [0.5, 1.0, 0.2, 0.8, 0.5, 0.1]
    values = [0.9, 0.5, 0.8, 0.5, 0.9, 0.3]
    outlines = [np.full((4, 2), float(k)) for k in range(len(values))]
    like = _Likeness.__new__(_Likeness)
    asked: list[int] = []

    def without_layout(quad: np.ndarray) -> float:
        asked.append(int(quad[0, 0]))
        return likeness[int(quad[0, 0])]

    like.without_layout = without_layout  # type: ignore[method-assign]
    scored = list(zip(values, outlines, strict=True))
    everything = sorted(
        ((v * likeness[k], v, k) for k, v in enumerate(values)), key=lambda item: -item[0]
    )

    # when the first four are taken
    order = like._best_first(scored)
    first = [next(order) for _ in range(4)]

    # then they come in the order of measuring them all (ties: the given order), and the last
    # outline, whose score is below the fourth product, is never measured
    assert [(b, v, int(q[0, 0])) for b, v, q in first] == everything[:4]
    assert 5 not in asked
