"""Finding the card's four corners in a photo.

The card is found on a small working copy (``WORK_LONG_SIDE``) through the Lab gradient field of
`edges`. Proposals come from long straight edges (`lines`), from regions closed by colour edges,
and from regions that differ from the frame's border colour, are bright, or are low in chroma.
Each is scored by how much of every side runs along an edge that separates two colours, by how
plain the card's margin is all round, and by its proportion; and by how much its inside looks
like an ID card rather than the surface it lies on (`plain_likeness`, `layout_likeness`): its
sides stop at its corners where a pattern's lines run on, its margin is plain where cloth, print
or keys are busy, its face is pale, and it holds the card's layout (portrait, emblem). The best
few are refined — each side moved onto the best straight edge near it, polished by a line fit
away from the rounded corners, the corners taken from the intersections — and the best outline
wins, or the whole card around it when the best is its portrait or a text block; a winner whose
sides lie inside a pale card's faint edge (on its portrait's frame, a row of its text) is widened
onto it when that scores better; one whose sides lie outside it, on the print or the rules of the
paper around it, is pulled in onto it, or flagged (`Detection.overshoots`) to be refused.
"""

from __future__ import annotations

import copy
import functools
import heapq
import math
from dataclasses import dataclass

import cv2
import numpy as np

from . import geometry as geo
from .edges import EDGE_MIN, EdgeField, colour_distance, median
from .lines import line_quads
from .orient import upright_score
from .paperwork import lifted_quads

WORK_LONG_SIDE = 720
REFINE_TOP = 10  # proposals refined (a forgiving score times their likeness)
ROUGH_REACH = 6  # px: how far off the edges the forgiving score lets a proposal's sides be
NEAR_BEST = 0.5  # outlines scoring this share of the best may be the whole card around it
WHOLE_CARD_AREA = 1.6  # ... when they are this many times its area (a portrait, a text block)
SAME_CARD_AREA = 1.12  # ... or the same card, a little larger, when they are as card-like
SAME_CARD_NEAR = 0.8  # ... scoring this share of the best at least
SAME_CARD_PROPORTION = 0.05  # ... and no further (|log| of the aspect) from the card's proportion
DUPLICATE_PX = 3.0  # proposals whose corners all lie this close are the same outline
RIM_LIGHTNESS_WEIGHT = 0.3
SIDE_CONTRAST = 4.0  # ΔE across a side at which it counts fully as the card's edge
EXTENSION_STEPS = np.concatenate([np.linspace(-0.3, -0.08, 10), np.linspace(1.08, 1.3, 10)])
RIM_JUMP = 6.0  # ΔE from the neighbours' median at which a point of the margin is busy
RIM_DEPTH = (3.0, 5.0)  # px inside the sides at which the margin is read first ...
RIM_DEEP = 0.05  # ... and again this share of the short side in (at least as deep)
RIM_BUSY_FREE = 0.15  # the share of busy margin points a card may show (its print, noise)
LAYOUT_SIZE = (96, 61)  # an outline's inside, flattened to look for the card's layout
LAYOUT_FULL = 0.3  # |upright score| at which the layout counts fully (cards: 0.37–1.4)
LAYOUT_FULL_BACK = 0.8  # ... on the back, whose red emblem reads far more clearly (1.1–1.4)
WHOLE_PROPORTION = 0.1  # |log| of the aspect over the card's: an outline of the card's proportion
LAYOUT_CLEAR = 1.3  # |upright score| of the clearest layouts (a tie-break only)
# An ID card's face holds no strongly blue or green area (its print is black, pale blue, red
# and gold); a bank card's logo or face does: a share of the inside (its margin left out) this
# large, this saturated, multiplies the layout's factor by FOREIGN_FACTOR.
FOREIGN_CHROMA, FOREIGN_SHARE, FOREIGN_FACTOR = 30.0, 0.01, 0.2
FOREIGN_MARGIN = 4  # px of the flattened inside (LAYOUT_SIZE) left out all round
CLUSTERS = 6  # colour clusters the photo is split into to find the card's face
FACE_SCALE = 4  # faces are looked for at this fraction of the working size
FACE_OPENINGS = (0.03, 0.08)  # widths (share of the short side) of bridges opened away
FACE_FILL = 0.85  # a blob must fill this much of its outline to be a face
FACE_NEAR_COLOURS = 15.0  # ΔE between two clusters' colours that may both be the card's face
FACE_PLAIN = 1.5  # Lab units per pixel: a card's face is plainer than print or a weave
FACE_TOP = 2  # faces refined besides the best proposals
LIFTED_TOP = 2  # ... and outlines found with the print lifted (`paperwork`)
FACE_SAME_PX = 8.0  # ... unless a proposal refined anyway has all its corners this close
# An outline whose inside matches its surroundings this closely (mean colour ΔE, share of
# detailed points) is a stretch of the surface: its likeness is multiplied by ALIKE_FACTOR.
ALIKE_COLOUR, ALIKE_DETAIL, ALIKE_FACTOR = 2.5, 0.15, 0.3
# ... unless its inside is mostly plain (this share of its points at least: a card's face) and
# that plain part's median colour is this far (ΔE) from the plain part of the surroundings: a
# card's face differs from the paper even when its print and portrait bring its mean colour to
# the surface's (pale cards on a form or a keyboard: 4.6–6.7; a pattern's plain parts inside
# and outside an outline of it: up to 3.1)
ALIKE_FACE_PLAIN, ALIKE_FACE = 0.65, 4.0
# An outline with this many others among those refined around it, apart from it (overlapping
# it by at most PIECE_OVERLAP of the smaller) and from each other, of its size and proportion
# (PIECE_AREA, PIECE_PROPORTION) and of its inside's mean colour and detail (ALIKE_COLOUR,
# ALIKE_DETAIL), is a piece of a pattern that repeats — a tile, a key, a cell of a cloth — not
# the one card: its likeness is multiplied by ALIKE_FACTOR (a bank card beside is one other)
PIECE_TWINS, PIECE_AREA, PIECE_PROPORTION, PIECE_OVERLAP = 2, 1.33, 0.15, 0.1
CARD_LIKE = 0.9  # likeness (without the layout) of an inside that is clearly a card's
FORGIVE_BELOW = 0.72  # the likeness a card needs (pipeline.MIN_LIKENESS): below, a second look
RUNS_ON = 0.5  # `one_side_runs_on`: a side's run-on as a line's (the others' each below it)
# `corner_run_on`: the run-on at or below which a side stops at a corner, and the corners that
# must be known (both sides' continuations in the frame, or one that stops) to read them
CORNER_STOPS, CORNERS_SEEN = 0.1, 2
# ... and the most it may read for the second look to forgive the sides' run-on there (cards laid
# along a cloth's lines: 0–0.12; crossing lines at one corner of four read 0.2 and more)
CORNERS_FORGIVEN = 0.15
# The winner's sides may lie inside the card (on its portrait's frame, a row of its text): each
# is tried further out, on the strongest straight edge (WIDEN_SUPPORT of its points at least)
# between these shares of the card's extent across it (nearer is the same edge's rim or shadow)
WIDEN_FROM, WIDEN_TO, WIDEN_SUPPORT = 0.03, 0.25, 0.5
# ... when the strip it moves over (sampled at these shares of the way) is the card's: this
# share of it plain (`FACE_PLAIN`: a margin, not print or a pattern), or of the colour of the
# card's face to within this ΔE
WIDEN_STRIP, WIDEN_PLAIN, WIDEN_COLOUR = np.array([0.3, 0.5, 0.7]), 0.9, 2.5
# ... and not of the very colour (ΔE, as `PULL_SAME` reads the surface) of the surface just
# outside a side that stays (a pale card's face on a form: 2.2 and more from the paper)
WIDEN_SURFACE = 1.5
# A card's side never runs through its print: the card has a plain margin outside its outermost
# print. A side with print just outside it (PULL_BUSY of the band at RIM_DEPTH px out) lies on
# the card's print (a pale card on a white desk: its faint edge scores below the print's crisp
# one) when further out, on a parallel edge held by PRINT_EDGE_SUPPORT of its points (the faint
# edge: 0.38–0.54), the band just inside that edge (PRINT_MARGIN px) is plain and of the card's
# colour (`WIDEN_COLOUR`) and the band just past it plain too (a plain desk, not a page's print):
# the side is moved there, kept at PULL_NEAR of the winner's product or more
PRINT_EDGE_SUPPORT, PRINT_MARGIN = 0.3, np.array([3.0, 5.0, 7.0])
# The winner's sides may lie outside the card, on the print or rules of the page or form it
# lies on: each is tried further in, on the straight edges as above, when the strip it moves
# over (sampled likewise, and at RIM_DEPTH px in) is the surface's: of the colour just outside
# the side (ΔE PULL_SAME) and apart from the card's face and from the colour just past the edge
# (PULL_INSIDE px in) by PULL_APART, nearly as detailed as outside; or detailed (PULL_BUSY of
# its points over FACE_PLAIN, up to the side), about as much as outside (PULL_BUSY_SLACK), of
# nearly its colour (PULL_SAME_DETAILED: print on the same paper) and by PULL_BUSY_GAP more
# than just past the edge (a card's plain margin)
PULL_SAME, PULL_APART, PULL_INSIDE = 1.5, 3.0, np.array([3.0, 5.0, 7.0])
PULL_DETAIL_SLACK = 0.25  # ... and, strip or rim, nearly as detailed as outside (not a margin)
PULL_BUSY, PULL_BUSY_SLACK, PULL_BUSY_GAP = 0.35, 0.1, 0.25
PULL_SAME_DETAILED = 6.0  # ΔE: a detailed strip's colour and the outside's (print on one paper)
PULL_NEAR = 0.5  # a narrower outline is kept at this share of the winner's product or more
# ... and, when no parallel edge's strip is the surface's, the edges aslant to the side (one end
# more than ASLANT_MIN_PX further in than the other) are tried (`_pulled_in_aslant`): the
# ASLANT_TRIES best held, one of each bundle within ASLANT_SAME offsets of another at both ends
ASLANT_MIN_PX, ASLANT_TRIES, ASLANT_SAME = 2.0, 3, 2
# ... their strips compared with the surface all round the outline, read in bands this far out
# (shares of the card's extent across each side), not just outside the side
SURROUNDINGS = np.array([0.05, 0.1, 0.15])
# An outline this far (|log| of the aspect) from the card's proportion has a side off the card
# (on a line of its print, or of the surface running on into it): each side is tried further out
# on the parallel edges (`WIDEN_SUPPORT`), and an outline of the card's proportion
# (`SAME_CARD_PROPORTION`) kept when its score times its likeness beats the winner's by
# RESTORE_GAIN (the card's outline given back: 1.5–1.7 times; a side moved out onto a page's print
# to make up the proportion of an outline off the card elsewhere: 1.04)
RESTORE_OFF, RESTORE_GAIN = 0.1, 1.25
# A refined outline traced over three sides (REFIT_TRACED of each at least) whose fourth runs
# along an edge over less than REFIT_WEAK of its length has that side misplaced (refining
# followed the colour past a faint edge onto the surface): it is tried again on the straight
# line within REFIT_REACH of the neighbouring sides' length that runs along an edge the most
REFIT_WEAK, REFIT_TRACED, REFIT_REACH = 0.5, 0.8, 0.1


@dataclass(frozen=True)
class Detection:
    quad: np.ndarray  # clockwise, in working-image pixels
    support: float  # share of the outline running along an edge (mean over the sides)
    weakest_side: float
    contrast: float  # ΔE between the bands just inside and just outside the outline
    likeness: float = 1.0  # how much its inside looks like an ID card, not the surface (0–1)
    strongest: float = 0.0  # the best edge score of any outline refined, card-like or not
    overshoots: bool = False  # a side lies out on the surface and no narrower outline held up


def _within(value: float, low: float, high: float) -> float:
    return min(high, max(low, float(value)))


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


@functools.cache
def _steps(lo: float, hi: float, samples: int) -> np.ndarray:
    steps = np.linspace(lo, hi, samples)
    steps.flags.writeable = False
    return steps


def _all_sides(quad: np.ndarray, samples: int, lo: float = 0.1, hi: float = 0.9):
    """`_sides` for all four at once: points (4 × samples × 2) and outward normals (4 × 2)."""
    d = quad[geo.NEXT] - quad
    normal = np.stack([-d[:, 1], d[:, 0]], axis=1)
    normal /= np.sqrt(np.sum(d * d, axis=1, keepdims=True)) + 1e-9
    outward = np.sum(normal * (quad + d / 2 - quad.mean(axis=0)), axis=1) >= 0
    normal = np.where(outward[:, None], normal, -normal)
    return quad[:, None, :] + _steps(lo, hi, samples)[None, :, None] * d[:, None, :], normal


def _across(field: EdgeField, pts: np.ndarray, normal: np.ndarray) -> np.ndarray:
    """`EdgeField.across` with one normal per side: pts is 4 × ..., normal 4 × 2."""
    shape = (4,) + (1,) * (pts.ndim - 2)
    gx, gy = field.gradients(pts)
    nx, ny = normal[:, 0].reshape(shape), normal[:, 1].reshape(shape)
    g = gx * nx[..., None] + gy * ny[..., None]
    inside = (
        (pts[..., 0] >= 1)
        & (pts[..., 0] <= field.width - 2)
        & (pts[..., 1] >= 1)
        & (pts[..., 1] <= field.height - 2)
    )
    return colour_distance(g) * inside


def side_support(field: EdgeField, quad: np.ndarray, reach: int = 2) -> np.ndarray:
    """For each side, the share of its points with an edge across it within `reach` pixels."""
    offsets = np.arange(-reach, reach + 1, dtype=np.float64)
    pts, normal = _all_sides(quad, 40)
    probe = pts[:, :, None, :] + offsets[None, None, :, None] * normal[:, None, None, :]
    return np.mean(_across(field, probe, normal).max(axis=2) >= EDGE_MIN, axis=1)


def _bands(field: EdgeField, quad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each side, the median colours of the bands 3–7 px inside and outside it."""
    offsets = np.arange(3.0, 8.0)
    pts, normal = _all_sides(quad, 24, 0.15, 0.85)
    step = offsets[None, None, :, None] * normal[:, None, None, :]
    inner = field.colours(pts[:, :, None, :] - step).reshape(4, -1, 3)
    outer = field.colours(pts[:, :, None, :] + step).reshape(4, -1, 3)
    return median(inner, 1), median(outer, 1)


def side_contrasts(field: EdgeField, quad: np.ndarray) -> np.ndarray:
    """For each side, ΔE between the colours just inside and just outside it: a card's edge
    separates two colours, a line of text inside the card does not."""
    inner, outer = _bands(field, quad)
    return np.linalg.norm(inner - outer, axis=1)


def _rim_uniformity(inner: np.ndarray) -> float:
    """1 when the colour just inside all four sides is the same (a card's plain margin), down
    to 0.3 when it is not (the frame of the portrait, or an outline that runs over the desk).
    Lightness counts for less than hue: uneven light darkens one end of a card, not its hue."""
    weighted = inner * np.array([RIM_LIGHTNESS_WEIGHT, 1.0, 1.0])
    pairs = weighted[:, None, :] - weighted[None, :, :]
    spread = float(np.sqrt(np.max(np.sum(pairs * pairs, axis=2))))
    return min(1.0, max(0.3, 1.4 - spread / 25.0))


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


def _card_colour(field: EdgeField, quad: np.ndarray) -> np.ndarray:
    """The median colour of the quad's inner part: the card's own background colour."""
    u, v = np.meshgrid(np.linspace(0.15, 0.85, 12), np.linspace(0.15, 0.85, 8))
    u, v = u.ravel()[:, None], v.ravel()[:, None]
    pts = (
        (1 - u) * (1 - v) * quad[0]
        + u * (1 - v) * quad[1]
        + u * v * quad[2]
        + (1 - u) * v * quad[3]
    )
    return median(field.colours(pts), 0)


@functools.cache
def _band_lines(k: int, count: int) -> np.ndarray:
    """The offset index at each of `count` points of every straight line across a band of `k`
    offsets (one row per start and end offset): the same few shapes for every side swept."""
    start, end = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
    t = np.linspace(0, 1, count)
    idx = np.rint(start.reshape(-1, 1) + (end - start).reshape(-1, 1) * t).astype(np.intp)
    idx.flags.writeable = False
    return idx


@functools.cache
def _band_cells(k: int, count: int) -> np.ndarray:
    """`_band_lines` as flat indices into a (count × k) array: one np.take gathers every line."""
    cells = _band_lines(k, count) + np.arange(count) * k
    cells.flags.writeable = False
    return cells


def _sweep_side(
    field: EdgeField, pts: np.ndarray, normal: np.ndarray, reach: int, step: int, card: np.ndarray
) -> np.ndarray:
    """The points of the best straight edge within `reach` of a side.

    Every line through the band (an offset at each end) is scored by how much the colour moves
    away from the card's colour across it, going outwards (capped per point): the card's edge
    runs the whole side with that polarity, while wood grain, a plank seam, a shadow's rim or a
    line of text are scattered, short, or rise and fall back.
    """
    offsets = np.arange(-reach - step, reach + 2 * step, step, dtype=np.float64)
    probe = pts[:, None, :] + offsets[None, :, None] * normal
    away = colour_distance(field.colours(probe) - card)
    rise = np.clip((away[:, 2:] - away[:, :-2]) / (2 * step), 0, 3 * EDGE_MIN)
    offsets = offsets[1:-1]
    cells = _band_cells(len(offsets), len(pts))
    best = int(np.argmax(np.take(rise, cells).mean(axis=1)))
    return pts + (offsets[_band_lines(len(offsets), len(pts))[best]])[:, None] * normal


def refine(field: EdgeField, quad: np.ndarray) -> np.ndarray | None:
    """Move each side onto the best straight edge near it, polish it with a line fit to the
    edge's peaks, and take the corners from the intersections (the rounded corners are
    skipped: only the middle of each side is sampled)."""
    card = _card_colour(field, quad)
    for reach_share, floor in ((0.05, 6), (0.0, 3)):
        lines = []
        for pts, normal, length in _sides(quad, 40, 0.12, 0.88):
            reach = max(floor, int(reach_share * length))
            moved = _sweep_side(field, pts, normal, reach, max(1, reach // 8), card)
            line = _fit_side(field, moved, normal, 2)
            if line is None:
                line = cv2.fitLine(moved.astype(np.float32), cv2.DIST_L2, 0, 0.01, 0.01).ravel()
            lines.append(line)
        new = geo.quad_from_lines(lines)
        if new is None or not geo.is_convex(new):
            return None
        if abs(geo.signed_area(new)) < 0.5 * abs(geo.signed_area(quad)):
            return None
        quad = new
    return quad


def refit_weak_side(
    field: EdgeField, quad: np.ndarray, support: np.ndarray | None = None
) -> np.ndarray | None:
    """The outline with its one untraced side moved onto the straight edge near it, or None.

    A card's four sides are all edges. When three sides of a refined outline run along an edge
    (`REFIT_TRACED`) and the fourth hardly does (`REFIT_WEAK`), refining put that side off the
    card's edge: a faint edge (a pale card on pale paper or on a pale cell of a cloth) loses
    to the colour of the surface beyond it, and the side ends up aslant across the surface.
    Every straight line through a band around that side (`REFIT_REACH` of the neighbouring
    sides' length each way, at either end) is scored by the share of its points with an edge
    across it within a pixel; the best is polished by the line fit. None when no side is so
    weak, or the side so fitted is not traced over `REFIT_TRACED` either. `support`: the
    sides' support (`side_support`), when already measured."""
    if support is None:
        support = side_support(field, quad)
    i = int(np.argmin(support))
    if support[i] >= REFIT_WEAK or np.delete(support, i).min() < REFIT_TRACED:
        return None
    pts, normal = _all_sides(quad, 40, 0.12, 0.88)
    lengths = geo.side_lengths(quad)
    reach = max(6, int(REFIT_REACH * max(lengths[geo.NEXT[i]], lengths[geo.PREV[i]])))
    offsets = np.arange(-reach, reach + 1, dtype=np.float64)
    probe = pts[i][:, None, :] + offsets[None, :, None] * normal[i]
    edge = field.across(probe, normal[i]) >= EDGE_MIN  # points × offsets
    near = edge.copy()  # an edge within a pixel
    near[:, 1:] |= edge[:, :-1]
    near[:, :-1] |= edge[:, 1:]
    # every other point and offset: an eighth of the values to gather (the edge within a pixel
    # covers the offsets between; the line fit below polishes)
    near, coarse = near[::2, ::2], offsets[::2]
    cells = _band_cells(len(coarse), len(near))
    traced = np.take(near.astype(np.float32), cells).mean(axis=1)
    best = int(np.argmax(traced))
    if traced[best] < REFIT_TRACED:
        return None
    line_offsets = np.interp(
        np.linspace(0, 1, len(pts[i])),
        np.linspace(0, 1, len(near)),
        coarse[_band_lines(len(coarse), len(near))[best]],
    )
    moved = pts[i] + line_offsets[:, None] * normal[i]
    line = _fit_side(field, moved, normal[i], 2)
    if line is None:
        return None
    lines = [geo.side_line(quad, k) for k in range(4)]
    lines[i] = line
    new = geo.quad_from_lines(lines)
    if new is None or side_support(field, new)[i] < REFIT_TRACED:
        return None
    return new


def score(
    field: EdgeField, quad: np.ndarray, reach: int = 2, support: np.ndarray | None = None
) -> float:
    """How card-like an outline is: each side must run along an edge that separates two
    colours; the weakest side counts extra; the card's proportion and a plain margin all round
    are preferred. A larger `reach` forgives a rough first guess that refining will snap onto
    the edge. `support`: the sides' support at that reach, when already measured."""
    inner, outer = _bands(field, quad)
    contrast = np.linalg.norm(inner - outer, axis=1)
    if support is None:
        support = side_support(field, quad, reach)
    sides = support * np.clip(contrast / SIDE_CONTRAST, 0.15, 1)
    return float(sides.mean() * np.sqrt(sides.min()) * _shape(quad) * _rim_uniformity(inner))


def _shape(quad: np.ndarray) -> float:
    return 0.6 + 0.4 * float(np.exp(-((np.log(geo.aspect(quad) / geo.CARD_ASPECT) / 0.15) ** 2)))


def _off_proportion(quad: np.ndarray) -> float:
    """How far an outline's proportion is from the card's (|log| of the ratio)."""
    return abs(float(np.log(geo.aspect(quad) / geo.CARD_ASPECT)))


def _contour_quads(mask: np.ndarray, min_area: float, mode: int, limit: int = 4):
    contours, _ = cv2.findContours(mask, mode, cv2.CHAIN_APPROX_SIMPLE)
    big = [c for c in contours if cv2.contourArea(c) >= min_area]
    big.sort(key=cv2.contourArea, reverse=True)
    return [q for q in (geo.quad_from_points(c) for c in big[:limit]) if q is not None]


def _masks(field: EdgeField) -> list[np.ndarray]:
    """Region masks by brightness, by distance from the frame's border colour, by chroma."""
    lab = cv2.GaussianBlur(field.lab, (0, 0), 2.0)
    h, w = lab.shape[:2]
    band = max(2, int(0.02 * min(h, w)))
    border = np.concatenate(
        [
            lab[:band].reshape(-1, 3),
            lab[-band:].reshape(-1, 3),
            lab[:, :band].reshape(-1, 3),
            lab[:, -band:].reshape(-1, 3),
        ]
    )
    distance = colour_distance(lab - np.median(border, axis=0))
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    planes = [lab[..., 0] * 2.55, np.clip(distance * 3, 0, 255), np.clip(chroma * 4, 0, 255)]
    kernel = np.ones((5, 5), np.uint8)
    masks = []
    for plane, invert in (
        (planes[0], False),
        (planes[0], True),
        (planes[1], False),
        (planes[2], True),
    ):
        _, mask = cv2.threshold(plane.astype(np.uint8), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        if invert:
            mask = 255 - mask
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
        masks.append(cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel))
    return masks


def _clusters(lab: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each pixel's colour cluster and the clusters' colours (k-means in Lab, seeded from
    lightness quantiles, so the same image always splits the same way)."""
    pixels = lab.reshape(-1, 3)
    sample = pixels[:: max(1, len(pixels) // 4000)]
    order = np.argsort(sample[:, 0])
    centres = np.array([np.median(chunk, axis=0) for chunk in np.array_split(sample[order], k)])

    def nearest(points: np.ndarray) -> np.ndarray:  # |p - c|² less |p|², the same for each c
        return np.argmin(np.sum(centres * centres, axis=1) - 2 * points @ centres.T, axis=1)

    for _ in range(6):
        near = nearest(sample)
        for c in range(k):
            if np.any(near == c):
                centres[c] = sample[near == c].mean(axis=0)
    centres = centres.astype(np.float32)
    return nearest(pixels).reshape(lab.shape[:2]), centres


def _face_quads(field: EdgeField, min_area: float, busy: np.ndarray) -> list[np.ndarray]:
    """Outlines of large, nearly rectangular blobs of one colour: the card's face, whatever
    the surface. Text is closed over; thin bridges to patches of the surface of the same colour
    (the pale squares of a checked cloth, the paper of a page) are opened away, at two widths.
    Each colour alone, its plain part only (printed text on a page is as grey as a card), the
    plain part of two near colours and every plain part (uneven light can split a card's face
    in two colours).
    Worked at a quarter of the size: refining snaps the sides onto the edges afterwards.
    `busy`: the lightness gradient, blurred over 5 × 5 pixels (`_Likeness.busy`)."""
    half = (field.width // FACE_SCALE, field.height // FACE_SCALE)
    lab = cv2.resize(field.lab, half, interpolation=cv2.INTER_AREA)
    labels, centres = _clusters(lab, CLUSTERS)
    plain_px = (busy < FACE_PLAIN).astype(np.float32)  # a cell is plain when
    plain = cv2.resize(plain_px, half, interpolation=cv2.INTER_AREA) > 0.9  # nearly all is
    short = min(lab.shape[:2])
    quads = []
    masks = [(plain, False)] + [(labels == c, True) for c in range(CLUSTERS)]
    masks += [((labels == c) & plain, False) for c in range(CLUSTERS)]
    near = np.linalg.norm(centres[:, None] - centres[None], axis=2) < FACE_NEAR_COLOURS
    masks += [
        (((labels == a) | (labels == b)) & plain, False)
        for a, b in zip(*np.triu_indices(CLUSTERS, 1), strict=True)
        if near[a, b]
    ]
    for chosen, close in masks:  # plain parts are not closed: the card's rim parts them
        mask = chosen.astype(np.uint8) * 255
        if close:
            mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
        for share in FACE_OPENINGS:
            size = max(3, int(share * short)) | 1
            opened = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((size, size), np.uint8))
            contours, _ = cv2.findContours(opened, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
            for contour in contours:
                area = cv2.contourArea(contour)
                if FACE_SCALE * FACE_SCALE * area < min_area:
                    continue
                quad = geo.quad_from_points(contour)
                if quad is not None and area >= FACE_FILL * abs(geo.signed_area(quad)):
                    quads.append(quad * FACE_SCALE + (FACE_SCALE - 1) / 2)
    return quads


def _distinct(quads: list[np.ndarray], frame: float) -> list[np.ndarray]:
    distinct: list[np.ndarray] = []
    for quad in quads:  # the sources often agree: score each outline once
        if geo.plausible(quad, frame) and all(
            np.abs(quad - seen).max() > DUPLICATE_PX for seen in distinct
        ):
            distinct.append(quad)
    return distinct


def proposals(field: EdgeField) -> list[np.ndarray]:
    frame = field.width * field.height
    min_area = geo.MIN_AREA_FRACTION * frame
    quads = line_quads(field)
    edges = field.colour_canny(1.0, 2.6)
    for size in (3, 7):
        closed = cv2.dilate(edges, np.ones((size, size), np.uint8))
        quads += _contour_quads(255 - closed, min_area, cv2.RETR_LIST, limit=6)
    for mask in _masks(field):
        quads += _contour_quads(mask, min_area, cv2.RETR_EXTERNAL)
    return _distinct(quads, frame)


def extension_ends(field: EdgeField, quad: np.ndarray) -> np.ndarray:
    """How much each side, continued past the corners, is still the same edge (2 ends × 4
    sides; NaN where the continuation lies off the frame): a card's edges stop at its corners,
    a pattern's lines go on. Continued, a line must both run along an edge more than the lines
    just beside it do (text or grain around the card is as dense on the line as beside it) and
    keep separating two colours as the side does (a rule of a form running near the card's
    edge separates paper from paper). All sides and ends at once."""
    inner, outer = _bands(field, quad)
    side_contrast = np.maximum(np.linalg.norm(inner - outer, axis=1), 2.0)
    p0, d = quad, quad[geo.NEXT] - quad
    normal = np.stack([-d[:, 1], d[:, 0]], axis=1)
    normal /= np.sqrt(np.sum(d * d, axis=1, keepdims=True)) + 1e-9
    t = EXTENSION_STEPS
    line = p0[:, None, :] + t[None, :, None] * d[:, None, :]  # sides × 20 × 2
    shift = np.array([-7.0, -5.0, 0.0, 5.0, 7.0, -1.0, 1.0])  # last two: ±1 px probes on it
    pts = line[:, :, None, :] + shift[None, None, :, None] * normal[:, None, None, :]
    gx, gy = field.gradients(pts)
    g = gx * normal[:, None, None, None, 0] + gy * normal[:, None, None, None, 1]
    strength = colour_distance(g) >= EDGE_MIN  # sides × 20 × 7
    on_line = strength[..., 2] | strength[..., 5] | strength[..., 6]
    beside = strength[..., [0, 1, 3, 4]].mean(axis=2)
    band = np.arange(3.0, 8.0)
    left = field.colours(line[:, :, None, :] - band[None, None, :, None] * normal[:, None, None, :])
    right = field.colours(
        line[:, :, None, :] + band[None, None, :, None] * normal[:, None, None, :]
    )
    inside = (
        (line[..., 0] >= 1)
        & (line[..., 0] <= field.width - 2)
        & (line[..., 1] >= 1)
        & (line[..., 1] <= field.height - 2)
    )  # sides × 20
    ends = np.full((2, 4), np.nan)
    for end, half in enumerate((slice(0, 10), slice(10, 20))):
        seen = inside[:, half]
        count = seen.sum(axis=1)
        along = (on_line[:, half] * seen).sum(axis=1) - (beside[:, half] * seen).sum(axis=1)
        along = along / np.maximum(count, 1)
        split = np.linalg.norm(
            median(left[:, half].reshape(4, -1, 3), 1)
            - median(right[:, half].reshape(4, -1, 3), 1),
            axis=1,
        )  # (points off the frame read its border: a few at most where it counts)
        still = np.clip(split / side_contrast, 0, 1)
        value = np.maximum(0.0, np.minimum(along, still))
        ends[end] = np.where(count >= 4, value, np.nan)
    return ends


def extension_support(
    field: EdgeField, quad: np.ndarray, ends: np.ndarray | None = None, forgive: bool = False
) -> float:
    """The mean of `extension_ends` over the ends in the frame. `forgive`: the side that runs
    on most left out — a card laid along a line of a cloth, or whose faint edge refining put
    on that line, runs on at that one side; a rectangle of a pattern's lines at two or more."""
    ends = extension_ends(field, quad) if ends is None else ends
    if forgive:
        ends = ends[:, np.arange(4) != np.argmax(np.nansum(ends, axis=0))]
    seen = ends[~np.isnan(ends)]
    return float(np.mean(seen)) if seen.size else 0.0


def one_side_runs_on(ends: np.ndarray) -> bool:
    """True when one side clearly runs on past its corners (a line of the surface, on average
    at least `RUNS_ON`, half the run-on a line can show), no end of another side does and at
    least two of them are in the frame (`extension_ends`): what a card laid along a line shows.
    Weak run-on is print, grain or a stretch of another line near a corner (a card square to a
    tartan, its bottom a little along a stripe: 0.28), and still counts against the outline
    once the side is forgiven (`extension_support`); a rectangle of a pattern's lines runs on
    at two sides or more; an outline whose other corners lie off the frame shows nothing of
    how its sides end."""
    side = int(np.argmax(np.nansum(ends, axis=0)))
    runs, others = ends[:, side], ends[:, np.arange(4) != side]
    runs, others = runs[~np.isnan(runs)], others[~np.isnan(others)]
    return bool(
        runs.size and runs.mean() >= RUNS_ON and others.size >= 2 and others.max() < RUNS_ON
    )


def corner_run_on(ends: np.ndarray) -> float:
    """The run-on of an outline's sides read at its corners (`extension_ends`: 2 ends × 4
    sides): at each corner the lesser of the two sides' run-on past it, averaged over the
    corners where it is known (NaN when fewer than `CORNERS_SEEN`). A card's corner stops at
    least one way — an "L", or a "T" where a side lies along a line of a cloth, even at two or
    three sides of a card laid square on a checked cloth — while the lines of a pattern cross
    there ("+") at every corner of its cells. A corner where one side's continuation lies off
    the frame is known only when the other side stops there (`CORNER_STOPS`): whether a side
    that runs on meets a crossing line cannot be seen."""
    known = []
    for i in range(4):  # (eight numbers: plain floats are several times faster than arrays)
        before, after = float(ends[1, i - 1]), float(ends[0, i])  # side i − 1 ends, i starts
        if not (math.isnan(before) or math.isnan(after)):
            known.append(min(before, after))
            continue
        seen = after if math.isnan(before) else before  # (NaN too when both are off the frame)
        if seen <= CORNER_STOPS:
            known.append(seen)
    return sum(known) / len(known) if len(known) >= CORNERS_SEEN else math.nan


def _forgiven_at_corners(ext: float, ends: np.ndarray, quad: np.ndarray) -> float:
    """The run-on the second look forgives down to: the sides' run-on (`extension_support`, one
    side left out by `one_side_runs_on`) or, for an outline of the card's proportion that stops
    at every corner (`corner_run_on` at most `CORNERS_FORGIVEN`), its reading at the corners: a
    card laid square on a checked cloth can lie along its lines at two or three sides, which
    one side forgiven does not cover. Not where two sides' lines cross at a corner: that is
    also the card's outline moved a cell over onto the cloth's lines (IoU 0.79); nor for other
    proportions (a key, or a cell of a form, with a label read as a portrait)."""
    corners = corner_run_on(ends)
    if not corners <= CORNERS_FORGIVEN or _off_proportion(quad) > WHOLE_PROPORTION:
        return ext  # (NaN, corners unknown, compares False)
    return min(ext, corners)


def rim_busy(field: EdgeField, quad: np.ndarray, *, deeper: bool = False) -> float:
    """The share of points just inside the sides (3–5 px in) whose colour jumps away from their
    neighbours': a card's margin is plain all round, a stretch of checked cloth, printed text or
    a keyboard inside an outline is not (slow changes of light are not jumps). `deeper`: each
    side read again RIM_DEEP of the short side in and counted as busy as the plainer of the two
    readings: the print or grid of a sheet runs on inward, while the surface showing just inside
    an outline a few pixels off the card (past its corner) is gone a little further in, on the
    card's plain margin (its own print begins only beyond that margin)."""
    pts, normal = _all_sides(quad, 48, 0.1, 0.9)
    depth = list(RIM_DEPTH)
    if deeper:
        deep = max(RIM_DEPTH[1] + 2.0, RIM_DEEP * float(np.min(geo.side_lengths(quad))))
        depth += [deep - 2.0, deep]
    inward = np.array(depth)[None, None, :, None] * normal[:, None, None, :]
    colours = field.colours(pts[:, :, None, :] - inward)  # sides × 48 × depths × 3
    band = np.concatenate([colours[:, :, k : k + 2].mean(axis=2) for k in range(0, len(depth), 2)])
    padded = np.concatenate([band[:, 2::-1], band, band[:, :-4:-1]], axis=1)
    count = band.shape[1]
    local = median(np.stack([padded[:, k : k + count] for k in range(7)]), 0)
    busy = np.mean(colour_distance(band - local) > RIM_JUMP, axis=1).reshape(-1, 4)
    return float(median(busy.min(axis=0), 0))  # (the plainer reading of each side)


def plain_likeness(
    field: EdgeField, quad: np.ndarray, bright: float, ext: float | None = None
) -> float:
    """0–1: how much the inside of an outline looks like an ID card rather than the surface it
    lies on, short of its layout: its edges stop at the corners (a pattern's lines run on), its
    margin is plain all round, its face is pale against the brightest part of the photo (a bank
    card mostly is not). `ext`: the edges' run-on (`extension_support`), when measured."""
    margin, face = _face_parts(field, quad, bright)
    return _run_on_part(extension_support(field, quad) if ext is None else ext, margin, face)


def _run_on_part(ext: float, margin: float, face: float) -> float:
    """`plain_likeness` from the edges' run-on and the other two parts (`_face_parts`)."""
    return _within(1 - 1.5 * max(0.0, ext - 0.1), 0.05, 1) * margin * face


def _face_parts(field: EdgeField, quad: np.ndarray, bright: float) -> tuple[float, float]:
    """The parts of `plain_likeness` that do not hang on the edges: a plain margin, a pale face."""
    lightness = float(_card_colour(field, quad)[0])
    margin = _within(1 - 2.0 * (rim_busy(field, quad) - RIM_BUSY_FREE), 0.1, 1)
    return margin, _within((lightness / max(bright, 1.0) - 0.35) / 0.3, 0.05, 1)


def layout_likeness(field: EdgeField, quad: np.ndarray, side: str | None) -> tuple[float, float]:
    """How clearly the outline holds the card's printed layout (the portrait on the front, the
    red emblem on the back), not more of the surface nor a bank card's face (`_foreign_colour`):
    a factor 0.02–1, and the layout's strength itself (|upright score|), which breaks a tie
    between two card-like outlines (an ID card and a bank card with a red logo); (1, 0) for
    another side."""
    if side not in ("front", "back"):
        return 1.0, 0.0
    w, h = LAYOUT_SIZE
    target = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    matrix = cv2.getPerspectiveTransform(geo.long_side_first(quad).astype(np.float32), target)
    flat = cv2.warpPerspective(field.rgb, matrix, LAYOUT_SIZE, flags=cv2.INTER_AREA)
    strength = abs(upright_score(flat, side))
    factor = _within(strength / _layout_full(side), 0.1, 1)
    if _foreign_colour(flat) > FOREIGN_SHARE:
        factor *= FOREIGN_FACTOR
    return factor, strength


def _layout_full(side: str | None) -> float:
    return LAYOUT_FULL_BACK if side == "back" else LAYOUT_FULL


def _foreign_colour(flat: np.ndarray) -> float:
    """The share of a flattened inside, its margin left out, that is strongly blue or green:
    none on an ID card, a bank card's logo or face (the union-pay stripes, a green or blue
    card)."""
    m = FOREIGN_MARGIN
    lab = cv2.cvtColor(flat[m:-m, m:-m].astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)
    a, b = lab[..., 1], lab[..., 2]
    return float(np.mean((a * a + b * b > FOREIGN_CHROMA**2) & ((a < -15) | (b < -25))))


def _quad_grid(quad: np.ndarray, lo: float, hi: float, nu: int, nv: int) -> np.ndarray:
    u, v = np.meshgrid(np.linspace(lo, hi, nu), np.linspace(lo, hi, nv))
    u, v = u.ravel()[:, None], v.ravel()[:, None]
    return (
        (1 - u) * (1 - v) * quad[0]
        + u * (1 - v) * quad[1]
        + u * v * quad[2]
        + (1 - u) * v * quad[3]
    )


def like_its_surroundings(field: EdgeField, busy: np.ndarray, quad: np.ndarray) -> bool:
    """True when the inside of an outline looks like what lies around it — the same colour on
    average and as much print or pattern — as a stretch of a page, a form or a cloth does;
    a card's face differs from the surface it lies on in one or the other, or, where its print
    and portrait bring both to the surface's, in its plain part: an inside mostly plain
    (`ALIKE_FACE_PLAIN`) whose plain part's median colour is `ALIKE_FACE` from the plain part
    of the surroundings is a card's face (a pale card under a colour cast on a form: ΔE 4.7
    from the paper, 1.0 on average with the dark desk in the ring)."""
    inside = _quad_grid(quad, 0.1, 0.9, 12, 8)
    centre = quad.mean(axis=0)
    ring = np.concatenate(
        [_quad_grid(centre + k * (quad - centre), 0.0, 1.0, 16, 16) for k in (1.15, 1.3)]
    )
    ring = ring[
        (ring[:, 0] >= 0)
        & (ring[:, 0] <= field.width - 1)
        & (ring[:, 1] >= 0)
        & (ring[:, 1] <= field.height - 1)
    ]
    # the ring's grid covers the inside too: only points over 3 px outside some side count
    d = quad[geo.NEXT] - quad
    normal = np.stack([d[:, 1], -d[:, 0]], axis=1) / (np.linalg.norm(d, axis=1)[:, None] + 1e-9)
    normal *= np.where(np.sum(normal * (quad + d / 2 - centre), axis=1) >= 0, 1.0, -1.0)[:, None]
    reach = np.einsum("pk,sk->ps", ring, normal) - np.sum(normal * quad, axis=1)[None, :]
    ring = ring[reach.max(axis=1) > 3]
    if len(ring) < 30:
        return False
    pixel, ring_pixel = field._pixel(inside), field._pixel(ring)
    lab, ring_lab = (
        np.take(field._lab_rows, pixel, axis=0),
        np.take(field._lab_rows, ring_pixel, axis=0),
    )
    plain, ring_plain = np.take(busy, pixel) <= FACE_PLAIN, np.take(busy, ring_pixel) <= FACE_PLAIN
    colour = np.linalg.norm(lab.mean(axis=0) - ring_lab.mean(axis=0))
    if colour >= ALIKE_COLOUR or abs(float(plain.mean() - ring_plain.mean())) >= ALIKE_DETAIL:
        return False
    # the mean colour and detail of the surface's: a card's face still differs in its plain part
    if plain.mean() < ALIKE_FACE_PLAIN or not ring_plain.any():
        return True  # (mostly print or pattern: its plain part is no face)
    face = np.linalg.norm(median(lab[plain], 0) - median(ring_lab[ring_plain], 0))
    return bool(face < ALIKE_FACE)


@functools.cache
def _grid_weights() -> np.ndarray:
    """The corners' weights of `_quad_grid(quad, 0.1, 0.9, 12, 8)`'s points (96 × 4)."""
    u, v = np.meshgrid(np.linspace(0.1, 0.9, 12), np.linspace(0.1, 0.9, 8))
    u, v = u.ravel(), v.ravel()
    weights = np.stack([(1 - u) * (1 - v), u * (1 - v), u * v, (1 - u) * v], axis=1)
    weights.flags.writeable = False
    return weights


def _pieces(field: EdgeField, busy: np.ndarray, quads: list[np.ndarray]) -> list[int]:
    """The indices of the outlines that are pieces of a repeating pattern: with `PIECE_TWINS`
    others of their size and proportion, apart from them and from each other, whose insides
    have the same mean colour and detail (`ALIKE_COLOUR`, `ALIKE_DETAIL`) — the tiles of a
    table, the keys of a keyboard, the cells of a cloth around one of them. A card is one of a
    kind: the surface around it is not another card (a bank card beside it is one other)."""
    if len(quads) <= PIECE_TWINS:
        return []
    quad = np.stack(quads)  # outlines × 4 × 2
    pixel = field._pixel(np.einsum("pk,nkc->npc", _grid_weights(), quad).reshape(-1, 2))
    pixel = pixel.reshape(len(quads), -1)
    colour = np.take(field._lab_rows, pixel, axis=0).mean(axis=1)  # outlines × 3
    detail = np.mean(np.take(busy, pixel) > FACE_PLAIN, axis=1)
    d = quad[:, geo.NEXT] - quad
    area = np.abs(np.sum(quad[..., 0] * d[..., 1] - quad[..., 1] * d[..., 0], axis=1)) / 2
    lengths = np.linalg.norm(d, axis=2)
    across, along = lengths[:, [0, 2]].mean(axis=1), lengths[:, [1, 3]].mean(axis=1)
    aspect = np.log(np.maximum(across, along) / np.maximum(np.minimum(across, along), 1e-9))
    # the centre of one inside the other (all four sides turn the same way): not apart
    rel = quad.mean(axis=1)[None, :, None, :] - quad[:, None, :, :]  # outline × centre × 4 × 2
    turn = d[:, None, :, 0] * rel[..., 1] - d[:, None, :, 1] * rel[..., 0]
    holds = np.all(turn > 0, axis=2) | np.all(turn < 0, axis=2)
    like = (
        (np.abs(np.log(area[:, None] / area[None, :])) <= np.log(PIECE_AREA))
        & (np.abs(aspect[:, None] - aspect[None, :]) <= PIECE_PROPORTION)
        & (np.linalg.norm(colour[:, None] - colour[None, :], axis=2) < ALIKE_COLOUR)
        & (np.abs(detail[:, None] - detail[None, :]) < ALIKE_DETAIL)
        & ~holds
        & ~holds.T
    )

    def apart(i: int, j: int) -> bool:
        shared, _ = cv2.intersectConvexConvex(
            quads[i].astype(np.float32), quads[j].astype(np.float32)
        )
        return shared <= PIECE_OVERLAP * min(area[i], area[j])

    pieces = []
    for i in np.nonzero(like.sum(axis=1) >= PIECE_TWINS)[0]:
        twins: list[int] = []
        for j in np.nonzero(like[i])[0]:
            if apart(i, j) and all(apart(j, k) for k in twins):
                twins.append(j)
                if len(twins) >= PIECE_TWINS:
                    pieces.append(int(i))
                    break
    return pieces


class _Likeness:
    """The likeness of each outline, measured once, the layout only when it can matter."""

    forgiving = False  # one side's run-on forgiven where the card's layout is inside

    def __init__(self, field: EdgeField, side: str | None):
        self.field, self.side = field, side
        self.bright = float(np.percentile(field.lab[..., 0], 99))
        self.plain: dict[int, float] = {}
        self.forgiven: dict[int, float] = {}  # the same, one side's run-on forgiven
        self.full: dict[int, float] = {}
        self.clarity: dict[int, float] = {}  # 0.9–1: the layout's strength, to break ties
        self.strength: dict[int, float] = {}  # the layout's strength (|upright score|)
        # the outlines measured, kept alive: an id is reused once its array is freed, and a new
        # outline must not be given a freed one's likeness
        self.measured: dict[int, np.ndarray] = {}
        self.busy = cv2.blur(np.abs(field.gx[..., 0]) + np.abs(field.gy[..., 0]), (5, 5))
        self.pieces: set[int] = set()  # outlines that are pieces of a repeating pattern

    def mark_pieces(self, scored: list[tuple[float, np.ndarray]]) -> None:
        """Mark the outlines of `scored` that are pieces of a pattern that repeats around them
        (`PIECE_TWINS` others like them, apart: `_pieces`); their likeness is lowered."""
        quads = [quad for _, quad in scored]
        for k in _pieces(self.field, self.busy, quads):
            self.measured[id(quads[k])] = quads[k]
            self.pieces.add(id(quads[k]))

    def without_layout(self, quad: np.ndarray) -> float:
        if id(quad) not in self.plain:
            self.measured[id(quad)] = quad
            ends = extension_ends(self.field, quad)
            margin, face = _face_parts(self.field, quad, self.bright)
            ext = extension_support(self.field, quad, ends)
            self.plain[id(quad)] = _run_on_part(ext, margin, face)
            if one_side_runs_on(ends):
                ext = extension_support(self.field, quad, ends, forgive=True)
            ext = _forgiven_at_corners(ext, ends, quad)  # (a card laid square on a cloth)
            self.forgiven[id(quad)] = _run_on_part(ext, margin, face)
        return self.plain[id(quad)]

    def _ceiling(self, quad: np.ndarray) -> float:
        """The most likeness an outline can have before its layout is measured (see
        `__call__`)."""
        plain = self.without_layout(quad)
        return max(plain, self.forgiven[id(quad)]) if self.forgiving else plain

    def forgiving_one_side(self) -> _Likeness:
        """The same measures, but where an outline holds the card's layout a side that runs on
        past its corners is forgiven when the other three stop there: a card laid along a line
        of a cloth (or whose faint edge refining put on that line) runs on at that one side, a
        rectangle of a pattern's lines at two or more (a card laid square on a checked cloth,
        along its lines at two or three sides, still stops at its corners:
        `_forgiven_at_corners`). Only a second look, when no outline was card-like enough:
        forgiving from the start lets a card with a strip of a page beside it outscore the
        card."""
        again = copy.copy(self)
        again.forgiving, again.full, again.clarity, again.strength = True, {}, {}, {}
        return again

    def __call__(self, quad: np.ndarray) -> float:
        if id(quad) not in self.full:
            layout, strength = layout_likeness(self.field, quad, self.side)
            plain = self.without_layout(quad)
            self.strength[id(quad)] = strength
            if self.forgiving and strength >= _layout_full(self.side):
                plain = max(plain, self.forgiven[id(quad)])
            self.full[id(quad)] = plain * layout
            # (only lowers: bounds hold); not an outline holding a layout as clearly as a
            # back's emblem in its place (a stretch around a card reads ~0.6): a card's back
            # on ruled paper can have the paper's mean colour and as much detail
            # nor, likewise, one of many like it around it: a tile, a key, a cell of a cloth
            if strength < LAYOUT_FULL_BACK and (
                id(quad) in self.pieces or like_its_surroundings(self.field, self.busy, quad)
            ):
                self.full[id(quad)] *= ALIKE_FACTOR
            clear = min(strength / LAYOUT_CLEAR, 1.0) if self.side in ("front", "back") else 1.0
            self.clarity[id(quad)] = 0.9 + 0.1 * clear
        return self.full[id(quad)]

    def whole_card(self, quad: np.ndarray) -> bool:
        """True when an outline is a whole card by itself: of the card's proportion, card-like,
        holding the card's layout (a portrait's or a text block's frame does not)."""
        return (
            self(quad) >= FORGIVE_BELOW
            and self.strength.get(id(quad), 0.0) >= _layout_full(self.side)
            and _off_proportion(quad) <= WHOLE_PROPORTION
        )

    def _best_first(self, scored: list[tuple[float, np.ndarray]]):
        """(score × the most likeness before the layout, score, outline), best first (ties in
        the given order). The score bounds the product (likeness is at most 1): an outline is
        measured only once it could come next, so the ones after a cut-off are never measured."""
        waiting = sorted(range(len(scored)), key=lambda i: -scored[i][0])
        measured: list[tuple[float, int]] = []  # a heap of (-bound, index)
        k = 0
        while k < len(waiting) or measured:
            while k < len(waiting) and (not measured or scored[waiting[k]][0] >= -measured[0][0]):
                value, quad = scored[waiting[k]]
                heapq.heappush(measured, (-(value * self._ceiling(quad)), waiting[k]))
                k += 1
            bound, i = heapq.heappop(measured)
            yield -bound, scored[i][0], scored[i][1]

    def judge(self, scored: list[tuple[float, np.ndarray]]) -> list[tuple[float, np.ndarray]]:
        """Each outline's score times its likeness (and the clarity of its layout, which
        decides between two card-like outlines); outlines that cannot come near the best even
        with a perfect layout are left out without measuring it."""
        judged: list[tuple[float, np.ndarray]] = []
        top = 0.0
        for bound, value, quad in self._best_first(scored):
            if bound < NEAR_BEST * top:
                break
            if any(np.abs(quad - seen).max() <= DUPLICATE_PX for _, seen in judged):
                continue  # the same outline (refined onto itself), a little less likely
            judged.append((value * self(quad) * self.clarity[id(quad)], quad))
            top = max(top, judged[-1][0])
        return judged


def _whole_card(judged: list[tuple[float, np.ndarray]], like: _Likeness) -> np.ndarray:
    """The best outline, or the outline of the whole card around it: the card holds its
    portrait, emblem and text blocks, whose frames can score as well as a faint card edge. An
    outline much larger than the best, around it, scoring nearly as well, is the card; of those
    the best scoring (not the largest: a card with a strip of a patterned surface beside it is
    larger still). Not when the best is a whole card itself, and the outline around it holds
    the card's layout no more clearly: that is the card on a sheet, a page, a stretch of cloth."""
    top, quad = max(judged, key=lambda item: item[0])
    while True:
        centre = tuple(map(float, quad.mean(axis=0)))
        area = abs(geo.signed_area(quad))
        whole = like.whole_card(quad)
        around = [
            (value, q)
            for value, q in judged
            if value >= NEAR_BEST * top
            and abs(geo.signed_area(q)) >= WHOLE_CARD_AREA * area
            and cv2.pointPolygonTest(q.astype(np.float32), centre, False) > 0
            and not (whole and like.strength.get(id(q), 0.0) <= like.strength[id(quad)])
        ]
        if not around:
            break
        quad = max(around, key=lambda item: item[0])[1]
    # Refining two proposals of one card can leave one a little inside the edges: of the
    # outlines nearly as good, around it, a little larger and as card-like, the largest (not
    # one much worse: that is the card with a strip of the surface up to the surface's next
    # line, on a page, a form or a striped cloth; nor one further from the card's proportion:
    # that is the card with a strip of the surface along one side, a keyboard's row of keys).
    centre, area, kind = (
        tuple(map(float, quad.mean(axis=0))),
        abs(geo.signed_area(quad)),
        like(quad),
    )
    proportion = _off_proportion(quad) + SAME_CARD_PROPORTION
    return max(
        (
            q
            for value, q in judged
            if value >= SAME_CARD_NEAR * top
            and area <= abs(geo.signed_area(q)) <= SAME_CARD_AREA * area
            and like(q) >= kind
            and _off_proportion(q) <= proportion
            and cv2.pointPolygonTest(q.astype(np.float32), centre, False) > 0
        ),
        key=lambda q: abs(geo.signed_area(q)),
        default=quad,
    )


def _parallel_edges(field: EdgeField, quad: np.ndarray, *, inward: bool = False):
    """For each side, the straight edges parallel to it further out (or further in): its sample
    points (sides × 24), the way it moves (the outward normals, or the inward ones), the offsets
    tried (px) and, for each side and offset, the share of its points with an edge within a
    pixel there, 0 outside `WIDEN_FROM`–`WIDEN_TO` of the card's extent across the side (nearer
    is the same edge's rim or shadow). None when the outline is too small to try."""
    pts, normal = _all_sides(quad, 24, 0.15, 0.85)
    lengths = geo.side_lengths(quad)
    extent = (lengths[geo.NEXT] + lengths[geo.PREV]) / 2
    offsets = np.arange(max(2, int(WIDEN_FROM * extent.min())), int(WIDEN_TO * extent.max()) + 1)
    if len(offsets) < 3:
        return None
    way = -normal if inward else normal
    probe = pts[:, :, None, :] + offsets[None, None, :, None] * way[:, None, None, :]
    edge = _across(field, probe, normal) >= EDGE_MIN  # sides × points × offsets
    near = edge.copy()  # an edge within a pixel: a side a little aslant still counts
    near[..., 1:] |= edge[..., :-1]
    near[..., :-1] |= edge[..., 1:]
    support = near.mean(axis=1)
    support[
        (offsets[None, :] < WIDEN_FROM * extent[:, None])
        | (offsets[None, :] > WIDEN_TO * extent[:, None])
    ] = 0.0
    return pts, way, offsets, support


def _best_moved(
    field: EdgeField,
    quad: np.ndarray,
    like: _Likeness,
    moved: dict[int, np.ndarray],
    floor: float,
    always: dict[int, np.ndarray] | None = None,
) -> tuple[np.ndarray | None, float]:
    """Of the outlines with the sides in `moved` (index: new line) moved, one at a time and all
    at once (each with the sides in `always` moved too), the best on score × likeness × clarity
    (as `_Likeness.judge` weighs them) if it beats `floor`, with that product; (None, floor)
    when none does. The score bounds the product: the likeness is measured only for an outline
    that could beat the floor."""
    always = always or {}
    lines = [geo.side_line(quad, i) for i in range(4)]
    trials = [always] if always else []
    trials += [{i: line, **always} for i, line in moved.items()]
    if len(moved) >= 2:
        trials.append({**moved, **always})
    best, value = None, floor
    for trial in trials:
        other = geo.quad_from_lines([trial.get(i, lines[i]) for i in range(4)])
        if other is None or not geo.plausible(other, field.width * field.height):
            continue
        edges = score(field, other)
        if edges <= value:  # (the other factors are at most 1)
            continue
        product = edges * like(other) * like.clarity[id(other)]
        if product > value:
            best, value = other, product
    return best, value


def _judged(field: EdgeField, quad: np.ndarray, like: _Likeness) -> float:
    """An outline's score × likeness × clarity, as `_Likeness.judge` weighs it."""
    return score(field, quad) * like(quad) * like.clarity[id(quad)]


def _widened(field: EdgeField, quad: np.ndarray, like: _Likeness) -> np.ndarray:
    """The winning outline, or the card around it: a card's faint edge (a pale card on paper
    or a white desk) can score below an outline of its portrait's frame and a row of its text,
    whose edges are crisp, and no proposal may have traced it. Each side is moved out onto the
    strongest straight edge further out (`WIDEN_FROM`–`WIDEN_TO`) when the strip it crosses is
    the card's, plain or of its colour (not a strip of print or pattern) and not of the colour
    of the surface outside the sides that stay (`WIDEN_SURFACE`: the plain paper between a pale
    card and a line of print or a form's rule), one side at a time and all that have one at
    once; an outline is kept when its score times its likeness (and clarity) beats the
    winner's."""
    found = _parallel_edges(field, quad)
    if found is None:
        return quad
    pts, normal, offsets, support = found
    card = _card_colour(field, quad)
    printed = {}  # side: offset of the card's edge past the print the side runs along
    for i in range(4):
        offset = _past_print(field, like.busy, card, pts[i], normal[i], offsets, support[i])
        if offset is not None:
            printed[i] = offset
    strips = {}  # side: (offset, the strip's colour)
    for i in range(4):
        if i in printed:
            continue
        k = int(np.argmax(support[i]))
        if support[i, k] < WIDEN_SUPPORT:
            continue
        # the strip the side moves over is the card's: plain (its margin) or of its colour
        strip = pts[i][:, None, :] + (offsets[k] * WIDEN_STRIP)[None, :, None] * normal[i]
        plain = np.mean(np.take(like.busy, field._pixel(strip)) <= FACE_PLAIN)
        colour = median(field.colours(strip).reshape(-1, 3), 0)
        if plain < WIDEN_PLAIN and np.linalg.norm(colour - card) > WIDEN_COLOUR:
            continue
        strips[i] = (offsets[k], colour)
    # ... and not of the surface's colour just outside a side that stays (plain paper between
    # a card's edge and a line of print or a form's rule is plain too)
    outside = _bands(field, quad)[1][[j for j in range(4) if j not in strips and j not in printed]]
    moved = {}
    for i, (offset, colour) in strips.items():
        if len(outside) and np.linalg.norm(outside - colour, axis=1).min() < WIDEN_SURFACE:
            continue
        line = _fit_side(field, pts[i] + offset * normal[i], normal[i], 2)
        if line is not None:
            moved[i] = line
    across = {}  # a side on the card's print must move: kept at PULL_NEAR of the product
    for i, offset in printed.items():
        line = _fit_side(field, pts[i] + offset * normal[i], normal[i], 2)
        if line is not None:
            across[i] = line
    judged = _judged(field, quad, like)
    if across:
        wider, _ = _best_moved(field, quad, like, moved, PULL_NEAR * judged, across)
        if wider is not None:
            return wider
    if not moved:
        return quad
    wider, _ = _best_moved(field, quad, like, moved, judged)
    if wider is None or (
        # a whole card by itself is not traded for a wider outline further from the card's
        # proportion (as `_whole_card` keeps it): that is the card and a strip of the surface
        # up to a line of it (a white card on a gingham's pale row, its faint edge refitted)
        like.whole_card(quad)
        and _off_proportion(wider) > _off_proportion(quad) + SAME_CARD_PROPORTION
    ):
        return quad
    return wider


def _proportion_restored(field: EdgeField, quad: np.ndarray, like: _Likeness) -> np.ndarray:
    """The winning outline, or the card around it when the winner is clearly off the card's
    proportion (`RESTORE_OFF`) and one side moved out onto a parallel edge gives it back: a
    side taken along a tile's edge running on into the card, or along a row of its print
    (pulled in there by `_pulled_in` when the strip outside it read like the page), while the
    card's edge further out is faint or broken by the print beside it (what `_widened` reads
    as the card's margin must be plain or of its colour). The card is
    85.6 × 54: an outline of that proportion (`SAME_CARD_PROPORTION`) whose score times its
    likeness (and clarity) beats the winner's clearly (`RESTORE_GAIN`) is kept, the best of
    them."""
    if _off_proportion(quad) <= RESTORE_OFF:
        return quad
    found = _parallel_edges(field, quad)
    if found is None:
        return quad
    pts, normal, offsets, support = found
    lines = [geo.side_line(quad, i) for i in range(4)]
    best, value = quad, RESTORE_GAIN * _judged(field, quad, like)
    for i in range(4):
        held = support[i] >= WIDEN_SUPPORT
        peaks = np.nonzero(
            held
            & (support[i] >= np.concatenate([[0.0], support[i, :-1]]))
            & (support[i] > np.concatenate([support[i, 1:], [0.0]]))
        )[0]
        for k in peaks:
            line = _fit_side(field, pts[i] + offsets[k] * normal[i], normal[i], 2)
            if line is None:
                continue
            other = geo.quad_from_lines([line if j == i else lines[j] for j in range(4)])
            if (
                other is None
                or _off_proportion(other) > SAME_CARD_PROPORTION
                or not geo.plausible(other, field.width * field.height)
                or score(field, other) <= value  # (bounds the product)
            ):
                continue
            product = _judged(field, other, like)
            if product > value:
                best, value = other, product
    return best


def _past_print(
    field: EdgeField,
    busy: np.ndarray,
    card: np.ndarray,
    pts: np.ndarray,
    way: np.ndarray,
    offsets: np.ndarray,
    support: np.ndarray,
) -> float | None:
    """When a side (`pts`, `way` its outward normal) runs along print (`PULL_BUSY` of the band
    `RIM_DEPTH` px outside it), the offset of the farthest parallel edge (`support`, a peak of
    at least `PRINT_EDGE_SUPPORT`) with a plain margin of the card's colour just inside it and
    a plain surface just past it: the card's edge, past its outermost print. None otherwise."""

    def band(depths: np.ndarray) -> np.ndarray:
        return (pts[:, None, :] + depths[None, :, None] * way).reshape(-1, 2)

    def detail(points: np.ndarray) -> float:
        return float(np.mean(np.take(busy, field._pixel(points)) > FACE_PLAIN))

    if detail(band(np.array(RIM_DEPTH))) < PULL_BUSY:
        return None
    peaks = np.nonzero(
        (support >= PRINT_EDGE_SUPPORT)
        & (support >= np.concatenate([[0.0], support[:-1]]))
        & (support > np.concatenate([support[1:], [0.0]]))
    )[0]
    for k in peaks[::-1]:
        margin = band(offsets[k] - PRINT_MARGIN)
        if (
            detail(margin) <= 1 - WIDEN_PLAIN
            and detail(band(offsets[k] + np.array(RIM_DEPTH))) <= 1 - WIDEN_PLAIN
            and np.linalg.norm(median(field.colours(margin), 0) - card) <= WIDEN_COLOUR
        ):
            return float(offsets[k])
    return None


def _in_frame(field: EdgeField, points: np.ndarray) -> np.ndarray:
    """The points (n × 2) that lie inside the frame."""
    x, y = points[:, 0], points[:, 1]
    return points[(x >= 0) & (x <= field.width - 1) & (y >= 0) & (y <= field.height - 1)]


def _looks_like_surface(
    field: EdgeField,
    busy: np.ndarray,
    card: np.ndarray,
    pts: np.ndarray,
    way: np.ndarray,
    offset: float | np.ndarray,
    beyond: list[tuple[np.ndarray, float]] | None = None,
) -> bool:
    """True when the strip between a side (`pts`) and a parallel edge `offset` px inside it
    (`way`: the inward normal) looks like the surface just outside the side and not like what
    lies just inside that edge: of the outside's colour (`PULL_SAME`) and apart from the inside's
    and the card's face's (`card`) by `PULL_APART` (a card of the colour of a cloth's pale cells
    shows its own margin there), the strip or its rim nearly as detailed as the outside
    (`PULL_DETAIL_SLACK`: a card's plain margin beside a printed page can have the page's
    median colour); or as detailed as the outside and of nearly its colour (print,
    a form's rules: `PULL_BUSY`, `PULL_BUSY_SLACK`, `PULL_SAME_DETAILED`) right up to the side
    (`RIM_DEPTH`), where the inside is plainer by `PULL_BUSY_GAP` (the card's margin). That
    strip is the page or the form around a pale card, taken in by a side on the surface's
    print; a strip of a card's own margin is of its face's colour and plain (its print, which
    can read as detailed as a page's, begins only past that margin). A side along the frame has
    no outside to compare: never the surface. `beyond`: the colour and detail of the surface to
    compare with instead of the strip just outside the side (`_surroundings`: any of them)."""
    # (`offset` may be one per point: an edge aslant to the side, `_pulled_in_aslant`)
    depth = _per_point(np.multiply.outer(offset, WIDEN_STRIP), len(pts))
    strip = (pts[:, None, :] + depth[..., None] * way).reshape(-1, 2)
    inner = _per_point(np.add.outer(offset, PULL_INSIDE), len(pts))
    inside = (pts[:, None, :] + inner[..., None] * way).reshape(-1, 2)
    rim = (pts[:, None, :] + np.array(RIM_DEPTH)[None, :, None] * way).reshape(-1, 2)

    def colour(points: np.ndarray) -> np.ndarray:
        return median(field.colours(points), 0)

    def detail(points: np.ndarray) -> float:
        return float(np.mean(np.take(busy, field._pixel(points)) > FACE_PLAIN))

    if beyond is None:
        outside = _in_frame(field, (pts[:, None, :] - depth[..., None] * way).reshape(-1, 2))
        if len(outside) < len(strip) // 3:
            return False  # the side runs along the frame: nothing to compare
        beyond = [(colour(outside), detail(outside))]
    c_strip = colour(strip)
    readings = [
        (float(np.linalg.norm(c_strip - c_outside)), d_outside)
        for c_outside, d_outside in beyond
        if np.linalg.norm(c_strip - c_outside) <= max(PULL_SAME, PULL_SAME_DETAILED)
    ]
    if not readings:
        return False  # (neither reading below holds)
    c_rim = colour(rim)
    apart = min(
        np.linalg.norm(c_strip - colour(inside)),
        np.linalg.norm(c_strip - card),
        np.linalg.norm(c_rim - card),
    )
    d_strip, d_rim, d_inside = detail(strip), detail(rim), detail(inside)
    return any(
        (
            same <= PULL_SAME
            and apart >= PULL_APART
            and max(d_strip, d_rim) >= d_outside - PULL_DETAIL_SLACK
        )
        or (
            same <= PULL_SAME_DETAILED
            and min(d_strip, d_rim) >= PULL_BUSY
            and d_outside >= d_strip - PULL_BUSY_SLACK
            and d_inside <= d_strip - PULL_BUSY_GAP
        )
        for same, d_outside in readings
    )


def _per_point(depths: np.ndarray, count: int) -> np.ndarray:
    """Depths (one row, or one row per point) as `count` rows, one per point of a side."""
    return np.broadcast_to(depths, (count, depths.shape[-1]))


def _surroundings(
    field: EdgeField, busy: np.ndarray, quad: np.ndarray
) -> list[tuple[np.ndarray, float]]:
    """The surface around an outline, side by side: for each side in the frame (a third of
    its points at least), the median colour and the share of detailed points (`FACE_PLAIN`)
    of bands `SURROUNDINGS` of the card's extent across it out from it."""
    pts, normal = _all_sides(quad, 24, 0.0, 1.0)
    lengths = geo.side_lengths(quad)
    extent = (lengths[geo.NEXT] + lengths[geo.PREV]) / 2
    depth = np.multiply.outer(extent, SURROUNDINGS)  # sides × depths
    ring = pts[:, :, None, :] + depth[:, None, :, None] * normal[:, None, None, :]
    bands = [_in_frame(field, band.reshape(-1, 2)) for band in ring]
    return [
        (
            median(field.colours(band), 0),
            float(np.mean(np.take(busy, field._pixel(band)) > FACE_PLAIN)),
        )
        for band in bands
        if len(band) >= ring[0].size // 6
    ]


def _pulled_in_aslant(
    field: EdgeField,
    busy: np.ndarray,
    card: np.ndarray,
    pts: np.ndarray,
    way: np.ndarray,
    offsets: np.ndarray,
    reach: tuple[float, float],
    beyond: list[tuple[np.ndarray, float]],
) -> np.ndarray | None:
    """The line a side (`pts`, `way` its inward normal) is pulled in onto when the card's edge
    inside it is not parallel to it: a side taken along a line of a page's print or of a bank
    card beside the card follows that line's slant, not the card's (a page turned 3° under the
    card: the card's edge 12 px in at one end of the side, 31 px at the other). Every straight
    line across the band (`offsets` within `reach`, px, at either end) held by `WIDEN_SUPPORT`
    of its points, a peak of support among its neighbours, is tried (`ASLANT_TRIES`, best held
    first), and the first whose strip looks like the surface beyond any side of the outline
    (`_looks_like_surface` against `_surroundings`: just outside a side on print lies the print
    itself, or the frame, or a bank card) is the card's edge: its line (vx, vy, x0, y0), polished
    by the line fit where the edge is crisp enough. None when none is."""
    probe = pts[:, None, :] + offsets[None, :, None] * way
    edge = field.across(probe, -way) >= EDGE_MIN  # points × offsets
    near = edge.copy()  # an edge within a pixel
    near[:, 1:] |= edge[:, :-1]
    near[:, :-1] |= edge[:, 1:]
    k = len(offsets)
    traced = np.take(near.astype(np.float32), _band_cells(k, len(pts))).mean(axis=1).reshape(k, k)
    usable = (offsets >= reach[0]) & (offsets <= reach[1])
    traced[~usable, :] = 0.0
    traced[:, ~usable] = 0.0
    padded = np.pad(traced, 1)
    peak = traced >= WIDEN_SUPPORT
    for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        peak &= traced >= padded[1 + dy : 1 + dy + k, 1 + dx : 1 + dx + k]
    start, end = np.nonzero(peak & (np.abs(np.subtract.outer(offsets, offsets)) > ASLANT_MIN_PX))
    lines = _band_lines(k, len(pts))
    # the best held first (a line across the card's margin and the paper is held less), then
    # the farthest in; one of each bundle of lines within a pixel or two of another at both ends
    order = sorted(zip(start, end, strict=True), key=lambda se: (-traced[se], -sum(se)))
    tried: list[tuple[int, int]] = []
    for s, e in order:
        if len(tried) >= ASLANT_TRIES:
            break
        if any(abs(s - s0) <= ASLANT_SAME and abs(e - e0) <= ASLANT_SAME for s0, e0 in tried):
            continue
        tried.append((s, e))
        depth = offsets[lines[s * k + e]]
        if _looks_like_surface(field, busy, card, pts, way, depth, beyond):
            edge = pts + depth[:, None] * way
            line = _fit_side(field, edge, way, 2)
            if line is None:  # a faint edge (a pale card on paper) spread over pixels: as found
                line = cv2.fitLine(edge.astype(np.float32), cv2.DIST_L2, 0, 0.01, 0.01).ravel()
            return line
    return None


def _pulled_in(field: EdgeField, quad: np.ndarray, like: _Likeness) -> tuple[np.ndarray, bool]:
    """The winning outline, or the card inside it, and whether a side still lies out on the
    surface. On a printed page or a form a pale card's edge (ΔE 2.5–4 against the paper) scores
    below a crisp line of print or a rule just outside it, and a strip of the paper inside the
    outline costs it little likeness. The mirror of `_widened`: each side is tried further in,
    on the farthest parallel edge (`WIDEN_FROM`–`WIDEN_TO`, `WIDEN_SUPPORT`, a peak of support)
    over whose strip the surface outside still runs (`_looks_like_surface`: lines of print
    inside the strip are edges too, the card's edge is the last), one side at a time and all
    such sides at once. The narrower outline is kept when its score times its likeness (and
    clarity) is at least `PULL_NEAR` of the winner's: the card's faint edge scores less than the
    print's, and the strip shows the winner is not the card. When no narrower outline holds up,
    the overshoot remains: the caller refuses the photo rather than crop the card with a strip
    of the surface."""
    found = _parallel_edges(field, quad, inward=True)
    if found is None:
        return quad, False
    pts, inward, offsets, support = found
    card = _card_colour(field, quad)
    lengths = geo.side_lengths(quad)
    extent = (lengths[geo.NEXT] + lengths[geo.PREV]) / 2
    reach = [(WIDEN_FROM * e, WIDEN_TO * e) for e in extent]
    beyond = _surroundings(field, like.busy, quad)
    moved, aslant = {}, {}
    for i in range(4):
        held = support[i] >= WIDEN_SUPPORT
        peaks = np.nonzero(
            held
            & (support[i] >= np.concatenate([[0.0], support[i, :-1]]))
            & (support[i] > np.concatenate([support[i, 1:], [0.0]]))
        )[0]
        surface = [
            k
            for k in peaks
            if _looks_like_surface(field, like.busy, card, pts[i], inward[i], offsets[k])
        ]
        if not surface:
            line = _pulled_in_aslant(
                field, like.busy, card, pts[i], inward[i], offsets, reach[i], beyond
            )
            if line is not None:
                aslant[i] = line
            continue
        last = surface[-1]  # the farthest: the whole strip up to it is the surface
        line = _fit_side(field, pts[i] + offsets[last] * inward[i], inward[i], 2)
        if line is not None:
            moved[i] = line
    if not moved and not aslant:
        return quad, False
    floor = PULL_NEAR * _judged(field, quad, like)
    narrower, _ = _best_moved(field, quad, like, {**aslant, **moved}, floor)
    # (an edge aslant is a looser reading: no narrower outline there leaves the winner be)
    return (quad, bool(moved)) if narrower is None else (narrower, False)


def _most_likely(
    field: EdgeField, quads: list[np.ndarray], like: _Likeness, keep: int
) -> list[np.ndarray]:
    """The `keep` proposals whose forgiving score times their likeness (without the layout) is
    best: of the `2 * keep` best on the forgiving score, and of the others those whose inside
    is clearly a card's (`CARD_LIKE`): on a checked cloth twenty of its cells can outscore a
    card's rough first outline on edges alone, and only its likeness tells them apart (not
    any likeness: a loose outline over ruled paper must not take a turn from them). Edge
    support bounds the score from above and the score bounds the product (the other factors
    are at most 1), so each proposal is measured, best bound first, only as far as it could
    still make it."""
    bounded = []
    for i, quad in enumerate(quads):
        support = side_support(field, quad, ROUGH_REACH)
        bound = float(support.mean() * np.sqrt(support.min())) * _shape(quad)
        bounded.append((bound, i, quad, support))
    bounded.sort(key=lambda item: -item[0])
    pool = 2 * keep
    rough: list[tuple[float, int, np.ndarray]] = []
    k = 0  # the proposals before k are scored
    while k < len(bounded) and (len(rough) < pool or bounded[k][0] >= rough[pool - 1][0]):
        _, i, quad, support = bounded[k]
        rough.append((score(field, quad, ROUGH_REACH, support), i, quad))
        rough.sort(key=lambda item: (-item[0], item[1]))
        k += 1
    ranked: list[tuple[float, int, np.ndarray]] = []  # (product, index, quad), best first
    for value, i, quad in rough[:pool]:
        if len(ranked) >= keep and value < ranked[keep - 1][0]:
            break
        ranked.append((value * like.without_layout(quad), i, quad))
        ranked.sort(key=lambda item: -item[0])
    others = [(value, i, quad, None) for value, i, quad in rough[pool:]]
    others += [(bound, i, quad, support) for bound, i, quad, support in bounded[k:]]
    for bound, i, quad, support in sorted(others, key=lambda item: -item[0]):
        floor = ranked[keep - 1][0] if len(ranked) >= keep else -1.0
        if bound < floor:
            break
        value = bound if support is None else score(field, quad, ROUGH_REACH, support)
        if value >= floor and like.without_layout(quad) >= CARD_LIKE:
            ranked.append((value * like.without_layout(quad), i, quad))
            ranked.sort(key=lambda item: -item[0])
    return [quad for _, _, quad in ranked[:keep]]


def find_card(rgb: np.ndarray, side: str | None = None) -> tuple[Detection | None, EdgeField]:
    """The card's outline in `rgb` (a working-size image), or None when no outline holds up."""
    field = EdgeField(rgb)
    frame = field.width * field.height
    like = _Likeness(field, side)
    # Faces always get a few turns of their own: on a patterned surface the outlines of its
    # lines can outscore the card's on edges alone and push it out of the rough ranking.
    faces = _distinct(_face_quads(field, geo.MIN_AREA_FRACTION * frame, like.busy), frame)
    faces = _most_likely(field, faces, like, FACE_TOP)
    chosen = _most_likely(field, proposals(field), like, REFINE_TOP)
    # So do the regions of the photo with its print lifted (a card on paperwork), those where
    # no proposal refined anyway is (on a plain desk, most are)
    lifted = [
        quad
        for quad in _distinct(lifted_quads(field, geo.MIN_AREA_FRACTION * frame), frame)
        if all(np.abs(quad - q).max() > FACE_SAME_PX for q in chosen)
    ]
    faces += _most_likely(field, lifted, like, LIFTED_TOP)
    chosen += [  # a face where a proposal already is refines to the same outline
        face for face in faces if all(np.abs(face - q).max() > FACE_SAME_PX for q in chosen)
    ]
    scored = []
    for quad in chosen:
        scored.append((score(field, quad), quad))
        refined = refine(field, quad)
        if refined is not None and geo.plausible(refined, frame):
            support = side_support(field, refined)
            scored.append((score(field, refined, support=support), refined))
            refitted = refit_weak_side(field, refined, support)
            if refitted is not None and geo.plausible(refitted, frame):
                scored.append((score(field, refitted), refitted))
    if not scored:
        return None, field
    like.mark_pieces(scored)
    quad = _whole_card(like.judge(scored), like)
    if like(quad) < FORGIVE_BELOW and side in ("front", "back"):
        again = like.forgiving_one_side()
        second = _whole_card(again.judge(scored), again)
        if again.forgiven[id(second)] > again.plain[id(second)]:  # (else not what it is for)
            like, quad = again, second
    quad = _widened(field, quad, like)
    quad, overshoots = _pulled_in(field, quad, like)
    quad = _proportion_restored(field, quad, like)
    support = side_support(field, quad)
    return Detection(
        quad=quad,
        support=float(support.mean()),
        weakest_side=float(support.min()),
        contrast=float(np.median(side_contrasts(field, quad))),
        likeness=like(quad),
        strongest=max(value for value, _ in scored),
        overshoots=overshoots,
    ), field
