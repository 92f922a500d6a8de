"""Measures of a photo's quality, each compared with a threshold from `thresholds`.

They are measured on the flattened card scaled to ``ANALYSIS_WIDTH``, so the same card gives the
same numbers whatever the camera's resolution or the card's share of the frame.
"""

from __future__ import annotations

import cv2
import numpy as np

ANALYSIS_WIDTH = 642
# A card's detailed region (its print) fills most of the rectangle around it (cards: 0.53–0.98);
# a patterned surface's lines, closed into a region, cross the frame and fill little of theirs.
REGION_FILL = 0.4


def sharpness(gray: np.ndarray) -> float:
    """√(Laplacian energy / gradient energy) × 100 around the strongest edges (text strokes,
    the portrait's outline): how steep the edges are for their height.

    A blur of width σ scales it by about 1/σ, while lighting and contrast cancel out; measuring
    only at the strongest 5% of edges (and their flanks) after a light smoothing keeps sensor
    noise and JPEG blocks from passing for sharp detail.
    """
    g = cv2.GaussianBlur(gray.astype(np.float32), (0, 0), 0.8)
    lap = cv2.Laplacian(g, cv2.CV_32F, ksize=3)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3) / 4
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3) / 4
    energy = gx * gx + gy * gy
    strong = (energy >= np.percentile(energy, 95)).astype(np.uint8)
    near = cv2.dilate(strong, np.ones((3, 3), np.uint8)).astype(bool)
    return float(100 * np.sqrt(np.sum(lap[near] ** 2) / (np.sum(energy[near]) + 1e-6)))


def brightness(gray: np.ndarray) -> float:
    """The median grey level (as np.median gives it), from the histogram: several times faster
    than sorting for 8-bit images."""
    if gray.dtype != np.uint8 or gray.size == 0:
        return float(np.median(gray))
    counts = np.cumsum(np.bincount(gray.ravel(), minlength=256))
    n = int(counts[-1])
    low = int(np.searchsorted(counts, (n - 1) // 2, side="right"))
    high = int(np.searchsorted(counts, n // 2, side="right"))
    return (low + high) / 2


def glare_fraction(rgb: np.ndarray, inside: np.ndarray | None = None) -> float:
    """The share of pixels burnt out in every channel: a reflection or an overexposed card.
    `inside`: a mask (non-zero where counted) of the part of the image to measure."""
    burnt = cv2.inRange(np.ascontiguousarray(rgb), (250, 250, 250), (255, 255, 255))
    if inside is None:
        return cv2.countNonZero(burnt) / burnt.size
    return cv2.countNonZero(burnt & inside) / max(cv2.countNonZero(inside), 1)


def detailed_region_share(gray: np.ndarray) -> float:
    """The share of the photo covered by one compact detailed region (text, a portrait) on a
    plain ground — a card that is there but whose edges cannot be told from the background —
    or 0 when there is no such region."""
    region = detailed_region(gray)
    return 0.0 if region is None else float(np.count_nonzero(region)) / region.size


def detailed_region(gray: np.ndarray) -> np.ndarray | None:
    """The mask (True inside) of one compact detailed region on a plain ground
    (`detailed_region_share`), or None when there is no such region."""
    g = gray.astype(np.float32)
    detail = cv2.blur(np.abs(g - cv2.GaussianBlur(g, (0, 0), 2.0)), (15, 15))
    mask = (detail > max(1.0, 3.0 * float(np.percentile(detail, 20)))).astype(np.uint8) * 255
    size = max(9, int(0.06 * max(g.shape)))
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((size, size), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
    if count < 2:
        return None
    biggest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    share = stats[biggest, cv2.CC_STAT_AREA] / g.size
    if not 0.05 <= share <= 0.8:
        return None
    inside = labels == biggest
    if _fill(inside, int(stats[biggest, cv2.CC_STAT_AREA])) < REGION_FILL:
        return None  # lines of a pattern running across the frame (a tiled table's grout)
    flat = float(detail[~inside].mean()) < 0.35 * float(detail[inside].mean())
    return inside if flat else None


def _fill(inside: np.ndarray, area: int) -> float:
    """The share of its smallest enclosing rectangle (any angle) that a region fills."""
    contours, _ = cv2.findContours(
        inside.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
    )
    _, (w, h), _ = cv2.minAreaRect(np.concatenate(contours))
    return area / max(w * h, 1.0)
