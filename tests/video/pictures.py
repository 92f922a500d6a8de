"""Stills for the snapshot tests, made here: a plain frame, noise, and a drawn face (a grey oval
with hair, brows, eyes, nose and mouth) that OpenCV's frontal Haar cascade does detect. The
drawn face proves the plumbing and the detector's use, not its accuracy on real people."""

from __future__ import annotations

import cv2
import numpy as np


def encoded(image: np.ndarray, ext: str = ".jpg") -> bytes:
    ok, data = cv2.imencode(ext, image)
    assert ok
    return data.tobytes()


def plain(width: int = 640, height: int = 480, grey: int = 190) -> np.ndarray:
    return np.full((height, width, 3), grey, dtype=np.uint8)


def noise(width: int = 640, height: int = 480, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=(height, width, 3), dtype=np.uint8)


def face(size: int = 300) -> np.ndarray:
    """A drawn frontal face, `size` pixels square, grey on grey."""
    img = np.full((size, size), 200, np.uint8)
    c = size // 2

    def px(f: float) -> int:
        return int(size * f)

    cv2.ellipse(img, (c, c + 10), (px(0.30), px(0.40)), 0, 0, 360, 170, -1)  # face
    cv2.ellipse(img, (c, c - px(0.25)), (px(0.32), px(0.18)), 0, 180, 360, 40, -1)  # hair
    eyes_y, eyes_dx = c - px(0.06), px(0.12)
    for side in (-1, 1):
        x = c + side * eyes_dx
        cv2.ellipse(img, (x, eyes_y - px(0.06)), (px(0.07), px(0.015)), 0, 0, 360, 60, -1)
        cv2.ellipse(img, (x, eyes_y), (px(0.055), px(0.028)), 0, 0, 360, 70, -1)
        cv2.circle(img, (x, eyes_y), px(0.018), 20, -1)
    cv2.line(img, (c - 6, eyes_y + 10), (c - 10, c + px(0.12)), 130, 3)  # nose
    cv2.ellipse(img, (c, c + px(0.13)), (px(0.04), px(0.015)), 0, 0, 360, 120, -1)
    cv2.ellipse(img, (c, c + px(0.24)), (px(0.09), px(0.025)), 0, 0, 360, 90, -1)  # mouth
    return cv2.GaussianBlur(img, (0, 0), size / 120)


def call_frame(faces: int = 1, width: int = 640, height: int = 480, size: int = 300) -> np.ndarray:
    """A call's frame (colour) with `faces` drawn faces side by side."""
    frame = np.full((height, width), 210, np.uint8)
    top = (height - size) // 2
    for index in range(faces):
        left = (index + 1) * width // (faces + 1) - size // 2
        frame[top : top + size, left : left + size] = face(size)
    return cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
