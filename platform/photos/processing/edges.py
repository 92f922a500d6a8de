"""The colour-gradient field of the working image, sampled along candidate card sides.

Gradients are taken per channel of a lightly smoothed CIE Lab image, so a change of colour (a
white card on orange wood) counts like a change of brightness.
"""

from __future__ import annotations

import cv2
import numpy as np

EDGE_MIN = 1.0  # Lab units per pixel: the least gradient that counts as an edge of the card


def colour_distance(diff: np.ndarray) -> np.ndarray:
    """The length of each colour difference (last axis: 3 channels), the same numbers as
    np.linalg.norm(diff, axis=-1), which sums the squares in this order, several times faster
    on a whole image (a strided reduction over 3 values is numpy's slow case)."""
    sq = diff * diff
    total = sq[..., 0] + sq[..., 1]
    total += sq[..., 2]
    return np.sqrt(total, out=total)


def median(values: np.ndarray, axis: int) -> np.ndarray:
    """np.median along `axis`, the same numbers (the mean of the two middle values for an even
    count), without its overhead: it runs hundreds of times per photo on a few hundred values."""
    ordered = np.sort(values, axis=axis)
    middle = values.shape[axis] // 2
    high = np.take(ordered, middle, axis=axis)
    if values.shape[axis] % 2:
        return high
    return (np.take(ordered, middle - 1, axis=axis) + high) / 2


class EdgeField:
    """The smoothed Lab image and its per-channel gradients, sampled along candidate sides."""

    def __init__(self, rgb: np.ndarray):
        lab = cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)
        self.lab = cv2.GaussianBlur(lab, (0, 0), 1.2)
        self.gx = cv2.Sobel(self.lab, cv2.CV_32F, 1, 0, ksize=3) / 8.0
        self.gy = cv2.Sobel(self.lab, cv2.CV_32F, 0, 1, ksize=3) / 8.0
        self.height, self.width = rgb.shape[:2]
        self.rgb = rgb
        # pixel rows of the flattened images: np.take on these gathers the same values as
        # indexing with (y, x), several times faster
        self._lab_rows = self.lab.reshape(-1, 3)
        self._gx_rows, self._gy_rows = self.gx.reshape(-1, 3), self.gy.reshape(-1, 3)
        self._strongest: tuple[np.ndarray, np.ndarray] | None = None

    def _index(self, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # ufuncs with `out`, not np.clip: this runs thousands of times per photo
        x = np.rint(pts[..., 0]).astype(np.intp)
        y = np.rint(pts[..., 1]).astype(np.intp)
        np.minimum(np.maximum(x, 0, out=x), self.width - 1, out=x)
        np.minimum(np.maximum(y, 0, out=y), self.height - 1, out=y)
        return y, x

    def _pixel(self, pts: np.ndarray) -> np.ndarray:
        """The flat index (y · width + x) of the pixel nearest each point, clamped to the frame."""
        y, x = self._index(pts)
        y *= self.width
        y += x
        return y

    def gradients(self, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The per-channel gradients (gx, gy) at the pixel nearest each point."""
        pixel = self._pixel(pts)
        return np.take(self._gx_rows, pixel, axis=0), np.take(self._gy_rows, pixel, axis=0)

    def across(self, pts: np.ndarray, normal: np.ndarray) -> np.ndarray:
        """The colour gradient across a side (along its normal) at each point; 0 off the frame."""
        gx, gy = self.gradients(pts)
        g = gx * normal[0] + gy * normal[1]
        inside = (
            (pts[..., 0] >= 1)
            & (pts[..., 0] <= self.width - 2)
            & (pts[..., 1] >= 1)
            & (pts[..., 1] <= self.height - 2)
        )
        return colour_distance(g) * inside

    def colours(self, pts: np.ndarray) -> np.ndarray:
        return np.take(self._lab_rows, self._pixel(pts), axis=0)

    def colour_canny(self, low: float, high: float) -> np.ndarray:
        """Canny on the strongest channel's gradient at each pixel (a colour edge map)."""
        if self._strongest is None:  # the same for every threshold: worked out once
            # the first channel of the largest magnitude, as np.argmax picks it, by two
            # comparisons (argmax and take_along_axis over 3 values are slow on a whole image)
            mag = self.gx * self.gx + self.gy * self.gy
            second = mag[..., 1] > mag[..., 0]
            third = mag[..., 2] > np.maximum(mag[..., 0], mag[..., 1])
            dx = np.where(
                third, self.gx[..., 2], np.where(second, self.gx[..., 1], self.gx[..., 0])
            )
            dy = np.where(
                third, self.gy[..., 2], np.where(second, self.gy[..., 1], self.gy[..., 0])
            )
            self._strongest = ((dx * 16).astype(np.int16), (dy * 16).astype(np.int16))
        dx, dy = self._strongest
        return cv2.Canny(dx, dy, low * 16, high * 16, L2gradient=True)
