"""Which way up: 0° or 180°, from the card's own layout.

Once flattened with its long side horizontal, a card is either upright or upside down. The
layout of the second-generation ID card decides which:
- front (portrait side): the portrait sits in the right third, above the ID-number line; seen
  from afar it is the largest area that differs from the card's background (hair, clothes, face),
  while the text on the left blurs into a faint grey; seen close, the text is the finer detail;
- back (emblem side): the round red emblem sits at the top left; it is the card's only strongly
  red area, and also a large area that differs from the background.
Each cue compares a box with the same box turned 180°, so the score is antisymmetric: positive
means upright as given, negative means turned.
"""

from __future__ import annotations

import cv2
import numpy as np

from .edges import colour_distance, median

PORTRAIT_BOX = (0.62, 0.08, 0.95, 0.74)  # x0, y0, x1, y1 as shares of the card
EMBLEM_BOX = (0.02, 0.03, 0.32, 0.52)
RED_A_STAR = 22.0  # CIE a* above this is "red" (the emblem: ~50–60; the pale print: < 15)
# Seen small (an outline's inside flattened to look for a layout, 96 × 61), a front's portrait
# end mostly holds more fine detail than its text end (stroke contrast of the portrait box
# -0.01–0.24 on the fronts checked, one on a printed page -0.13); the portrait by itself,
# outlined on a card that blends into the desk, reads the other way round (its hair at one end,
# its plain face at the other: -0.16 to -0.19). Only weak front layouts are asked (the caller's)
PORTRAIT_ALONE = -0.12


def _turned(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = box
    return 1 - x1, 1 - y1, 1 - x0, 1 - y0


def _mean(plane: np.ndarray, box: tuple[float, float, float, float]) -> float:
    h, w = plane.shape[:2]
    x0, y0, x1, y1 = box
    return float(plane[int(y0 * h) : int(y1 * h), int(x0 * w) : int(x1 * w)].mean())


def _contrast(plane: np.ndarray, box: tuple[float, float, float, float]) -> float:
    here, there = _mean(plane, box), _mean(plane, _turned(box))
    return (here - there) / (here + there + 1.0)


def _strokes(card_rgb: np.ndarray) -> np.ndarray:
    """Fine detail: text strokes, the portrait's outline."""
    gray = cv2.cvtColor(card_rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    return cv2.blur(np.abs(cv2.Laplacian(gray, cv2.CV_32F, ksize=3)), (5, 5))


def portrait_alone(small_rgb: np.ndarray) -> bool:
    """True when a front's layout seen small (flattened, landscape, `PORTRAIT_ALONE`'s size) is
    a portrait by itself, not a whole front: its fine detail away from the end the layout
    puts the portrait at."""
    box = PORTRAIT_BOX if upright_score(small_rgb, "front") >= 0 else _turned(PORTRAIT_BOX)
    return _contrast(_strokes(small_rgb), box) < PORTRAIT_ALONE


def upright_score(card_rgb: np.ndarray, side: str) -> float:
    """Positive when `card_rgb` (flattened, landscape) reads upright, negative when turned."""
    lab = cv2.cvtColor(card_rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)
    background = median(lab[::3, ::3].reshape(-1, 3), 0)  # (a ninth tells the same)
    coarse = cv2.GaussianBlur(lab, (0, 0), 0.015 * card_rgb.shape[1])
    deviation = colour_distance(coarse - background)
    if side == "back":
        red = np.clip(lab[..., 1] - RED_A_STAR, 0, None)
        return _contrast(red, EMBLEM_BOX) + 0.5 * _contrast(deviation, EMBLEM_BOX)
    strokes = _strokes(card_rgb)
    # The portrait is smooth and dark where the text it faces is fine and pale: both say which
    # end holds the portrait, so a pale drawing of a face still turns the card the right way.
    return _contrast(deviation, PORTRAIT_BOX) - 0.5 * _contrast(strokes, PORTRAIT_BOX)
