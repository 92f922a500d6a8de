"""An uploaded company-seal picture checked and made ready to be stamped: an image, not too
large, square-ish like a round seal, the paper around it transparent."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageChops, UnidentifiedImageError

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MIN_SIDE, MAX_SIDE = 200, 3000
MAX_ASPECT = 1.15  # longer side / shorter side of a round seal's picture
STORED_SIDE = 800  # px kept: 500 dpi over a 40 mm seal
PAPER = 235  # a scan's pixels lighter than this in every channel are paper


def seal_image_clean(data: bytes) -> bytes:
    """The seal as a transparent PNG, or ValidationError saying what is wrong with the upload."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("印章图片文件过大（%(mb).1f MB），请上传不超过 2 MB 的图片。")
            % {"mb": len(data) / 1024 / 1024},
            code="seal_too_large",
        )
    try:
        image = Image.open(io.BytesIO(data))
        width, height = image.size
        if max(width, height) > MAX_SIDE:
            raise ValidationError(
                _("印章图片尺寸过大（%(w)s×%(h)s 像素），边长请不超过 %(max)s 像素。")
                % {"w": width, "h": height, "max": MAX_SIDE},
                code="seal_too_large",
            )
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("上传的文件不是有效的图片，请上传 PNG 或 JPG 格式的印章图片。"),
            code="seal_not_image",
        ) from error
    if min(width, height) < MIN_SIDE:
        raise ValidationError(
            _("印章图片太小（%(w)s×%(h)s 像素），边长至少 %(min)s 像素，否则打印不清晰。")
            % {"w": width, "h": height, "min": MIN_SIDE},
            code="seal_too_small",
        )
    if max(width, height) / min(width, height) > MAX_ASPECT:
        raise ValidationError(
            _("印章图片应接近正方形（圆形印章），当前为 %(w)s×%(h)s 像素，请裁剪后上传。")
            % {"w": width, "h": height},
            code="seal_not_square",
        )
    return _transparent(image)


def _transparent(image: Image.Image) -> bytes:
    """Transparency kept if the picture has it; a scan on white paper gets the paper cleared."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
    else:
        rgb = image.convert("RGB")
        r, g, b = rgb.split()
        lightest = ImageChops.darker(ImageChops.darker(r, g), b)
        alpha = lightest.point(lambda v: 0 if v > PAPER else min(255, (255 - v) * 2))
        rgba = rgb.convert("RGBA")
        rgba.putalpha(alpha)
    bbox = rgba.getchannel("A").point(lambda v: 255 if v > 40 else 0).getbbox()
    if bbox is None:
        raise ValidationError(
            _("印章图片是空白的（没有可见的印章），请上传印章图片。"), code="seal_blank"
        )
    rgba.thumbnail((STORED_SIDE, STORED_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    rgba.save(out, "PNG", optimize=True)
    return out.getvalue()
