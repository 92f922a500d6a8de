"""The corner-order and rotation conventions."""

from __future__ import annotations

import numpy as np
import pytest

from photos.processing import geometry as geo

UPRIGHT = np.array([[100.0, 100.0], [260.0, 100.0], [260.0, 200.0], [100.0, 200.0]])


def _turn_ccw(quad: np.ndarray, quarters: int) -> np.ndarray:
    """The quad as it appears when the card lies turned counter-clockwise (y points down)."""
    for _ in range(quarters):
        quad = np.c_[quad[:, 1], -quad[:, 0]]
    return quad


@pytest.mark.parametrize(("quarters", "rotation"), [(0, 0), (1, 90), (2, 180), (3, 270)])
def test_rotation_is_the_clockwise_turn_that_makes_the_card_upright(quarters, rotation):
    # given a card lying turned `quarters` times counter-clockwise
    quad = _turn_ccw(UPRIGHT, quarters)

    # when / then
    assert geo.rotation_of(quad) == rotation


def test_a_small_extra_tilt_rounds_to_the_nearest_quarter():
    angle = np.radians(-8)  # turned 8° counter-clockwise
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    assert geo.rotation_of(UPRIGHT @ turn.T) == 0


def test_corners_are_put_clockwise_with_a_long_side_first():
    # given the corners shuffled
    shuffled = UPRIGHT[[2, 0, 3, 1]]

    # when
    quad = geo.long_side_first(geo.clockwise(shuffled))

    # then
    assert geo.signed_area(quad) > 0
    assert geo.side_lengths(quad)[0] == pytest.approx(160)
    assert geo.aspect(quad) == pytest.approx(1.6)


def test_an_outline_is_rebuilt_from_the_lines_of_its_sides():
    quad = np.array([[10.0, 20.0], [210.0, 25.0], [205.0, 150.0], [5.0, 140.0]])
    lines = [geo.side_line(quad, i) for i in range(4)]
    assert np.allclose(geo.quad_from_lines(lines), quad, atol=1e-6)
    parallel = [lines[0], lines[0], lines[2], lines[3]]
    assert geo.quad_from_lines(parallel) is None
