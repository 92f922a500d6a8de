"""What the two signature fields look like on the page: the investor's handwritten signature and
the company's round red seal, each with its signing time under it.

Each appearance is the field widget's own appearance stream (the signature, not an image pasted
into the page): an image XObject (the transparent signature or seal) and the caption drawn as
vector outlines of Noto Sans CJK glyphs, so the appearance uses no font at all and nothing in it
can be a non-embedded font. The time shown is the signature dictionary's /M, the time pyHanko
records for the signature (`text_params["ts"]`), in Beijing time.

Where each field goes comes from the PDF template: an element with the id `INVESTOR_PLACE` or
`SEAL_PLACE` marks the place, and weasyprint reports its rectangle (`places_of`)."""

from __future__ import annotations

import datetime
import functools
import hashlib
import io
import zlib
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from fontTools.pens.basePen import BasePen
from fontTools.ttLib import TTFont
from PIL import Image
from pyhanko.pdf_utils import content, generic, layout
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.stamp import TextStampStyle
from pyhanko.stamp.base import BaseStamp

INVESTOR_PLACE = "investor-signature"
SEAL_PLACE = "company-seal"
PX_TO_PT = 0.75  # weasyprint lays out in CSS px (1/96 in); PDF user space is in points
BEIJING = ZoneInfo("Asia/Shanghai")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%z"  # how pyHanko hands over the time; shown as CAPTION_TIME
CAPTION_TIME = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class Place:
    """A field's rectangle: page index and (x1, y1, x2, y2) in PDF points from the lower left."""

    page: int
    box: tuple[int, int, int, int]


def places_of(document: Any) -> dict[str, Place]:
    """The marked places of a rendered weasyprint document (the first of each id)."""
    places: dict[str, Place] = {}
    for index, page in enumerate(document.pages):
        for name in (INVESTOR_PLACE, SEAL_PLACE):
            if name in page.anchors and name not in places:
                x1, y1, x2, y2 = page.anchors[name]
                height = page.height
                places[name] = Place(
                    page=index,
                    box=(
                        round(x1 * PX_TO_PT),
                        round((height - y2) * PX_TO_PT),
                        round(x2 * PX_TO_PT),
                        round((height - y1) * PX_TO_PT),
                    ),
                )
    return places


# --- captions as vector outlines ---------------------------------------------------------------
class _PdfPathPen(BasePen):
    """Collects a glyph's outline as PDF path operators (font units)."""

    def __init__(self, glyph_set: Any) -> None:
        super().__init__(glyph_set)
        self.ops: list[str] = []

    def _moveTo(self, pt: tuple[float, float]) -> None:
        self.ops.append(f"{pt[0]:g} {pt[1]:g} m")

    def _lineTo(self, pt: tuple[float, float]) -> None:
        self.ops.append(f"{pt[0]:g} {pt[1]:g} l")

    def _curveToOne(self, p1: Any, p2: Any, p3: Any) -> None:
        self.ops.append(f"{p1[0]:g} {p1[1]:g} {p2[0]:g} {p2[1]:g} {p3[0]:g} {p3[1]:g} c")

    def _closePath(self) -> None:
        self.ops.append("h")


@functools.cache
def _font() -> tuple[Any, dict[int, str], int]:
    font = TTFont(
        settings.SIGNING_APPEARANCE_FONT,
        fontNumber=settings.SIGNING_APPEARANCE_FONT_INDEX,
        lazy=True,
    )
    return font.getGlyphSet(), font.getBestCmap(), font["head"].unitsPerEm


@functools.lru_cache(maxsize=512)
def _glyph(char: str) -> tuple[str, int]:
    glyph_set, cmap, _ = _font()
    name = cmap.get(ord(char)) or ".notdef"
    pen = _PdfPathPen(glyph_set)
    glyph_set[name].draw(pen)
    return " ".join(pen.ops), glyph_set[name].width


def text_outline(text: str, size: float) -> tuple[bytes, float]:
    """`text` at `size` points as filled paths starting at the origin (baseline), and its width."""
    units = _font()[2]
    scale = size / units
    ops, x = [], 0.0
    for char in text:
        path, advance = _glyph(char)
        if path:
            ops.append(f"q {scale:g} 0 0 {scale:g} {x:.2f} 0 cm {path} f Q")
        x += advance * scale
    return " ".join(ops).encode(), x


def shown_time(ts: str) -> str:
    when = datetime.datetime.strptime(ts, TIME_FORMAT)  # noqa: DTZ007 - %z makes it aware
    return when.astimezone(BEIJING).strftime(CAPTION_TIME)


# --- images ------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=32)
def _image_streams(png: bytes) -> tuple[dict, bytes, bytes | None]:
    """The image's XObject dictionary entries and compressed samples (and its alpha's), made once
    per image: the same seal goes into every document."""
    image = Image.open(io.BytesIO(png))
    image.load()
    alpha = image.getchannel("A").tobytes() if image.mode in ("RGBA", "LA") else None
    colour = image.convert("L" if image.mode in ("L", "LA") else "RGB")
    space = "/DeviceGray" if colour.mode == "L" else "/DeviceRGB"
    entries = {"width": image.width, "height": image.height, "space": space}
    samples = zlib.compress(colour.tobytes(), 6)
    return entries, samples, zlib.compress(alpha, 6) if alpha is not None else None


def _image_xobject(writer: BasePdfFileWriter, png: bytes) -> generic.IndirectObject:
    entries, samples, alpha = _image_streams(png)

    def stream(data: bytes, space: str) -> generic.StreamObject:
        return generic.StreamObject(
            {
                pdf_name("/Type"): pdf_name("/XObject"),
                pdf_name("/Subtype"): pdf_name("/Image"),
                pdf_name("/Width"): generic.NumberObject(entries["width"]),
                pdf_name("/Height"): generic.NumberObject(entries["height"]),
                pdf_name("/ColorSpace"): pdf_name(space),
                pdf_name("/BitsPerComponent"): generic.NumberObject(8),
                pdf_name("/Filter"): pdf_name("/FlateDecode"),
            },
            encoded_data=data,
        )

    image = stream(samples, entries["space"])
    if alpha is not None:
        image[pdf_name("/SMask")] = writer.add_object(stream(alpha, "/DeviceGray"))
    return writer.add_object(image)


# --- the stamp ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ImageStampStyle(TextStampStyle):
    """An image (PNG bytes, transparent) above a caption with the signing time. A TextStampStyle
    only so that pyHanko hands over the signature's time; its text machinery is not used."""

    image_png: bytes = b""
    caption: str = "{time}"
    caption_rgb: tuple[float, float, float] = (0.2, 0.2, 0.2)
    border_width: int = 0
    background_opacity: float = 1.0
    timestamp_format: str = TIME_FORMAT

    def create_stamp(
        self, writer: BasePdfFileWriter, box: layout.BoxConstraints, text_params: dict
    ) -> ImageStamp:
        caption = self.caption.format(time=shown_time(text_params["ts"]))
        return ImageStamp(writer=writer, style=self, box=box, caption=caption)


class ImageStamp(BaseStamp):
    def __init__(
        self,
        *,
        writer: BasePdfFileWriter,
        style: ImageStampStyle,
        box: layout.BoxConstraints,
        caption: str,
    ) -> None:
        super().__init__(writer=writer, style=style, box=box)
        self.caption = caption

    def _render_inner_content(self) -> list[bytes]:
        style: ImageStampStyle = self.style
        width, height = float(self.box.width), float(self.box.height)
        size = min(7.0, height * 0.1)
        outline, text_width = text_outline(self.caption, size)
        caption_height = size * 1.6
        entries = _image_streams(style.image_png)[0]
        area_height = height - caption_height
        scale = min(width / entries["width"], area_height / entries["height"])
        image_w, image_h = entries["width"] * scale, entries["height"] * scale
        name = "/Im" + hashlib.sha256(style.image_png).hexdigest()[:12]
        self.set_resource(
            category=content.ResourceType.XOBJECT,
            name=pdf_name(name),
            value=_image_xobject(self.writer, style.image_png),
        )
        x = (width - image_w) / 2
        y = caption_height + (area_height - image_h) / 2
        r, g, b = style.caption_rgb
        text_x = max(0.0, (width - text_width) / 2)
        return [
            b"q %.2f 0 0 %.2f %.2f %.2f cm %s Do Q" % (image_w, image_h, x, y, name.encode()),
            b"q %g %g %g rg 1 0 0 1 %.2f %.2f cm %s Q" % (r, g, b, text_x, size * 0.45, outline),
        ]
