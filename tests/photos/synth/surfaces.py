"""Patterned surfaces a card is photographed on, drawn in the plane the card lies in.

Checked and striped cloth, a tartan (plaid, light or dark), a printed page and a form, ruled
and squared notebook paper, a keyboard, a tiled table. Each is drawn
axis-aligned in its own millimetre grid, turned by `angle` against the card and projected with
the card's own perspective, so its straight lines converge the way the card's edges do. The
lines are what makes these surfaces hard: they run as long and as straight as a card's edge.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/opentype/noto/"
PATTERNS = ("checked", "striped", "page", "form", "keyboard", "tiles", "plaid", "ruled")
TEXT = (
    "本人已阅读并理解上述条款自愿申请开立期货账户并承诺所提供的资料真实准确完整如有变更将及时"
    "通知公司投资者应当充分了解期货交易的风险合理评估自身的经济实力和风险承受能力客户签名日期"
)
KEYS = "QWERTYUIOPASDFGHJKLZXCVBNM1234567890"
LIGHT = ((246, 244, 238), (250, 250, 250), (238, 236, 228), (236, 240, 246))
INKS = ((170, 30, 40), (30, 60, 140), (40, 110, 60), (30, 30, 36), (200, 120, 30), (90, 40, 110))


def _rot(angle: float) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def _font(size_px: float, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = f"NotoSansCJK-{'Bold' if bold else 'Regular'}.ttc"
    return ImageFont.truetype(FONT_DIR + name, max(6, round(size_px)), index=2)


def _jitter(rng: np.random.Generator, colour, spread: int = 8) -> np.ndarray:
    return np.clip(np.array(colour, np.float32) + rng.integers(-spread, spread + 1, 3), 0, 255)


def _checked(rng, w, h, r) -> np.ndarray:
    y, x = np.mgrid[0:h, 0:w].astype(np.float32) / r
    period = rng.uniform(6, 30)
    width = rng.uniform(0.3, 0.5) * period
    base = _jitter(rng, LIGHT[rng.integers(len(LIGHT))])
    ink = _jitter(rng, INKS[rng.integers(len(INKS))], 20)
    sx = (x % period < width).astype(np.float32)
    sy = (y % period < width).astype(np.float32)
    amount = (0.5 * (sx + sy))[..., None]
    weave = 1 + 0.05 * np.sin(2 * math.pi * x / 0.8) * np.sin(2 * math.pi * y / 0.8)
    return (base * (1 - amount) + ink * amount) * weave[..., None]


def _striped(rng, w, h, r) -> np.ndarray:
    x = np.arange(w, dtype=np.float32) / r
    colours = [_jitter(rng, LIGHT[rng.integers(len(LIGHT))])] + [
        _jitter(rng, INKS[rng.integers(len(INKS))], 30) for _ in range(rng.integers(1, 3))
    ]
    widths = rng.uniform(3, 25, len(colours))
    edges = np.cumsum(widths)
    which = np.searchsorted(edges, x % edges[-1], side="right")
    row = np.array(colours)[np.minimum(which, len(colours) - 1)]
    return np.broadcast_to(row[None], (h, w, 3)).astype(np.float32)


def _band_set(rng, length: int, r: float, colours: list) -> np.ndarray:
    """Stripes of random widths (mm) cycling through `colours`, along one axis: length × 3."""
    widths = rng.uniform(1.5, 14, len(colours) + int(rng.integers(0, 3)))
    cycle = [colours[k % len(colours)] for k in range(len(widths))]
    edges = np.cumsum(widths)
    pos = (np.arange(length, dtype=np.float32) / r) % edges[-1]
    which = np.minimum(np.searchsorted(edges, pos, side="right"), len(cycle) - 1)
    return np.array(cycle, np.float32)[which]


def _plaid(rng, w, h, r) -> np.ndarray:
    """A tartan: bands of colour both ways, where they cross the colours mix (a buffalo check
    of red and black, a light shirt check, a dark wool plaid)."""
    dark = rng.random() < 0.4
    pool = INKS + ((20, 20, 24), (200, 40, 40)) if dark else LIGHT + INKS
    colours = [_jitter(rng, pool[rng.integers(len(pool))], 20) for _ in range(rng.integers(2, 4))]
    cols, rows = _band_set(rng, w, r, colours), _band_set(rng, h, r, colours[::-1])
    mix = rng.uniform(0.4, 0.6)
    weave = 1 + 0.04 * np.sin(2 * math.pi * np.arange(w, dtype=np.float32) / (0.9 * r))
    return (mix * cols[None, :, :] + (1 - mix) * rows[:, None, :]) * weave[None, :, None]


def _ruled(rng, w, h, r) -> np.ndarray:
    """Notebook paper: ruled lines 6–9 mm apart with a red margin, or a 5 mm square grid; a
    few handwritten-looking lines of text on some."""
    paper = _jitter(rng, (248, 248, 244), 6)
    img = np.empty((h, w, 3), np.float32)
    img[:] = paper
    ink = _jitter(rng, (150, 180, 215), 25)
    step = rng.uniform(4.5, 5.5) if rng.random() < 0.4 else rng.uniform(6, 9)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32) / r
    width = rng.uniform(0.15, 0.35)
    lines = (y % step) < width
    if step < 6:
        lines |= (x % step) < width
    img[lines] = ink
    margin = rng.uniform(15, 40)
    img[(x % 180 > margin) & (x % 180 < margin + 0.4)] = (215, 90, 90)
    if rng.random() < 0.5:
        pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
        _lines_of_text(ImageDraw.Draw(pil), rng, (margin * r, 0, w, h), r, step * 0.7)
        img = np.asarray(pil).astype(np.float32)
    return img


def _tiles(rng, w, h, r) -> np.ndarray:
    y, x = np.mgrid[0:h, 0:w].astype(np.float32) / r
    size = rng.uniform(20, 60) if rng.random() < 0.4 else rng.uniform(100, 300)
    grout = rng.uniform(1.5, 4.0)
    if rng.random() < 0.3:  # rows laid like bricks
        x = x + (np.floor(y / size) % 2) * size / 2
    tile = np.array(
        rng.choice([[240, 240, 236], [226, 218, 202], [200, 204, 206], [188, 208, 220]]),
        np.float32,
    )
    joint = tile * rng.uniform(0.55, 0.8) if rng.random() < 0.7 else np.full(3, 245.0)
    marble = cv2.resize(rng.standard_normal((24, 24)).astype(np.float32), (w, h))
    on_joint = ((x % size < grout) | (y % size < grout)).astype(np.float32)[..., None]
    face = tile * (1 + 0.03 * marble)[..., None]
    return face * (1 - on_joint) + joint * on_joint


def _keyboard(rng, w, h, r) -> np.ndarray:
    dark = rng.random() < 0.6
    plate = _jitter(rng, (34, 34, 38) if dark else (206, 208, 212))
    key = _jitter(rng, (52, 52, 56) if dark else (240, 240, 242))
    label = (220, 220, 220) if dark else (40, 40, 40)
    img = Image.new("RGB", (w, h), tuple(int(c) for c in plate))
    draw = ImageDraw.Draw(img)
    pitch, size = 19 * r, rng.uniform(15, 17) * r
    font = _font(4 * r)
    for row in range(int(h / pitch) + 1):
        shift = (0.0, 0.25, 0.5, 0.75, 0.3)[row % 5] * pitch
        for col in range(-1, int(w / pitch) + 1):
            x0, y0 = col * pitch + shift, row * pitch
            draw.rounded_rectangle(
                (x0, y0, x0 + size, y0 + size), radius=1.2 * r, fill=tuple(int(c) for c in key)
            )
            draw.text(
                (x0 + 0.2 * size, y0 + 0.12 * size), KEYS[rng.integers(len(KEYS))], label, font
            )
    return np.asarray(img).astype(np.float32)


def _lines_of_text(draw, rng, box, r, line_mm: float) -> None:
    x0, y0, x1, y1 = box
    font = _font(line_mm * r)
    y = y0
    while y + line_mm * r < y1:
        start = int(rng.integers(len(TEXT)))
        count = max(1, int((x1 - x0) / (line_mm * r)))
        if rng.random() < 0.15:
            count = int(count * rng.uniform(0.2, 0.8))  # the end of a paragraph
        text = (TEXT * 3)[start : start + count]
        draw.text((x0, y), text, fill=(30, 30, 34), font=font)
        y += line_mm * r * rng.uniform(1.5, 2.0)


def _paper(rng, w, h, r, form: bool) -> np.ndarray:
    paper = tuple(int(c) for c in _jitter(rng, (246, 246, 242), 5))
    img = Image.new("RGB", (w, h), paper)
    draw = ImageDraw.Draw(img)
    line_mm = rng.uniform(3.2, 4.5)
    if not form:
        _lines_of_text(draw, rng, (0, 0, w, h), r, line_mm)
        return np.asarray(img).astype(np.float32)
    rule = max(1, round(rng.uniform(0.25, 0.6) * r))
    row_mm = rng.uniform(8, 13)
    splits = np.sort(rng.uniform(0.15, 0.85, int(rng.integers(1, 4)))) * w
    y = 0.0
    while y < h:
        draw.line((0, y, w, y), fill=(20, 20, 20), width=rule)
        cells = [0.0, *splits, float(w)]
        for left, right in zip(cells[:-1], cells[1:], strict=True):
            if rng.random() < 0.6:
                _lines_of_text(
                    draw, rng, (left + r, y + 2 * r, right, y + 2 * r + line_mm * r), r, line_mm
                )
        y += row_mm * r
    for x in splits:
        draw.line((x, 0, x, h), fill=(20, 20, 20), width=rule)
    return np.asarray(img).astype(np.float32)


def _drawn(kind: str, rng: np.random.Generator, w: int, h: int, r: float) -> np.ndarray:
    if kind == "checked":
        return _checked(rng, w, h, r)
    if kind == "striped":
        return _striped(rng, w, h, r)
    if kind == "tiles":
        return _tiles(rng, w, h, r)
    if kind == "keyboard":
        return _keyboard(rng, w, h, r)
    if kind == "plaid":
        return _plaid(rng, w, h, r)
    if kind == "ruled":
        return _ruled(rng, w, h, r)
    return _paper(rng, w, h, r, form=kind == "form")


def surface(
    kind: str,
    mm_to_image: np.ndarray,
    size: tuple[int, int],
    angle: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """A float32 RGB image of `size` of the surface `kind`, seen through `mm_to_image` (the
    homography from the card plane's millimetres, card centred, to photo pixels)."""
    w, h = size
    half = np.diag([0.5, 0.5, 1.0])  # drawn at half the photo's size, then enlarged
    to_half = half @ mm_to_image @ _rot(angle)
    inverse = np.linalg.inv(to_half)
    frame = np.array([[0, 0, 1], [w / 2, 0, 1], [w / 2, h / 2, 1], [0, h / 2, 1]], float)
    seen = frame @ inverse.T
    seen = seen[:, :2] / seen[:, 2:]
    lo, hi = seen.min(axis=0) - 2, seen.max(axis=0) + 2
    probe = np.array([[0, 0, 1], [1, 0, 1], [0, 1, 1]], float) @ to_half.T
    probe = probe[:, :2] / probe[:, 2:]
    r = float(np.sqrt(np.linalg.norm(probe[1] - probe[0]) * np.linalg.norm(probe[2] - probe[0])))
    r = min(r, 2400 / float(max(hi - lo)))  # pattern px per mm: about the half photo's
    pw, ph = (int(math.ceil(v * r)) for v in hi - lo)
    drawn = _drawn(kind, rng, pw, ph, r)
    if rng.random() < 0.5 and kind in ("page", "form", "ruled", "keyboard"):
        # its edge in the frame, then the desk
        drawn = _with_edge(drawn, rng)
    to_mm = np.array([[1 / r, 0, lo[0]], [0, 1 / r, lo[1]], [0, 0, 1]])
    img = cv2.warpPerspective(
        np.ascontiguousarray(drawn, dtype=np.float32),
        to_half @ to_mm,
        (w // 2, h // 2),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REFLECT,
    )
    return cv2.resize(img, (w, h), interpolation=cv2.INTER_LINEAR)


def _with_edge(drawn: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The sheet or keyboard ends inside the frame: a plain desk beyond one of its edges."""
    h, w = drawn.shape[:2]
    desk = np.array(rng.choice([[110, 70, 44], [40, 40, 44], [150, 100, 60], [90, 96, 104]]))
    out = drawn.copy()
    side, cut = int(rng.integers(4)), rng.uniform(0.08, 0.25)
    if side == 0:
        out[:, : int(cut * w)] = desk
    elif side == 1:
        out[:, int((1 - cut) * w) :] = desk
    elif side == 2:
        out[: int(cut * h)] = desk
    else:
        out[int((1 - cut) * h) :] = desk
    return out
