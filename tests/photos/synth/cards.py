"""Specimen ID cards in the layout of the second-generation resident ID card, with fake data.

Front (portrait side): name, sex, ethnicity, birth date and address on the left, the portrait on
the right, the ID number along the bottom. Back (emblem side): a round red emblem at the top left,
"中华人民共和国 / 居民身份证" to its right, the issuing authority and validity at the bottom. The
positions jitter by about a millimetre and the portrait changes style, so a test does not pass by
matching one exact drawing.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

PX_PER_MM = 15
CARD_SIZE = (round(85.6 * PX_PER_MM), round(54 * PX_PER_MM))  # 1284 × 810
CORNER_RADIUS_MM = 3.2
FONT_DIR = "/usr/share/fonts/opentype/noto/"
SC_INDEX = 2  # the Simplified Chinese face inside the Noto CJK collections

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"
ETHNICITIES = ("汉", "回", "满", "壮", "苗", "蒙古")
PLACES = (
    "北京市东城区",
    "上海市浦东新区",
    "广东省广州市天河区",
    "浙江省杭州市西湖区",
    "四川省成都市武侯区",
    "湖北省武汉市洪山区",
    "江苏省南京市鼓楼区",
)
STREETS = ("示例路", "样本街", "测试大道", "虚构巷", "模拟路")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _font(size_mm: float, *, serif: bool = False, bold: bool = False, mono: bool = False):
    name = f"Noto{'Serif' if serif else 'Sans'}CJK-{'Bold' if bold else 'Regular'}.ttc"
    index = 7 if mono else SC_INDEX  # 7: Noto Sans Mono CJK SC
    return ImageFont.truetype(FONT_DIR + name, round(size_mm * PX_PER_MM), index=index)


def _mm(x: float) -> int:
    return round(x * PX_PER_MM)


def fake_id_number(rng: np.random.Generator) -> str:
    """18 characters that pass GB 11643, in a region code (990000) no real person has."""
    birth = f"{rng.integers(1950, 2004)}{rng.integers(1, 13):02d}{rng.integers(1, 29):02d}"
    first17 = "990" + f"{rng.integers(0, 1000):03d}" + birth + f"{rng.integers(0, 1000):03d}"
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def _guilloche(
    rng: np.random.Generator, base: tuple[int, int, int], inks: list[tuple[int, int, int]]
) -> np.ndarray:
    """A pale background of fine interleaved wave lines and soft colour fields, like the
    security print of the real card (drawn at half size, then enlarged: it is 4× faster)."""
    w, h = CARD_SIZE[0] // 2, CARD_SIZE[1] // 2
    y, x = np.mgrid[0:h, 0:w].astype(np.float32) * 2
    img = np.empty((h, w, 3), np.float32)
    img[:] = base
    glow = np.exp(
        -(
            ((x - w * rng.uniform(0.3, 0.7)) / (w * 0.35)) ** 2
            + ((y - h * rng.uniform(0.3, 0.7)) / (h * 0.4)) ** 2
        )
    )
    img += glow[..., None] * np.array(rng.uniform(-14, 8, 3), np.float32)
    for ink in inks:
        period = rng.uniform(9, 16)
        amp, wave = rng.uniform(8, 30), rng.uniform(120, 320)
        angle = rng.uniform(0, math.pi)
        u = x * math.cos(angle) + y * math.sin(angle)
        v = -x * math.sin(angle) + y * math.cos(angle)
        phase = (u + amp * np.sin(2 * math.pi * v / wave)) / period
        line = np.clip(1.0 - np.abs(phase - np.round(phase)) / 0.09, 0, 1) * 0.55
        img = img * (1 - line[..., None]) + np.array(ink, np.float32) * line[..., None]
    return cv2.resize(img, CARD_SIZE, interpolation=cv2.INTER_LINEAR)


def _rounded_alpha() -> Image.Image:
    alpha = Image.new("L", CARD_SIZE, 0)
    ImageDraw.Draw(alpha).rounded_rectangle(
        (0, 0, CARD_SIZE[0] - 1, CARD_SIZE[1] - 1), radius=_mm(CORNER_RADIUS_MM), fill=255
    )
    return alpha


def _portrait(rng: np.random.Generator, size: tuple[int, int]) -> Image.Image:
    """A face-like block: plain backdrop, shoulders, neck, face and hair."""
    w, h = size
    backdrop = tuple(
        int(c)
        for c in rng.choice([[236, 238, 240], [214, 226, 240], [245, 245, 245], [222, 222, 222]])
        + rng.integers(-6, 6, 3)
    )
    img = Image.new("RGB", size, backdrop)
    draw = ImageDraw.Draw(img)
    skin = tuple(int(c) for c in rng.choice([[232, 196, 170], [214, 170, 140], [240, 208, 186]]))
    cloth = tuple(
        int(c) for c in rng.choice([[30, 34, 48], [60, 60, 66], [20, 40, 80], [90, 30, 30]])
    )
    hair = tuple(int(c) for c in rng.integers(10, 45, 3))
    cx = w * rng.uniform(0.46, 0.54)
    draw.ellipse((cx - w * 0.55, h * 0.74, cx + w * 0.55, h * 1.35), fill=cloth)
    draw.rectangle((cx - w * 0.09, h * 0.55, cx + w * 0.09, h * 0.8), fill=skin)
    fw, fh = w * rng.uniform(0.26, 0.32), h * rng.uniform(0.25, 0.3)
    top = h * 0.18
    draw.ellipse(
        (cx - fw - w * 0.04, top - h * 0.06, cx + fw + w * 0.04, top + fh * 1.3), fill=hair
    )
    draw.ellipse((cx - fw, top + h * 0.03, cx + fw, top + 2 * fh), fill=skin)
    eye_y = top + fh * 0.95
    for side in (-1, 1):
        ex = cx + side * fw * 0.42
        draw.ellipse(
            (ex - w * 0.035, eye_y - h * 0.012, ex + w * 0.035, eye_y + h * 0.012),
            fill=(40, 30, 30),
        )
    draw.line(
        (cx - fw * 0.3, top + fh * 1.5, cx + fw * 0.3, top + fh * 1.5),
        fill=(170, 80, 80),
        width=max(2, w // 60),
    )
    return img


def _text(
    draw: ImageDraw.ImageDraw,
    xy_mm: tuple[float, float],
    text: str,
    font,
    fill: tuple[int, int, int],
    spacing_mm: float = 0.0,
) -> None:
    x, y = _mm(xy_mm[0]), _mm(xy_mm[1])
    if not spacing_mm:
        draw.text((x, y), text, font=font, fill=fill)
        return
    for ch in text:
        draw.text((x, y), ch, font=font, fill=fill)
        x += round(font.getlength(ch)) + _mm(spacing_mm)


def _front(rng: np.random.Generator) -> Image.Image:
    base = tuple(int(c) for c in rng.integers([222, 230, 228], [236, 242, 240]))
    img = Image.fromarray(
        np.clip(
            _guilloche(rng, base, [(190, 222, 226), (236, 206, 210), (214, 226, 196)]), 0, 255
        ).astype(np.uint8)
    )
    draw = ImageDraw.Draw(img)
    dx, dy = rng.uniform(-1, 1), rng.uniform(-1, 1)
    label, ink = (20, 100, 170), (12, 12, 12)
    small, value = _font(2.8), _font(3.2)
    name = SURNAMES[rng.integers(len(SURNAMES))] + "".join(
        GIVEN[i] for i in rng.integers(len(GIVEN), size=rng.integers(1, 3))
    )
    id_number = fake_id_number(rng)
    rows = [
        ((6, 7), "姓 名", (16, 6.6), name),
        ((6, 14.5), "性 别", (16, 14.1), "男" if rng.random() < 0.5 else "女"),
        (
            (6, 21.5),
            "出 生",
            (16, 21.1),
            f"{id_number[6:10]} 年 {int(id_number[10:12])} 月 {int(id_number[12:14])} 日",
        ),
        (
            (6, 28.5),
            "住 址",
            (16, 28.1),
            PLACES[rng.integers(len(PLACES))] + STREETS[rng.integers(len(STREETS))],
        ),
    ]
    for lxy, ltext, vxy, vtext in rows:
        _text(draw, (lxy[0] + dx, lxy[1] + dy), ltext, small, label)
        _text(draw, (vxy[0] + dx, vxy[1] + dy), vtext, value, ink)
    _text(draw, (29 + dx, 14.5 + dy), "民 族", small, label)
    _text(draw, (39 + dx, 14.1 + dy), ETHNICITIES[rng.integers(len(ETHNICITIES))], value, ink)
    _text(
        draw,
        (16 + dx, 33.6 + dy),
        f"{rng.integers(1, 300)}号{rng.integers(1, 30)}栋"
        f"{rng.integers(1, 9)}单元{rng.integers(101, 2800)}室",
        value,
        ink,
    )
    _text(draw, (6 + dx, 45.5 + dy), "公民身份号码", small, label)
    _text(draw, (28 + dx, 44.6 + dy), id_number, _font(3.6, mono=True), ink, spacing_mm=0.6)
    photo_box = (54.5 + dx, 5.5 + dy, 80.5 + dx, 38.5 + dy)
    size = (_mm(photo_box[2] - photo_box[0]), _mm(photo_box[3] - photo_box[1]))
    img.paste(_portrait(rng, size), (_mm(photo_box[0]), _mm(photo_box[1])))
    return img


def _emblem(
    draw: ImageDraw.ImageDraw,
    centre_mm: tuple[float, float],
    radius_mm: float,
    rng: np.random.Generator,
) -> None:
    """A round red mark with gold rings, stars and a gate: emblem-like, not the real emblem."""
    cx, cy, r = _mm(centre_mm[0]), _mm(centre_mm[1]), _mm(radius_mm)
    red = tuple(int(c) for c in rng.integers([196, 20, 20], [226, 50, 45]))
    gold = (236, 190, 60)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=red)
    draw.ellipse(
        (cx - r * 0.93, cy - r * 0.93, cx + r * 0.93, cy + r * 0.93),
        outline=gold,
        width=max(3, r // 14),
    )
    for i, (sx, sy, sr) in enumerate(
        [
            (0, -0.5, 0.2),
            (-0.45, -0.3, 0.08),
            (-0.25, -0.12, 0.08),
            (0.25, -0.12, 0.08),
            (0.45, -0.3, 0.08),
        ]
    ):
        pts = []
        for k in range(10):
            a = -math.pi / 2 + k * math.pi / 5 + i
            rr = r * sr * (1 if k % 2 == 0 else 0.4)
            pts.append((cx + r * sx + rr * math.cos(a), cy + r * sy + rr * math.sin(a)))
        draw.polygon(pts, fill=gold)
    draw.rectangle((cx - r * 0.45, cy + r * 0.1, cx + r * 0.45, cy + r * 0.45), fill=gold)
    draw.rectangle((cx - r * 0.3, cy + r * 0.2, cx + r * 0.3, cy + r * 0.38), fill=red)
    draw.arc(
        (cx - r * 0.8, cy - r * 0.8, cx + r * 0.8, cy + r * 0.8),
        20,
        160,
        fill=gold,
        width=max(3, r // 10),
    )


def _back(rng: np.random.Generator) -> Image.Image:
    base = tuple(int(c) for c in rng.integers([224, 232, 232], [238, 244, 244]))
    img = Image.fromarray(
        np.clip(
            _guilloche(rng, base, [(196, 220, 232), (232, 214, 200), (206, 228, 214)]), 0, 255
        ).astype(np.uint8)
    )
    draw = ImageDraw.Draw(img)
    dx, dy = rng.uniform(-1, 1), rng.uniform(-1, 1)
    wall = [(_mm(8 + 7 * k), _mm(33 + (2.5 if k % 2 else 0) + dy)) for k in range(11)]
    draw.line(wall, fill=(200, 214, 222), width=_mm(1.2))
    _emblem(draw, (14.5 + dx, 14.5 + dy), rng.uniform(8.5, 10), rng)
    ink = (14, 14, 14)
    _text(
        draw,
        (30 + dx, 7 + dy),
        "中华人民共和国",
        _font(4.6, serif=True, bold=True),
        ink,
        spacing_mm=1.6,
    )
    _text(draw, (29 + dx, 15 + dy), "居民身份证", _font(7.2, bold=True), ink, spacing_mm=2.2)
    small, value = _font(2.8), _font(3.2)
    city = PLACES[rng.integers(len(PLACES))]
    start = rng.integers(2010, 2024)
    _text(draw, (16 + dx, 40.5 + dy), "签发机关", small, ink)
    _text(draw, (30 + dx, 40.1 + dy), f"{city}公安分局", value, ink)
    _text(draw, (16 + dx, 46.5 + dy), "有效期限", small, ink)
    _text(draw, (30 + dx, 46.1 + dy), f"{start}.03.01-{start + 20}.03.01", value, ink)
    return img


def render_card(side: str, rng: np.random.Generator) -> Image.Image:
    """The card, upright, as RGBA at 15 px/mm with transparent rounded corners."""
    img = _front(rng) if side == "front" else _back(rng)
    img.putalpha(_rounded_alpha())
    return img


BANK_STYLES = (
    ((20, 50, 120), (70, 130, 200)),  # blue
    ((150, 20, 30), (220, 70, 60)),  # red
    ((30, 30, 34), (90, 90, 96)),  # black
    ((170, 130, 50), (230, 200, 120)),  # gold
    ((20, 100, 80), (90, 170, 140)),  # green
    ((200, 204, 210), (245, 246, 248)),  # silver-white: bright like an ID card
)


def render_bank_card(rng: np.random.Generator) -> Image.Image:
    """A bank card (the same ISO size as the ID card): a colour gradient, a chip, the bank's
    name, an embossed number and a union-pay-like logo; fake throughout. RGBA, rounded corners."""
    w, h = CARD_SIZE
    dark, light = (np.array(c, np.float32) for c in BANK_STYLES[rng.integers(len(BANK_STYLES))])
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, math.pi)
    ramp = ((x / w) * math.cos(angle) + (y / h) * math.sin(angle) + 1) / 3
    img = Image.fromarray(
        (dark * (1 - ramp[..., None]) + light * ramp[..., None]).clip(0, 255).astype(np.uint8)
    )
    draw = ImageDraw.Draw(img)
    bright = float(light.mean() + dark.mean()) / 2 > 150
    ink = (30, 30, 40) if bright else (240, 240, 236)
    _text(
        draw,
        (6, 5),
        "示例银行" + ("储蓄卡", "信用卡")[int(rng.integers(2))],
        _font(4.2, bold=True),
        ink,
    )
    chip = (_mm(9), _mm(19), _mm(20), _mm(27.5))
    draw.rounded_rectangle(chip, radius=_mm(1.2), fill=(214, 180, 90), outline=(150, 120, 50))
    draw.line((chip[0], _mm(23), chip[2], _mm(23)), fill=(150, 120, 50), width=3)
    draw.line((_mm(14.5), chip[1], _mm(14.5), chip[3]), fill=(150, 120, 50), width=3)
    number = " ".join(f"{rng.integers(0, 10000):04d}" for _ in range(4))
    _text(draw, (8, 33), "6" + number[1:], _font(4.6, mono=True), ink, spacing_mm=0.4)
    _text(draw, (8, 42), "VALID THRU 08/31", _font(2.6), ink)
    lx, ly = _mm(62), _mm(38)
    for k, colour in enumerate(((210, 30, 40), (20, 60, 140), (20, 130, 110))):
        x0 = lx + k * _mm(5)
        draw.polygon(
            [(x0 + _mm(2), ly), (x0 + _mm(8), ly), (x0 + _mm(6), ly + _mm(11)), (x0, ly + _mm(11))],
            fill=colour,
        )
    _text(draw, (65, 44), "银联", _font(3.2, bold=True), (255, 255, 255))
    img.putalpha(_rounded_alpha())
    return img
