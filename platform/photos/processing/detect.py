"""Finding the card's four corners in a photo.

The card is found on a small working copy (``WORK_LONG_SIDE``), in CIE Lab so that a colour
change (a white card on orange wood) counts as much as a brightness change. Three cheap sources
propose quadrilaterals — regions closed by colour edges, regions that differ from the frame's
border colour, bright/low-chroma regions — and every proposal is scored by how much of its outline
runs along a real edge. The best few are refined by fitting a line to the strongest edge across
each side (away from the rounded corners) and intersecting the lines, then scored again.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from . import geometry as geo

WORK_LONG_SIDE = 720
EDGE_MIN = 1.0  # Lab units per pixel: the least gradient that counts as an edge of the card
MIN_AREA_FRACTION = 0.02
ASPECT_RANGE = (1.3, 1.95)  # the card's 1.585, give or take tilt and a loose first guess
ANGLE_RANGE = (58.0, 122.0)
REFINE_TOP = 8  # proposals refined (ranked by a forgiving score first)
SIDE_CONTRAST = 6.0  # ΔE across a side at which it counts fully as the card's edge


@dataclass(frozen=True)
class Detection:
    quad: np.ndarray  # clockwise, in working-image pixels
    support: float  # share of the outline running along an edge (mean over the sides)
    weakest_side: float
    contrast: float  # ΔE between the bands just inside and just outside the outline


class EdgeField:
    """The smoothed Lab image and its per-channel gradients, sampled along candidate sides."""

    def __init__(self, rgb: np.ndarray):
        lab = cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)
        self.lab = cv2.GaussianBlur(lab, (0, 0), 1.2)
        self.gx = cv2.Sobel(self.lab, cv2.CV_32F, 1, 0, ksize=3) / 8.0
        self.gy = cv2.Sobel(self.lab, cv2.CV_32F, 0, 1, ksize=3) / 8.0
        self.height, self.width = rgb.shape[:2]

    def _index(self, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = np.clip(np.rint(pts[..., 0]).astype(np.intp), 0, self.width - 1)
        y = np.clip(np.rint(pts[..., 1]).astype(np.intp), 0, self.height - 1)
        return y, x

    def across(self, pts: np.ndarray, normal: np.ndarray) -> np.ndarray:
        """The colour gradient across a side (along its normal) at each point; 0 off the frame."""
        y, x = self._index(pts)
        g = self.gx[y, x] * normal[0] + self.gy[y, x] * normal[1]
        inside = ((pts[..., 0] >= 1) & (pts[..., 0] <= self.width - 2)
                  & (pts[..., 1] >= 1) & (pts[..., 1] <= self.height - 2))
        return np.sqrt(np.sum(g * g, axis=-1)) * inside

    def colours(self, pts: np.ndarray) -> np.ndarray:
        y, x = self._index(pts)
        return self.lab[y, x]

    def colour_canny(self, low: float, high: float) -> np.ndarray:
        """Canny on the strongest channel's gradient at each pixel (a colour edge map)."""
        mag = self.gx * self.gx + self.gy * self.gy
        pick = np.argmax(mag, axis=2)[..., None]
        dx = np.take_along_axis(self.gx, pick, axis=2)[..., 0] * 16
        dy = np.take_along_axis(self.gy, pick, axis=2)[..., 0] * 16
        return cv2.Canny(dx.astype(np.int16), dy.astype(np.int16), low * 16, high * 16,
                         L2gradient=True)


def _sides(quad: np.ndarray, samples: int, lo: float = 0.1, hi: float = 0.9):
    """For each side: sample points along its middle, its unit outward normal, its length."""
    centre = quad.mean(axis=0)
    t = np.linspace(lo, hi, samples)[:, None]
    for i in range(4):
        p0, p1 = quad[i], quad[(i + 1) % 4]
        d = p1 - p0
        length = float(np.linalg.norm(d)) + 1e-9
        normal = np.array([-d[1], d[0]]) / length
        if np.dot(normal, (p0 + p1) / 2 - centre) < 0:
            normal = -normal
        yield p0 + t * d, normal, length


def side_support(field: EdgeField, quad: np.ndarray, reach: int = 2) -> np.ndarray:
    """For each side, the share of its points with an edge across it within `reach` pixels."""
    offsets = np.arange(-reach, reach + 1, dtype=np.float64)
    shares = []
    for pts, normal, _ in _sides(quad, 40):
        probe = pts[:, None, :] + offsets[None, :, None] * normal
        shares.append(float(np.mean(field.across(probe, normal).max(axis=1) >= EDGE_MIN)))
    return np.array(shares)


def side_contrasts(field: EdgeField, quad: np.ndarray) -> np.ndarray:
    """For each side, ΔE between the median colours of the bands 3–7 px inside and outside it:
    a card's edge separates two colours, a line of text inside the card does not."""
    inner_off, outer_off = -np.arange(3.0, 8.0), np.arange(3.0, 8.0)
    deltas = []
    for pts, normal, _ in _sides(quad, 24, 0.15, 0.85):
        inner = field.colours(pts[:, None, :] + inner_off[None, :, None] * normal)
        outer = field.colours(pts[:, None, :] + outer_off[None, :, None] * normal)
        diff = np.median(inner.reshape(-1, 3), axis=0) - np.median(outer.reshape(-1, 3), axis=0)
        deltas.append(float(np.linalg.norm(diff)))
    return np.array(deltas)


def _fit_side(field: EdgeField, pts: np.ndarray, normal: np.ndarray, reach: int):
    offsets = np.arange(-reach, reach + 1, dtype=np.float64)
    probe = pts[:, None, :] + offsets[None, :, None] * normal
    vals = field.across(probe, normal)
    best = np.argmax(vals, axis=1)
    peak = vals[np.arange(len(pts)), best]
    keep = (peak >= EDGE_MIN) & (best > 0) & (best < len(offsets) - 1)
    if keep.sum() < max(6, len(pts) // 4):
        return None
    rows = np.nonzero(keep)[0]
    left, mid, right = vals[rows, best[rows] - 1], peak[rows], vals[rows, best[rows] + 1]
    curve = left - 2 * mid + right  # ≤ 0 at a peak: fit a parabola for the sub-pixel offset
    safe = np.where(curve < -1e-9, curve, -1.0)
    shift = np.where(curve < -1e-9, np.clip(0.5 * (left - right) / safe, -0.5, 0.5), 0.0)
    edge = pts[rows] + (offsets[best[rows]] + shift)[:, None] * normal
    return cv2.fitLine(edge.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()


def refine(field: EdgeField, quad: np.ndarray) -> np.ndarray | None:
    """Snap each side to the strongest edge near it (line fit), corners from the intersections."""
    for reach_share, floor in ((0.03, 4), (0.0, 3)):
        lines = []
        for pts, normal, length in _sides(quad, 48, 0.12, 0.88):
            line = _fit_side(field, pts, normal, max(floor, int(reach_share * length)))
            if line is None:
                return None
            lines.append(line)
        corners = [geo.intersect(lines[i - 1], lines[i]) for i in range(4)]
        if any(c is None for c in corners):
            return None
        new = np.array(corners)
        if not geo.is_convex(new) or abs(geo.signed_area(new)) < 0.5 * abs(geo.signed_area(quad)):
            return None
        quad = new
    return quad


def plausible(quad: np.ndarray, frame_area: float) -> bool:
    if not geo.is_convex(quad):
        return False
    area = abs(geo.signed_area(quad)) / frame_area
    angles = geo.corner_angles(quad)
    return (MIN_AREA_FRACTION <= area <= 0.985
            and ASPECT_RANGE[0] <= geo.aspect(quad) <= ASPECT_RANGE[1]
            and bool(np.all((angles >= ANGLE_RANGE[0]) & (angles <= ANGLE_RANGE[1]))))


def score(field: EdgeField, quad: np.ndarray, reach: int = 2) -> float:
    """How card-like an outline is: each side must run along an edge that separates two
    colours; the weakest side counts extra; the card's proportion is preferred. A larger
    `reach` forgives a rough first guess that refining will snap onto the edge."""
    sides = side_support(field, quad, reach) * np.clip(
        side_contrasts(field, quad) / SIDE_CONTRAST, 0.2, 1)
    shape = np.exp(-((np.log(geo.aspect(quad) / geo.CARD_ASPECT) / 0.15) ** 2))
    return float(sides.mean() * np.sqrt(sides.min()) * (0.6 + 0.4 * shape))


def _quad_from_points(points: np.ndarray) -> np.ndarray | None:
    hull = cv2.convexHull(points)
    perimeter = cv2.arcLength(hull, True)
    for eps in (0.015, 0.025, 0.04, 0.06, 0.09):
        approx = cv2.approxPolyDP(hull, eps * perimeter, True)
        if len(approx) == 4:
            return geo.clockwise(approx.reshape(4, 2).astype(np.float64))
        if len(approx) < 4:
            break
    return geo.clockwise(cv2.boxPoints(cv2.minAreaRect(hull)).astype(np.float64))


def _contour_quads(mask: np.ndarray, min_area: float, mode: int, limit: int = 4):
    contours, _ = cv2.findContours(mask, mode, cv2.CHAIN_APPROX_SIMPLE)
    big = [c for c in contours if cv2.contourArea(c) >= min_area]
    big.sort(key=cv2.contourArea, reverse=True)
    return [q for q in (_quad_from_points(c) for c in big[:limit]) if q is not None]


def _masks(field: EdgeField) -> list[np.ndarray]:
    """Region masks by brightness, by distance from the frame's border colour, by chroma."""
    lab = cv2.GaussianBlur(field.lab, (0, 0), 2.0)
    h, w = lab.shape[:2]
    band = max(2, int(0.02 * min(h, w)))
    border = np.concatenate([lab[:band].reshape(-1, 3), lab[-band:].reshape(-1, 3),
                             lab[:, :band].reshape(-1, 3), lab[:, -band:].reshape(-1, 3)])
    distance = np.linalg.norm(lab - np.median(border, axis=0), axis=2)
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    planes = [lab[..., 0] * 2.55, np.clip(distance * 3, 0, 255), np.clip(chroma * 4, 0, 255)]
    kernel = np.ones((5, 5), np.uint8)
    masks = []
    for plane, invert in ((planes[0], False), (planes[0], True), (planes[1], False),
                          (planes[2], True)):
        _, mask = cv2.threshold(plane.astype(np.uint8), 0, 255,
                                cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        if invert:
            mask = 255 - mask
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
        masks.append(cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel))
    return masks


def _cross(u: np.ndarray, v: np.ndarray) -> float:
    return float(u[0] * v[1] - u[1] * v[0])


def _long_lines(field: EdgeField, limit: int = 14) -> list[np.ndarray]:
    """Straight edges (as cv2.fitLine-style (vx, vy, x0, y0)), longest first: Hough segments on a
    low-threshold edge map, merged when they lie on the same line."""
    edges = field.colour_canny(0.6, 1.4)
    min_len = int(0.12 * min(field.width, field.height))
    segs = cv2.HoughLinesP(edges, 1, np.pi / 360, threshold=min_len // 2, minLineLength=min_len,
                           maxLineGap=max(4, min_len // 8))
    if segs is None:
        return []
    segs = segs.reshape(-1, 4).astype(np.float64)
    lengths = np.hypot(segs[:, 2] - segs[:, 0], segs[:, 3] - segs[:, 1])
    merged: list[list] = []  # [direction, point, weight]
    for k in np.argsort(-lengths)[:120]:
        p, q = segs[k, :2], segs[k, 2:]
        d = (q - p) / lengths[k]
        mid = (p + q) / 2
        for line in merged:
            normal = np.array([-line[0][1], line[0][0]])
            if abs(_cross(line[0], d)) < 0.05 and abs(np.dot(mid - line[1], normal)) < 4:
                line[2] += lengths[k]
                break
        else:
            merged.append([d, mid, lengths[k]])
    merged.sort(key=lambda line: -line[2])
    return [np.r_[d, p] for d, p, _ in merged[:limit]]


def _line_quads(field: EdgeField) -> list[np.ndarray]:
    """Quads bounded by two roughly parallel pairs of long lines, the pairs roughly crossing."""
    lines = _long_lines(field)
    gap = 0.12 * min(field.width, field.height)
    pairs = []
    for i in range(len(lines)):
        for j in range(i + 1, len(lines)):
            a, b = lines[i], lines[j]
            normal = np.array([-a[1], a[0]])
            if abs(_cross(a[:2], b[:2])) < 0.35 and abs(np.dot(b[2:] - a[2:], normal)) > gap:
                pairs.append((a, b))
    quads = []
    for m in range(len(pairs)):
        for n in range(m + 1, len(pairs)):
            (a1, a2), (b1, b2) = pairs[m], pairs[n]
            if abs(_cross(a1[:2], b1[:2])) < 0.6:  # not crossing at a card-like angle
                continue
            corners = [geo.intersect(x, y) for x, y in ((a1, b1), (b1, a2), (a2, b2), (b2, a1))]
            if all(c is not None for c in corners):
                quads.append(geo.clockwise(np.array(corners)))
    return quads


def proposals(field: EdgeField) -> list[np.ndarray]:
    frame = field.width * field.height
    min_area = MIN_AREA_FRACTION * frame
    quads = _line_quads(field)
    edges = field.colour_canny(1.0, 2.6)
    for size in (3, 7):
        closed = cv2.dilate(edges, np.ones((size, size), np.uint8))
        quads += _contour_quads(255 - closed, min_area, cv2.RETR_LIST, limit=6)
    for mask in _masks(field):
        quads += _contour_quads(mask, min_area, cv2.RETR_EXTERNAL)
    return [q for q in quads if plausible(q, frame)]


def find_card(rgb: np.ndarray) -> tuple[Detection | None, EdgeField]:
    """The card's outline in `rgb` (a working-size image), or None when no outline holds up."""
    field = EdgeField(rgb)
    frame = field.width * field.height
    ranked = sorted(((score(field, q, reach=6), i, q) for i, q in enumerate(proposals(field))),
                    key=lambda item: -item[0])
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    for _, _, quad in ranked[:REFINE_TOP]:
        refined = refine(field, quad)
        candidates = [(score(field, quad), quad)]
        if refined is not None and plausible(refined, frame):
            candidates.append((score(field, refined), refined))
        for value, q in candidates:
            if best is None or value > best[0] + 1e-6:
                best = (value, q, side_support(field, q))
    if best is None:
        return None, field
    value, quad, support = best
    return Detection(quad=quad, support=float(support.mean()), weakest_side=float(support.min()),
                     contrast=float(np.median(side_contrasts(field, quad)))), field
