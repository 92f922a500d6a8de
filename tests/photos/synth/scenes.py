"""Photographing a rendered card: geometry with known corners, backgrounds, light, noise, JPEG.

Conventions (the same as the service's): corners are pixel coordinates of the photo as displayed
(after EXIF orientation), ordered top-left, top-right, bottom-right, bottom-left of the card as it
reads upright; `quarter` is how many quarter turns counter-clockwise the card lies in the photo,
so `rotation = 90 * quarter` is the clockwise turn that makes it upright again.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

from .surfaces import PATTERNS, surface

BACKGROUNDS = ("wood", "cloth", "dark", "light")
CARD_PX = (1284, 810)  # the rendered card, 15 px/mm


@dataclass(frozen=True)
class Scene:
    size: tuple[int, int] = (1280, 960)
    background: str = "wood"
    quarter: int = 0
    skew_deg: float = 0.0
    tilt_deg: tuple[float, float] = (0.0, 0.0)
    area_fraction: float = 0.45
    position: tuple[float, float] = (0.5, 0.5)  # where the card's centre goes, in free space
    # Uneven light: the direction of a gradient, how much it darkens the far side, the overall gain.
    light: tuple[float, float, float] = (0.0, 0.0, 1.0)
    # The light's colour as the camera's white balance left it (R, G, B gains): warm lamps,
    # cool shade; neutral by default.
    tint: tuple[float, float, float] = (1.0, 1.0, 1.0)
    noise: float = 3.0
    blur: float = 0.0
    jpeg_quality: int = 85
    shadow: bool = True
    exif_orientation: int = 1
    glare: float = 0.0  # strength of a specular highlight over the card
    background_colour: tuple[int, int, int] | None = None  # a flat background of this colour
    pattern_angle: float = 0.0  # a patterned surface's turn against the card, radians
    # A bank card beside the ID card: (turn in degrees, gap in mm), placed towards the frame's
    # centre in the card's plane; None for none.
    companion: tuple[float, float] | None = None
    # A thumb holding the card: "" for none, "edge" over the middle part of a side, "corner"
    # over a corner (the card's corners stay where they are: the crop must still find them).
    thumb: str = ""
    extra: dict = field(default_factory=dict)


def _card_quad(scene: Scene, card_size: tuple[int, int]) -> np.ndarray:
    """The card's corners in the photo: turn in the plane, tilt in 3-D, project, then scale and
    place so the card covers `area_fraction` of the frame."""
    cw, ch = card_size
    pts = np.array([[-cw / 2, -ch / 2], [cw / 2, -ch / 2], [cw / 2, ch / 2], [-cw / 2, ch / 2]])
    phi = math.radians(90 * scene.quarter + scene.skew_deg)
    turn = np.array([[math.cos(phi), math.sin(phi)], [-math.sin(phi), math.cos(phi)]])
    pts = pts @ turn.T
    ax, ay = (math.radians(a) for a in scene.tilt_deg)
    rx = np.array([[1, 0, 0], [0, math.cos(ax), -math.sin(ax)], [0, math.sin(ax), math.cos(ax)]])
    ry = np.array([[math.cos(ay), 0, math.sin(ay)], [0, 1, 0], [-math.sin(ay), 0, math.cos(ay)]])
    p3 = np.c_[pts, np.zeros(4)] @ (ry @ rx).T
    distance = 1.6 * cw
    pts = p3[:, :2] * distance / (distance + p3[:, 2:3])
    w, h = scene.size
    d1, d2 = pts[2] - pts[0], pts[3] - pts[1]
    area = 0.5 * abs(d1[0] * d2[1] - d1[1] * d2[0])
    pts = pts * math.sqrt(scene.area_fraction * w * h / area)
    span = pts.max(axis=0) - pts.min(axis=0)
    margin = 0.015 * np.array([w, h])
    free = np.maximum(np.array([w, h]) - span - 2 * margin, 0)
    origin = margin + free * np.array(scene.position) - pts.min(axis=0)
    return (pts + origin).astype(np.float32)


def min_area_fraction(scene: Scene, card_size: tuple[int, int], long_side: float) -> float:
    """The smallest area fraction at which the turned, tilted card's long sides measure
    `long_side` pixels on average (as the judge measures a card's size)."""
    quad = _card_quad(Scene(**{**scene.__dict__, "area_fraction": 1.0}), card_size)
    sides = np.linalg.norm(np.roll(quad, -1, axis=0) - quad, axis=1)
    longest = max(sides[0] + sides[2], sides[1] + sides[3]) / 2
    return float((long_side / longest) ** 2)


def max_area_fraction(scene: Scene, card_size: tuple[int, int]) -> float:
    """The largest area fraction at which the turned, tilted card still fits the frame."""
    quad = _card_quad(Scene(**{**scene.__dict__, "area_fraction": 1.0}), card_size)
    span = quad.max(axis=0) - quad.min(axis=0)
    return 0.97 * min(scene.size[0] / span[0], scene.size[1] / span[1]) ** 2


def _smooth_noise(rng: np.random.Generator, h: int, w: int, cells: tuple[int, int]) -> np.ndarray:
    small = rng.standard_normal((cells[1], cells[0])).astype(np.float32)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)


def background(kind: str, size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A float32 RGB background: procedural wood, woven cloth, a dark or a light desk."""
    w, h = size
    sw, sh = max(w // 4, 64), max(h // 4, 48)
    y, x = np.mgrid[0:sh, 0:sw].astype(np.float32)
    if kind == "wood":
        base = np.array(
            rng.choice([[186, 140, 92], [150, 100, 60], [110, 70, 44], [205, 170, 125]]), np.float32
        )
        along_x = rng.random() < 0.5
        u, v = (y, x) if along_x else (x, y)
        warp = _smooth_noise(rng, sh, sw, (6, 4)) * rng.uniform(4, 14)
        rings = np.sin(2 * math.pi * (u + warp + 0.02 * v) / rng.uniform(6, 18))
        grain = _smooth_noise(rng, sh, sw, (3, 200) if along_x else (200, 3))
        tone = 1 + 0.08 * rings + 0.06 * grain
        if rng.random() < 0.5:  # seams between planks: long straight dark lines
            step = int(rng.integers(sh // 3, sh))
            seam = np.abs(((u + step // 2) % step) - step / 2) > step / 2 - 1.2
            tone = tone * (1 - 0.35 * seam)
        img = tone[..., None] * base
    elif kind == "cloth":
        base = np.array(
            rng.choice(
                [[60, 80, 140], [140, 40, 50], [90, 110, 80], [170, 160, 140], [80, 80, 86]]
            ),
            np.float32,
        )
        period = rng.uniform(2.2, 4.0)
        weave = np.sin(2 * math.pi * x / period) * np.sin(2 * math.pi * y / period)
        folds = _smooth_noise(rng, sh, sw, (5, 4))
        img = (1 + 0.12 * weave + 0.08 * folds)[..., None] * base
    elif kind == "dark":
        base = np.array(rng.integers(18, 60) + rng.integers(-6, 6, 3), np.float32)
        img = (1 + 0.1 * _smooth_noise(rng, sh, sw, (8, 6)))[..., None] * base
    else:  # light desks, close to the card's colour but still told apart (ΔE about 7–20)
        base = np.array(
            rng.choice(
                [
                    [206, 206, 202],
                    [226, 214, 192],
                    [250, 250, 248],
                    [196, 208, 222],
                    [232, 224, 206],
                ]
            ),
            np.float32,
        )
        base = base + rng.integers(-4, 4, 3)
        img = (1 + 0.02 * _smooth_noise(rng, sh, sw, (8, 6)))[..., None] * base
    return cv2.resize(img.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)


def _light(scene: Scene, h: int, w: int) -> np.ndarray:
    angle, depth, gain = scene.light
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    ramp = (x / w - 0.5) * math.cos(angle) + (y / h - 0.5) * math.sin(angle)  # -0.7 … 0.7
    return (gain * (1 - depth * (0.7 - ramp) / 1.4)).astype(np.float32)


def _mm_to_image(corners: np.ndarray, card_size: tuple[int, int]) -> np.ndarray:
    """The homography from the card plane's millimetres (card centred) to photo pixels."""
    cw, ch = card_size
    src = np.float32([[0, 0], [cw, 0], [cw, ch], [0, ch]])
    to_px = np.array([[15.0, 0, cw / 2], [0, 15.0, ch / 2], [0, 0, 1]])
    return cv2.getPerspectiveTransform(src, corners.astype(np.float32)) @ to_px


def _companion_homography(scene: Scene, mm_to_image: np.ndarray) -> np.ndarray:
    """Card pixels of the bank card to photo pixels: beside the ID card, towards the frame's
    centre, turned by the companion's angle, never overlapping the ID card."""
    turn_deg, gap = scene.companion or (0.0, 10.0)
    w, h = scene.size
    centre = np.linalg.inv(mm_to_image) @ np.array([w / 2, h / 2, 1.0])
    direction = centre[:2] / centre[2]
    if np.linalg.norm(direction) < 1:
        direction = np.array([1.0, 0.0])
    direction /= np.linalg.norm(direction)
    half = np.array([42.8, 27.0])
    phi = math.radians(turn_deg)
    axes = np.array([[math.cos(phi), math.sin(phi)], [-math.sin(phi), math.cos(phi)]])
    reach_id = float(np.sum(half * np.abs(direction)))
    reach_bank = float(np.sum(half * np.abs(axes @ direction)))
    offset = direction * (reach_id + reach_bank + gap)
    place = np.array(
        [[axes[0, 0], axes[1, 0], offset[0]], [axes[0, 1], axes[1, 1], offset[1]], [0, 0, 1]]
    )
    from_px = np.array([[1 / 15.0, 0, -42.8], [0, 1 / 15.0, -27.0], [0, 0, 1]])
    return mm_to_image @ place @ from_px


def _lay(img: np.ndarray, card: Image.Image, homography: np.ndarray, shadow: bool) -> np.ndarray:
    h, w = img.shape[:2]
    rgba = np.asarray(card).astype(np.float32)
    warped = cv2.warpPerspective(rgba, homography, (w, h), flags=cv2.INTER_LINEAR)
    alpha = warped[..., 3:4] / 255.0
    if shadow:
        blur = 0.012 * math.sqrt(w * h)
        shade = cv2.GaussianBlur(alpha[..., 0], (0, 0), blur)
        shade = np.roll(shade, (int(blur * 0.6), int(blur * 0.4)), axis=(0, 1))
        img *= (1 - 0.35 * shade)[..., None]
    return img * (1 - alpha) + warped[..., :3] * alpha


def photograph(
    scene: Scene,
    card: Image.Image | None,
    rng: np.random.Generator,
    companion: Image.Image | None = None,
) -> tuple[bytes, np.ndarray | None]:
    """JPEG bytes of the scene and the card's true corners (None when there is no card)."""
    w, h = scene.size
    quad = _card_quad(scene, card.size if card is not None else CARD_PX)
    mm_to_image = _mm_to_image(quad, card.size if card is not None else CARD_PX)
    if scene.background_colour is not None:
        img = np.empty((h, w, 3), np.float32)
        img[:] = scene.background_colour
    elif scene.background in PATTERNS:
        img = surface(scene.background, mm_to_image, scene.size, scene.pattern_angle, rng)
    else:
        img = background(scene.background, scene.size, rng)
    if companion is not None:
        img = _lay(img, companion, _companion_homography(scene, mm_to_image), scene.shadow)
    corners = None
    if card is not None:
        corners = quad
        cw, ch = card.size
        src = np.float32([[0, 0], [cw, 0], [cw, ch], [0, ch]])
        img = _lay(img, card, cv2.getPerspectiveTransform(src, corners), scene.shadow)
    if scene.thumb and card is not None:
        img = _with_thumb(img, scene.thumb, mm_to_image, rng)
    img *= _light(scene, h, w)[..., None]
    if scene.tint != (1.0, 1.0, 1.0):
        img *= np.float32(scene.tint)
    if scene.glare and corners is not None:
        centre = corners.mean(axis=0) + rng.uniform(-0.15, 0.15, 2) * (corners[1] - corners[3])
        radius = scene.glare * np.linalg.norm(corners[2] - corners[0]) / 2
        y, x = np.mgrid[0:h, 0:w].astype(np.float32)
        spot = np.exp(-((((x - centre[0]) ** 2 + ((y - centre[1]) * 1.4) ** 2) / radius**2) ** 2))
        img += 400 * spot[..., None]
    if scene.blur:
        img = cv2.GaussianBlur(img, (0, 0), scene.blur)
    if scene.noise:
        img += rng.standard_normal(img.shape, dtype=np.float32) * scene.noise
    out = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    return _encode(out, scene), corners


SKIN = ((224, 172, 140), (198, 142, 108), (236, 196, 170), (170, 116, 86))


def _with_thumb(
    img: np.ndarray, where: str, mm_to_image: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """A thumb over one side of the card or one corner, drawn in the card's plane: an ellipse
    of skin reaching 5–10 mm onto the card from outside, shaded towards its rim."""
    half = np.array([42.8, 27.0])
    if where == "corner":
        corner = half * np.array([rng.choice([-1, 1]), rng.choice([-1, 1])])
        outward = corner / np.linalg.norm(corner)
        tip = corner - outward * rng.uniform(5, 9)
    else:
        axis = int(rng.integers(2))
        outward = np.zeros(2)
        outward[axis] = rng.choice([-1, 1])
        along = np.zeros(2)
        along[1 - axis] = rng.uniform(-0.5, 0.5) * half[1 - axis]
        tip = along + outward * (half[axis] - rng.uniform(5, 10))
    turn = rng.uniform(-0.35, 0.35)
    c, s = np.cos(turn), np.sin(turn)
    direction = np.array([[c, -s], [s, c]]) @ outward
    length, width = rng.uniform(26, 34), rng.uniform(8, 11)
    centre = tip + direction * length
    t = np.linspace(0, 2 * np.pi, 72)
    across = np.array([-direction[1], direction[0]])
    ring = centre + np.outer(np.cos(t) * length, direction) + np.outer(np.sin(t) * width, across)
    pts = np.c_[ring, np.ones(len(ring))] @ mm_to_image.T
    pts = (pts[:, :2] / pts[:, 2:]).astype(np.int32)
    h, w = img.shape[:2]
    mask = np.zeros((h, w), np.float32)
    cv2.fillPoly(mask, [pts], 1.0)
    soft = max(1.0, 0.002 * np.sqrt(w * h))
    shade = cv2.GaussianBlur(mask, (0, 0), 6 * soft)  # darker towards the rim
    mask = cv2.GaussianBlur(mask, (0, 0), soft)
    skin = np.array(SKIN[rng.integers(len(SKIN))], np.float32) + rng.uniform(-10, 10, 3)
    tone = (0.7 + 0.3 * shade)[..., None] * skin
    return img * (1 - mask[..., None]) + tone * mask[..., None]


_STORE_TRANSPOSE = {
    3: Image.Transpose.ROTATE_180,
    6: Image.Transpose.ROTATE_90,
    8: Image.Transpose.ROTATE_270,
}


def _encode(img: Image.Image, scene: Scene) -> bytes:
    """JPEG as a phone writes it: with an orientation tag, the pixels stored un-turned."""
    exif = Image.Exif()
    if scene.exif_orientation != 1:
        img = img.transpose(_STORE_TRANSPOSE[scene.exif_orientation])
        exif[0x0112] = scene.exif_orientation
    exif[0x010F] = "SynthPhone"  # Make
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=scene.jpeg_quality, exif=exif.tobytes())
    return buf.getvalue()
