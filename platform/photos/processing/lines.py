"""Card outlines proposed from long straight edges.

Hough segments on a low-threshold colour edge map are merged into lines. Quads are then formed
from two roughly parallel pairs that cross at a card-like angle; from one pair and one crossing
line, the fourth side placed at the card's proportion; and from one pair alone, ending where its
edges stop. Every combination is ranked at once (running edge counts along each line), so only
the few best reach the full scoring.
"""

from __future__ import annotations

import cv2
import numpy as np

from . import geometry as geo
from .edges import EDGE_MIN, EdgeField, colour_distance

SPAN_GAP = 20  # pixels of gap bridged when following an edge to its end


def _cross(u: np.ndarray, v: np.ndarray) -> float:
    return float(u[0] * v[1] - u[1] * v[0])


def _long_lines(field: EdgeField, limit: int = 24, unbroken: int = 16) -> list[np.ndarray]:
    """Straight edges (as cv2.fitLine-style (vx, vy, x0, y0)): Hough segments on a
    low-threshold edge map, merged when they lie on the same line; the `limit` longest, then the
    `unbroken` ones with the longest stretch of one edge (lines of printed text, a keyboard's
    rows, wood grain line up into long lines too, but broken ones: a card's edge is whole)."""
    edges = field.colour_canny(0.6, 1.4)
    min_len = int(0.12 * min(field.width, field.height))
    segs = cv2.HoughLinesP(
        edges,
        1,
        np.pi / 360,
        threshold=min_len // 2,
        minLineLength=min_len,
        maxLineGap=max(4, min_len // 8),
    )
    if segs is None:
        return []
    segs = segs.reshape(-1, 4).astype(np.float64)
    lengths = np.hypot(segs[:, 2] - segs[:, 0], segs[:, 3] - segs[:, 1])
    order = np.argsort(-lengths)[:200]
    dirs = (segs[order, 2:] - segs[order, :2]) / lengths[order, None]
    mids = (segs[order, 2:] + segs[order, :2]) / 2
    line_dir, line_pt = np.zeros((len(order), 2)), np.zeros((len(order), 2))
    weight = np.zeros(len(order))
    count = 0
    for d, mid, length in zip(dirs, mids, lengths[order], strict=True):
        if count:
            known_dir, known_pt = line_dir[:count], line_pt[:count]
            cross = np.abs(known_dir[:, 0] * d[1] - known_dir[:, 1] * d[0])
            offset = np.abs(
                (mid[0] - known_pt[:, 0]) * -known_dir[:, 1]
                + (mid[1] - known_pt[:, 1]) * known_dir[:, 0]
            )
            same = np.flatnonzero((cross < 0.05) & (offset < 4))
            if len(same):
                weight[same[0]] += length
                continue
        line_dir[count], line_pt[count], weight[count] = d, mid, length
        count += 1
    line_dir, line_pt, weight = line_dir[:count], line_pt[:count], weight[:count]
    order = np.argsort(-weight, kind="stable")
    lines = np.c_[line_dir, line_pt][order]
    if len(lines) <= limit + unbroken:
        return list(lines)
    runs = _unbroken_runs(field, _centred(field, lines[limit:]))
    rest = lines[limit:][np.argsort(-runs)[:unbroken]]
    return list(lines[:limit]) + list(rest)


def _unbroken_runs(field: EdgeField, lines: np.ndarray, max_gap: int = 3) -> np.ndarray:
    """For each line, the longest stretch (in pixels) along which the lightness steps the same
    way across it, bridging gaps shorter than `max_gap`: one edge, not a row of glyphs or
    grain. The lines are anchored in the middle of their stretch across the frame."""
    reach = int(np.hypot(field.width, field.height)) // 2 + 2
    s = np.arange(-reach, reach + 1, dtype=np.float64)
    normal = np.c_[-lines[:, 1], lines[:, 0]]
    pts = lines[:, None, 2:] + s[None, :, None] * lines[:, None, :2]
    y, x = field._index(pts)
    g = field.gx[y, x, 0] * normal[:, None, 0] + field.gy[y, x, 0] * normal[:, None, 1]
    inside = (
        (pts[..., 0] >= 1)
        & (pts[..., 0] <= field.width - 2)
        & (pts[..., 1] >= 1)
        & (pts[..., 1] <= field.height - 2)
    )
    best = np.zeros(len(lines))
    steps = np.arange(g.shape[1])
    kernel = np.ones((1, max_gap), np.uint8)
    for sign in (1.0, -1.0):
        on = ((sign * g >= EDGE_MIN) & inside).astype(np.uint8)
        on = cv2.morphologyEx(on, cv2.MORPH_CLOSE, kernel).astype(bool)  # bridge short gaps
        last_off = np.maximum.accumulate(np.where(on, -1, steps[None, :]), axis=1)
        best = np.maximum(best, (steps[None, :] - last_off).max(axis=1) - 1)
    return best


def _centred(field: EdgeField, lines: np.ndarray) -> np.ndarray:
    """The same lines, each anchored at the middle of its stretch across the frame, so that a
    profile of half the frame's diagonal each way covers all of it."""
    w, h = field.width - 1, field.height - 1
    d, p = lines[:, :2], lines[:, 2:]
    with np.errstate(divide="ignore", invalid="ignore"):
        tx = np.sort(np.stack([(0 - p[:, 0]) / d[:, 0], (w - p[:, 0]) / d[:, 0]], axis=1), axis=1)
        ty = np.sort(np.stack([(0 - p[:, 1]) / d[:, 1], (h - p[:, 1]) / d[:, 1]], axis=1), axis=1)
    tx = np.where(np.isfinite(tx), tx, np.array([-np.inf, np.inf]))
    ty = np.where(np.isfinite(ty), ty, np.array([-np.inf, np.inf]))
    lo, hi = np.maximum(tx[:, 0], ty[:, 0]), np.minimum(tx[:, 1], ty[:, 1])
    middle = np.where(hi >= lo, (lo + hi) / 2, 0.0)
    return np.c_[d, p + middle[:, None] * d]


def _line_profiles(field: EdgeField, lines: np.ndarray) -> tuple[np.ndarray, int]:
    """For each line, the running count of edge pixels along it (1-px steps from -reach to
    +reach around its anchor point, the middle of its stretch across the frame), so any
    stretch's support is one subtraction."""
    reach = int(np.hypot(field.width, field.height)) // 2 + 2
    s = np.arange(-reach, reach + 1, dtype=np.float64)
    direction, anchor = lines[:, None, :2], lines[:, None, 2:]
    normal = np.c_[-lines[:, 1], lines[:, 0]]
    pts = anchor + s[None, :, None] * direction  # lines × steps × 2
    probe = (
        pts[:, :, None, :]
        + np.array([-1.0, 0.0, 1.0])[None, None, :, None] * normal[:, None, None, :]
    )
    gx, gy = field.gradients(probe)
    g = gx * normal[:, None, None, None, 0] + gy * normal[:, None, None, None, 1]
    inside = (
        (probe[..., 0] >= 1)
        & (probe[..., 0] <= field.width - 2)
        & (probe[..., 1] >= 1)
        & (probe[..., 1] <= field.height - 2)
    )
    strength = colour_distance(g) * inside
    on_edge = strength.max(axis=2) >= EDGE_MIN
    zeros = np.zeros((len(lines), 1), np.int64)
    return np.concatenate([zeros, np.cumsum(on_edge, axis=1)], axis=1), reach


def _meet(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Intersections of line arrays a and b (N × 4 each, as (vx, vy, x0, y0))."""
    den = a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]
    diff = b[:, 2:] - a[:, 2:]
    t = (diff[:, 0] * b[:, 1] - diff[:, 1] * b[:, 0]) / np.where(np.abs(den) < 1e-9, 1e-9, den)
    return a[:, 2:] + t[:, None] * a[:, :2]


def _stretch_support(
    cums: np.ndarray,
    reach: int,
    lines: np.ndarray,
    line: np.ndarray,
    c_from: np.ndarray,
    c_to: np.ndarray,
) -> np.ndarray:
    """The share of edge pixels along each line between two corners (their middle 80%)."""
    # (the sums of two products written out, the profiles gathered by flat index, clipping
    # with ufuncs: the same numbers, this runs on every combination of lines)
    chosen = lines[line]
    dx, dy, ax, ay = chosen[:, 0], chosen[:, 1], chosen[:, 2], chosen[:, 3]
    s0 = (c_from[:, 0] - ax) * dx + (c_from[:, 1] - ay) * dy
    s1 = (c_to[:, 0] - ax) * dx + (c_to[:, 1] - ay) * dy
    lo, hi = np.minimum(s0, s1), np.maximum(s0, s1)
    lo, hi = lo + 0.1 * (hi - lo), hi - 0.1 * (hi - lo)
    ends = []
    for end in (lo, hi):
        index = np.rint(end).astype(np.intp)
        index += reach
        ends.append(np.minimum(np.maximum(index, 0, out=index), 2 * reach + 1, out=index))
    lo_i, hi_i = ends
    row = line * cums.shape[1]
    return (np.take(cums, row + hi_i) - np.take(cums, row + lo_i)) / np.maximum(hi_i - lo_i, 1)


def _best_quads(
    corners: list[np.ndarray], supports: list[np.ndarray], frame: float, keep: int
) -> list[np.ndarray]:
    table = np.array(supports)
    rank = table.mean(axis=0) * np.sqrt(table.min(axis=0))
    quads = []
    for k in np.argsort(-rank)[: keep * 4]:
        quad = geo.clockwise(np.array([c[k] for c in corners]))
        if geo.plausible(quad, frame):
            quads.append(quad)
            if len(quads) == keep:
                break
    return quads


def _completed_quads(lines, cums, reach, pi, pj, frame, keep: int = 8) -> list[np.ndarray]:
    """Quads from a parallel pair and one crossing line, the fourth side placed at the card's
    proportion: for a card whose fourth edge is too faint (or too near the frame) to see."""
    p, b = np.meshgrid(np.arange(len(pi)), np.arange(len(lines)), indexing="ij")
    p, b = p.ravel(), b.ravel()
    a1, a2 = pi[p], pj[p]
    angle = np.abs(lines[a1, 0] * lines[b, 1] - lines[a1, 1] * lines[b, 0])
    ok = (angle >= 0.6) & (b != a1) & (b != a2)
    a1, a2, b = a1[ok], a2[ok], b[ok]
    c0, c1 = _meet(lines[a1], lines[b]), _meet(lines[a2], lines[b])
    width = np.linalg.norm(c1 - c0, axis=1)
    corners: list[list[np.ndarray]] = [[], [], [], []]
    supports: list[list[np.ndarray]] = [[], [], []]
    for factor in (geo.CARD_ASPECT, 1 / geo.CARD_ASPECT):
        for sign in (1.0, -1.0):
            moved = lines[b].copy()
            moved[:, 2:] += (sign * factor * width)[:, None] * np.c_[-moved[:, 1], moved[:, 0]]
            c2, c3 = _meet(lines[a2], moved), _meet(lines[a1], moved)
            for store, value in zip(corners, (c0, c1, c2, c3), strict=True):
                store.append(value)
            supports[0].append(_stretch_support(cums, reach, lines, b, c0, c1))
            supports[1].append(_stretch_support(cums, reach, lines, a2, c1, c2))
            supports[2].append(_stretch_support(cums, reach, lines, a1, c0, c3))
    return _best_quads(
        [np.concatenate(c) for c in corners], [np.concatenate(s) for s in supports], frame, keep
    )


def _longest_run(on_edge: np.ndarray, max_gap: int = 6) -> tuple[int, int]:
    """Start and end index of the longest stretch of edge pixels, bridging short gaps."""
    idx = np.nonzero(on_edge)[0]
    if len(idx) == 0:
        return 0, 0
    breaks = np.nonzero(np.diff(idx) > max_gap)[0]
    starts = np.r_[idx[0], idx[breaks + 1]]
    ends = np.r_[idx[breaks], idx[-1]]
    k = int(np.argmax(ends - starts))
    return int(starts[k]), int(ends[k])


def _span_quads(lines, cums, reach, pi, pj, frame, keep: int = 6) -> list[np.ndarray]:
    """Quads from a parallel pair alone, ending where the longer of the two edges stops (the
    other must run along at least half of it): for a card whose two other edges are too faint
    for the line finder. All pairs at once."""
    if len(pi) == 0:
        return []
    runs = np.array([_longest_run(np.diff(c) > 0, SPAN_GAP) for c in cums], float) - reach
    da, pa, db, pb = lines[pi, :2], lines[pi, 2:], lines[pj, :2], lines[pj, 2:]
    run_a, run_b = runs[pi], runs[pj]
    ends_b = pb[:, None, :] + run_b[:, :, None] * db[:, None, :]  # pairs × 2 × 2
    seen_on_a = np.sum((ends_b - pa[:, None, :]) * da[:, None, :], axis=2)
    longer_b = np.abs(run_b[:, 1] - run_b[:, 0]) > np.abs(run_a[:, 1] - run_a[:, 0])
    run_a = np.where(longer_b[:, None], seen_on_a, run_a)
    lo, hi = run_a.min(axis=1), run_a.max(axis=1)
    ends_a = pa[:, None, :] + np.stack([lo, hi], axis=1)[:, :, None] * da[:, None, :]
    ts = np.sum((ends_a - pb[:, None, :]) * db[:, None, :], axis=2)
    ends_b = pb[:, None, :] + ts[:, :, None] * db[:, None, :]
    lo_b = np.clip(np.rint(ts.min(axis=1)).astype(np.intp) + reach, 0, cums.shape[1] - 1)
    hi_b = np.clip(np.rint(ts.max(axis=1)).astype(np.intp) + reach, 0, cums.shape[1] - 1)
    other = (cums[pj, hi_b] - cums[pj, lo_b]) / np.maximum(hi_b - lo_b, 1)
    found = []
    for k in np.argsort(-(hi - lo)):
        if hi[k] - lo[k] < 20 or other[k] < 0.5:
            continue
        quad = geo.clockwise(np.array([ends_a[k, 0], ends_a[k, 1], ends_b[k, 1], ends_b[k, 0]]))
        if geo.plausible(quad, frame):
            found.append(quad)
            if len(found) == keep:
                break
    return found


def line_quads(field: EdgeField, keep: int = 16) -> list[np.ndarray]:
    """Quads bounded by two roughly parallel pairs of long lines that cross at a card-like
    angle; all combinations are ranked at once by how much of each side lies on an edge."""
    lines = np.array(_long_lines(field))
    if len(lines) < 3:
        return []
    lines = _centred(field, lines)
    frame = field.width * field.height
    i, j = np.triu_indices(len(lines), 1)
    cross = lines[i, 0] * lines[j, 1] - lines[i, 1] * lines[j, 0]
    gap = np.abs(np.sum((lines[j, 2:] - lines[i, 2:]) * np.c_[-lines[i, 1], lines[i, 0]], axis=1))
    parallel = (np.abs(cross) < 0.35) & (gap > 0.12 * min(field.width, field.height))
    pi, pj = i[parallel], j[parallel]
    cums, reach = _line_profiles(field, lines)
    quads = _completed_quads(lines, cums, reach, pi, pj, frame) if len(pi) else []
    quads += _span_quads(lines, cums, reach, pi, pj, frame)
    m, n = np.triu_indices(len(pi), 1)
    a1, a2, b1, b2 = pi[m], pj[m], pi[n], pj[n]
    angle = np.abs(lines[a1, 0] * lines[b1, 1] - lines[a1, 1] * lines[b1, 0])
    a1, a2, b1, b2 = (x[angle >= 0.6] for x in (a1, a2, b1, b2))
    if len(a1) == 0:
        return quads
    corners = [_meet(lines[x], lines[y]) for x, y in ((a1, b1), (b1, a2), (a2, b2), (b2, a1))]
    supports = [
        _stretch_support(cums, reach, lines, line, corners[c_from], corners[c_to])
        for line, c_from, c_to in ((b1, 0, 1), (a2, 1, 2), (b2, 2, 3), (a1, 3, 0))
    ]
    return quads + _best_quads(corners, supports, frame, keep)
