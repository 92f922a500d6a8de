"""The company seal's picture drawn for a company that has not uploaded one (content/ keeps an
uploaded one): a round red seal with its name around a five-pointed star, as Chinese company
seals look."""

from __future__ import annotations

import functools
import io
import math

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

SEAL_RED = (208, 22, 28)
SIZE = 600  # px for a 40 mm seal: 380 dpi


def _star(centre: tuple[float, float], radius: float) -> list[tuple[float, float]]:
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.382
        angle = math.radians(-90 + 36 * i)
        points.append((centre[0] + r * math.cos(angle), centre[1] + r * math.sin(angle)))
    return points


def _char(text: str, font: ImageFont.FreeTypeFont, angle: float) -> Image.Image:
    """One red character on a transparent square, turned `angle` degrees clockwise."""
    side = int(font.size * 1.6)
    tile = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    ImageDraw.Draw(tile).text((side / 2, side / 2), text, font=font, fill=SEAL_RED, anchor="mm")
    return tile.rotate(-angle, resample=Image.Resampling.BICUBIC)


@functools.lru_cache(maxsize=8)
def seal_draw(company_name: str, caption: str = "合同专用章") -> bytes:
    """A round red seal, PNG with transparency: ring, the name along the upper arc (clockwise,
    as a seal reads), the star, and the caption under it."""
    scale = 2  # drawn at twice the size and reduced: smooth edges
    size = SIZE * scale
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre = size / 2
    ring = size * 0.47
    draw.ellipse(
        (centre - ring, centre - ring, centre + ring, centre + ring),
        outline=SEAL_RED,
        width=int(size * 0.03),
    )
    draw.polygon(_star((centre, centre), size * 0.17), fill=SEAL_RED)
    name = company_name.strip() or "电子印章"
    font = ImageFont.truetype(settings.SIGNING_SEAL_FONT, int(size * 0.105), index=2)
    span = min(250.0, 24.0 * len(name))  # degrees of the arc the name covers
    radius = size * 0.34
    for i, char in enumerate(name):
        angle = -span / 2 + span * (i + 0.5) / len(name)
        tile = _char(char, font, angle)
        x = centre + radius * math.sin(math.radians(angle)) - tile.width / 2
        y = centre - radius * math.cos(math.radians(angle)) - tile.height / 2
        image.alpha_composite(tile, (round(x), round(y)))
    small = ImageFont.truetype(settings.SIGNING_SEAL_FONT, int(size * 0.07), index=2)
    draw.text((centre, centre + size * 0.26), caption, font=small, fill=SEAL_RED, anchor="mm")
    out = io.BytesIO()
    image.resize((SIZE, SIZE), Image.Resampling.LANCZOS).save(out, "PNG", optimize=False)
    return out.getvalue()
