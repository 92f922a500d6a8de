"""The company seal's picture: drawn for a company that has not uploaded one (a round red seal with
its name around a five-pointed star, as Chinese company seals look), or an uploaded picture
checked and made transparent (content/ keeps the approved upload)."""

from __future__ import annotations

import functools
import io
import math

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageChops, ImageDraw, ImageFont, UnidentifiedImageError

from common.exceptions import BusinessError

SEAL_RED = (208, 22, 28)
SIZE = 600  # px for a 40 mm seal: 380 dpi
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MIN_SIDE, MAX_SIDE = 200, 3000
MAX_ASPECT = 1.15  # longer side / shorter side of a round seal's picture


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


def seal_image_clean(data: bytes) -> bytes:
    """An uploaded seal picture as a transparent PNG, or BusinessError saying what is wrong: not
    an image, too large, not square-ish. A picture without transparency (a scan on white
    paper) keeps its colour where it is darker than the paper and turns the paper transparent."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise BusinessError(_("印章图片超过 2 MB，请上传更小的图片。"), code="seal_too_large")
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise BusinessError(
            _("印章文件不是有效的图片，请上传 PNG 或 JPG 图片。"), code="seal_not_image"
        ) from error
    width, height = image.size
    if max(width, height) > MAX_SIDE:
        raise BusinessError(
            _("印章图片过大（%(w)s×%(h)s 像素），边长请不超过 %(max)s 像素。")
            % {"w": width, "h": height, "max": MAX_SIDE},
            code="seal_too_large",
        )
    if min(width, height) < MIN_SIDE:
        raise BusinessError(
            _("印章图片太小（%(w)s×%(h)s 像素），边长至少 %(min)s 像素，否则打印不清晰。")
            % {"w": width, "h": height, "min": MIN_SIDE},
            code="seal_too_small",
        )
    if max(width, height) / min(width, height) > MAX_ASPECT:
        raise BusinessError(
            _("印章图片应接近正方形（圆形印章），当前为 %(w)s×%(h)s 像素，请裁剪后上传。")
            % {"w": width, "h": height},
            code="seal_not_square",
        )
    return _transparent(image)


def _transparent(image: Image.Image) -> bytes:
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
    else:
        rgb = image.convert("RGB")
        # the paper (near white in every channel) transparent, the seal's ink opaque
        alpha = Image.eval(
            _min_channel(rgb), lambda v: 0 if v > 235 else min(255, int((255 - v) * 1.6))
        )
        rgba = rgb.convert("RGBA")
        rgba.putalpha(alpha)
    if not rgba.getbbox():
        raise BusinessError(_("印章图片是空白的，请上传印章图片。"), code="seal_blank")
    out = io.BytesIO()
    rgba.save(out, "PNG")
    return out.getvalue()


def _min_channel(rgb: Image.Image) -> Image.Image:
    r, g, b = rgb.split()
    return ImageChops.darker(ImageChops.darker(r, g), b)
