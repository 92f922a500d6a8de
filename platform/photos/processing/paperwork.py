"""Card outlines proposed on the photo with its print lifted: a card lying on paperwork.

On a printed page, a form or ruled paper the lines of print run as long and as straight as the
card's edges and right up to them, while a pale card's edge against white paper is faint: the
line finder takes the print's lines, and the colour regions run from the card's face into the
paper between the lines. Print is thin and darker than the paper around it (text, a form's
rules, ruled lines, handwriting; the card's own print too), so a morphological closing lifts it
and leaves what is larger: the paper, the card's face, and the step between the two where it
was. On the lifted photo, at a quarter of the size where the noise averages out, even a faint
edge closes the card's face off as a region of its own, whose outline is a proposal (refining
snaps its sides onto the card's edges in the photo itself).
"""

from __future__ import annotations

import cv2
import numpy as np

from . import geometry as geo
from .edges import EdgeField

LIFT = 7  # px at the working size: strokes narrower than this are lifted (print at arm's length)
SCALE = 4  # the lifted photo's regions are found at this fraction of the working size
EDGE_LOW, EDGE_HIGH = 0.4, 0.8  # Lab units per pixel (of the small lifted photo): faint edges
REGIONS = 4  # the largest regions outlined, per edge map
# px of the small photo a region's outline is moved out: onto the edge closing it off, and by
# as much again as the edges were thickened
GROW = 2.0


def lifted(rgb: np.ndarray) -> np.ndarray:
    """The photo with its thin dark strokes lifted to the colour around them."""
    return cv2.morphologyEx(rgb, cv2.MORPH_CLOSE, np.ones((LIFT, LIFT), np.uint8))


def lifted_quads(field: EdgeField, min_area: float) -> list[np.ndarray]:
    """Outlines (working-size pixels) of the regions the edges of the lifted photo close off.
    The frame's border closes a region too: a card near the border is still closed off."""
    size = (field.width // SCALE, field.height // SCALE)
    small = cv2.resize(lifted(field.rgb), size, interpolation=cv2.INTER_AREA)
    edges = EdgeField(small).colour_canny(EDGE_LOW, EDGE_HIGH)
    cv2.rectangle(edges, (0, 0), (size[0] - 1, size[1] - 1), 255, 1)
    # thickened, so that no region runs into the next through a diagonal step of an edge; and
    # opened, so that none runs into the next through a gap in a faint edge
    free = 255 - cv2.dilate(edges, np.ones((3, 3), np.uint8))
    quads = []
    for mask in (free, cv2.morphologyEx(free, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))):
        contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        big = [c for c in contours if cv2.contourArea(c) * SCALE * SCALE >= min_area]
        big.sort(key=cv2.contourArea, reverse=True)
        quads += [_grown(geo.quad_from_points(c)) * SCALE + (SCALE - 1) / 2 for c in big[:REGIONS]]
    return quads


def _grown(quad: np.ndarray, by: float = GROW) -> np.ndarray:
    """The quad with each side moved `by` pixels outwards (a region's outline runs along its
    pixels just inside the thickened edge; the card's edge is in the middle of that edge): an
    outline that lies well inside the card's edges ranks low and refines poorly."""
    d = quad[geo.NEXT] - quad
    normal = np.stack([d[:, 1], -d[:, 0]], axis=1) / (np.linalg.norm(d, axis=1)[:, None] + 1e-9)
    centre = quad.mean(axis=0)
    normal *= np.where(np.sum(normal * (quad + d / 2 - centre), axis=1) >= 0, 1.0, -1.0)[:, None]
    start = quad + by * normal  # each side: a point and its direction
    corners = []
    for i in range(4):
        a, u, b, v = start[i - 1], d[i - 1], start[i], d[i]
        den = u[0] * v[1] - u[1] * v[0]
        if abs(den) < 1e-9:
            return quad
        t = ((b[0] - a[0]) * v[1] - (b[1] - a[1]) * v[0]) / den
        corners.append(a + t * u)
    return np.array(corners)
