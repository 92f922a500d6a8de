"""Small quadrilateral helpers. A quad is a 4 × 2 float array of (x, y) image points."""

from __future__ import annotations

import math

import cv2
import numpy as np

CARD_ASPECT = 85.6 / 54.0  # ISO/IEC 7810 ID-1
MIN_AREA_FRACTION = 0.02
ASPECT_RANGE = (1.3, 1.95)  # the card's 1.585, give or take tilt and a loose first guess
ANGLE_RANGE = (58.0, 122.0)
NEXT, PREV = (
    [1, 2, 3, 0],
    [3, 0, 1, 2],
)  # the following and the preceding corner (cheaper than np.roll)


def signed_area(quad: np.ndarray) -> float:
    x, y = quad[:, 0], quad[:, 1]
    return 0.5 * float(np.dot(x, y[NEXT]) - np.dot(x[NEXT], y))


def clockwise(quad: np.ndarray) -> np.ndarray:
    """The same quad with its corners in screen-clockwise order (positive area, y down)."""
    quad = np.asarray(quad, np.float64).reshape(4, 2)
    centre = quad.mean(axis=0)
    angles = np.arctan2(quad[:, 1] - centre[1], quad[:, 0] - centre[0])
    return quad[np.argsort(angles)]


def side_lengths(quad: np.ndarray) -> np.ndarray:
    d = quad[NEXT] - quad
    return np.sqrt(d[:, 0] * d[:, 0] + d[:, 1] * d[:, 1])


def is_convex(quad: np.ndarray) -> bool:
    edges = quad[NEXT] - quad
    cross = edges[:, 0] * edges[NEXT, 1] - edges[:, 1] * edges[NEXT, 0]
    return bool(np.all(cross > 0) or np.all(cross < 0))


def corner_angles(quad: np.ndarray) -> np.ndarray:
    prev = quad[PREV] - quad
    nxt = quad[NEXT] - quad
    cos = np.sum(prev * nxt, axis=1) / (
        np.sqrt(np.sum(prev * prev, axis=1) * np.sum(nxt * nxt, axis=1)) + 1e-9
    )
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def aspect(quad: np.ndarray) -> float:
    """Long over short side, each averaged with its opposite side."""
    s = side_lengths(quad)
    a, b = (s[0] + s[2]) / 2, (s[1] + s[3]) / 2
    return max(a, b) / max(min(a, b), 1e-9)


def long_side_first(quad: np.ndarray) -> np.ndarray:
    """Rotate the clockwise corner list so the first side (top edge) is a long side."""
    s = side_lengths(quad)
    return quad if s[0] + s[2] >= s[1] + s[3] else np.roll(quad, -1, axis=0)


def intersect(line_a: np.ndarray, line_b: np.ndarray) -> np.ndarray | None:
    """Lines as (vx, vy, x0, y0) from cv2.fitLine."""
    (vx1, vy1, x1, y1), (vx2, vy2, x2, y2) = line_a, line_b
    det = vx1 * (-vy2) - vy1 * (-vx2)
    if abs(det) < 1e-9:
        return None
    t = ((x2 - x1) * (-vy2) - (y2 - y1) * (-vx2)) / det
    return np.array([x1 + t * vx1, y1 + t * vy1])


def side_line(quad: np.ndarray, i: int) -> np.ndarray:
    """Side i of an outline (from corner i to the next) as a line (vx, vy, x0, y0)."""
    d = quad[NEXT[i]] - quad[i]
    return np.concatenate([d / (np.sqrt(np.dot(d, d)) + 1e-9), quad[i]])


def quad_from_lines(lines: list[np.ndarray]) -> np.ndarray | None:
    """The outline whose four sides lie on `lines` (corner i where sides i-1 and i cross), or
    None when two neighbouring sides are parallel."""
    corners = [intersect(lines[i - 1], lines[i]) for i in range(4)]
    if any(c is None for c in corners):
        return None
    return np.array(corners)


def rotation_of(quad: np.ndarray) -> int:
    """The clockwise quarter-turn that makes the card upright, from its top edge's direction."""
    top = quad[1] - quad[0]
    angle = math.degrees(math.atan2(top[1], top[0]))  # y down: positive = turned clockwise
    return int(round(-angle / 90.0)) % 4 * 90


def plausible(quad: np.ndarray, frame_area: float) -> bool:
    """Convex, of a card-like proportion and corner angles, neither tiny nor the whole frame."""
    if not is_convex(quad):
        return False
    area = abs(signed_area(quad)) / frame_area
    if not (
        MIN_AREA_FRACTION <= area <= 0.985 and ASPECT_RANGE[0] <= aspect(quad) <= ASPECT_RANGE[1]
    ):
        return False
    angles = corner_angles(quad)  # (the dearest test, last)
    return bool(np.all((angles >= ANGLE_RANGE[0]) & (angles <= ANGLE_RANGE[1])))


def quad_from_points(points: np.ndarray) -> np.ndarray:
    """The four corners of a blob's outline (a contour's points): its convex hull simplified
    to four corners, or its smallest bounding rectangle when it will not simplify to four."""
    hull = cv2.convexHull(points)
    perimeter = cv2.arcLength(hull, True)
    for eps in (0.015, 0.025, 0.04, 0.06, 0.09):
        approx = cv2.approxPolyDP(hull, eps * perimeter, True)
        if len(approx) == 4:
            return clockwise(approx.reshape(4, 2).astype(np.float64))
        if len(approx) < 4:
            break
    return clockwise(cv2.boxPoints(cv2.minAreaRect(hull)).astype(np.float64))


def flatten(
    rgb: np.ndarray, quad: np.ndarray, size: tuple[int, int], flags: int = cv2.INTER_LINEAR
) -> np.ndarray:
    """The inside of `quad` (its first corner to the top left) warped to an upright
    rectangle of `size` (width, height); pixels outside the image repeat its border."""
    w, h = size
    target = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    return cv2.warpPerspective(rgb, matrix, size, flags=flags, borderMode=cv2.BORDER_REPLICATE)
