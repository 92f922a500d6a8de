"""Run in a child process by test_memory.py: judge one hostile upload and print, as JSON, how far
the process's peak resident memory rose above where it stood just before (Linux: VmHWM, reset
through /proc/self/clear_refs after a warm-up judgement, so imports and first-use costs of the
libraries are not counted)."""

from __future__ import annotations

import io
import json
import sys

from PIL import Image
from pillow_heif import register_heif_opener

from photos.processing import photo_judge

from .photos_helpers import card_photo

register_heif_opener()

# name: (format, mode, size, save options); each at or over its format's pixel limit
HOSTILE = {
    "png_7000_refused": ("PNG", "RGB", (7000, 7000), {}),
    "png_rgba_25mp": ("PNG", "RGBA", (5000, 5000), {}),
    "png_palette_25mp": ("PNG", "P", (5000, 5000), {"transparency": 0}),
    "png_16bit_25mp": ("PNG", "I;16", (5000, 5000), {}),
    "webp_rgba_12mp": ("WEBP", "RGBA", (3460, 3460), {"quality": 50}),
    "heic_25mp": (
        "HEIF",
        "RGB",
        (5000, 5000),
        {"quality": 30, "enc_params": {"preset": "ultrafast"}},
    ),
    "jpeg_49mp": ("JPEG", "RGB", (7000, 7000), {"quality": 50}),
}


def hostile(name: str) -> bytes:
    fmt, mode, size, options = HOSTILE[name]
    img = Image.new(mode, size, 1 if mode == "P" else 200)
    if mode == "P":
        img.putpalette([0, 0, 0] + [255, 255, 255] * 255)
    buf = io.BytesIO()
    img.save(buf, fmt, **options)
    return buf.getvalue()


def _status_mb(key: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(key)


def main(name: str, side: str) -> None:
    data = hostile(name)
    photo_judge(data=card_photo()[0], side=side)  # warm-up: libraries' first-use allocations
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # the peak (VmHWM) starts again from the resident size now
    before = _status_mb("VmRSS")
    result = photo_judge(data=data, side=side)
    print(
        json.dumps(
            {
                "growth_mb": round(_status_mb("VmHWM") - before, 1),
                "reason": result.reason,
                "detail": result.detail,
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:3])
