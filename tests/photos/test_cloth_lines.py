"""A card laid square on a checked or tartan cloth: its sides lie along the cloth's lines, which
run on past its corners at two sides or more (issue 20). It is cropped to the card, upright,
not refused as the cloth's pattern; the cloth's own cells are still never taken for a card."""

from __future__ import annotations

import numpy as np
import pytest

from photos.processing.detect import corner_run_on, one_side_runs_on

from .scoring import judge_good
from .synth.dataset import holdout_photo


@pytest.mark.parametrize(
    ("kind", "seed", "index"),
    [
        # a back on a fine gingham, square to it: three of its sides run on along the cloth's
        # lines (its best outline read 0.41 of run-on, a likeness of 0.53)
        pytest.param("checked", 880_000, 0, id="back-square-on-a-fine-gingham"),
        # a front on a gingham, two sides on the cloth's lines
        pytest.param("checked", 990_000, 2, id="front-two-sides-on-the-gingham"),
        # a back on a tartan, likeness just short (0.71)
        pytest.param("plaid", 990_000, 5, id="back-on-a-tartan"),
        # a back near the frame's top, square to a tartan: its top side lies along a stripe's
        # edge (run-on 0.64), its bottom a little along another's (0.28 at one end); the long
        # sides' continuations are off the frame, so no corner can be read (likeness 0.69)
        pytest.param("plaid", 990_000, 7, id="back-along-a-tartans-stripes-by-the-frame"),
    ],
)
def test_a_card_whose_sides_lie_along_the_cloths_lines_is_cropped_to_the_card(kind, seed, index):
    # given a hold-out photo of a card whose sides lie along lines of the cloth under it
    photo = holdout_photo(kind, seed, index)

    # when
    passed, why = judge_good(photo)

    # then it is accepted, cropped to the card (IoU >= 0.9), upright, at its rotation
    assert passed, why


@pytest.mark.parametrize(
    ("ends", "expected"),
    [
        # a card with its top side on a line of the cloth: the top runs on at both ends, the
        # short sides stop at its corners ("T" corners)
        pytest.param([[0.9, 0.0, 0.0, 0.0], [0.8, 0.0, 0.0, 0.0]], 0.0, id="one-side-on-a-line"),
        # top and right side on lines: one corner where both run on ("+"), three that stop
        pytest.param([[0.9, 0.8, 0.0, 0.0], [0.8, 0.0, 0.0, 0.0]], 0.2, id="two-sides"),
        # a cell of the cloth: every side runs on at both ends, every corner is a crossing
        pytest.param([[0.9, 0.8, 0.7, 0.9], [0.8, 0.9, 0.8, 0.7]], 0.75, id="a-cell"),
        # a corner where a continuation that runs on meets one off the frame is unknown (a "T"
        # or a "+"?): the others count
        pytest.param(
            [[np.nan, 0.6, np.nan, 0.4], [0.6, 0.9, 0.5, 0.9]], 0.5, id="two-corners-seen"
        ),
        # ... unless the side in the frame stops there: the corner is no crossing either way
        # (a card near the frame's corner, two sides on the cloth's lines: 990000 checked-02)
        pytest.param(
            [[0.0, np.nan, np.nan, 0.9], [np.nan, 0.96, 0.0, np.nan]], 0.0, id="one-side-stops"
        ),
        # fewer than two corners seen: nothing to tell
        pytest.param(
            [[np.nan, np.nan, np.nan, 0.0], [0.6, np.nan, 0.0, np.nan]], np.nan, id="one-seen"
        ),
    ],
)
def test_the_run_on_at_the_corners_is_the_lesser_of_the_two_sides_meeting_there(ends, expected):
    # given how much each side runs on past each corner

    # when the corners are read
    found = corner_run_on(np.array(ends, dtype=float))

    # then each corner counts its lesser run-on: a card's corner stops at least one way
    assert found == pytest.approx(expected, nan_ok=True)


NAN = np.nan


@pytest.mark.parametrize(
    ("ends", "expected"),
    [
        # a card with its top side on a line of the cloth, the other sides stopping
        pytest.param([[0.9, 0.0, 0.0, 0.0], [0.8, 0.0, 0.0, 0.0]], True, id="one-line"),
        # ... and its bottom side a little along another line at one end (a tartan's stripe
        # near its corner): weak run-on, still counted against it, not a line
        pytest.param([[NAN, NAN, 0.28, NAN], [0.64, NAN, 0.0, NAN]], True, id="weak-other"),
        # a rectangle of a pattern's lines: two sides run on
        pytest.param([[0.9, 0.6, 0.0, 0.0], [0.8, 0.7, 0.0, 0.0]], False, id="two-lines"),
        # a side that runs on with nothing else in the frame to show how the others end
        pytest.param([[0.9, NAN, NAN, NAN], [0.8, NAN, 0.0, NAN]], False, id="one-seen"),
        # no side runs on clearly (print, grain)
        pytest.param([[0.4, 0.0, 0.0, 0.0], [0.3, 0.0, 0.0, 0.0]], False, id="weak-only"),
    ],
)
def test_one_side_runs_on_when_it_runs_on_as_a_line_does_and_no_other_side_does(ends, expected):
    # given how much each side runs on past each corner

    # when / then
    assert one_side_runs_on(np.array(ends, dtype=float)) is expected
