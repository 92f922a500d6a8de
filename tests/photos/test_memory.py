"""Memory per judgement, measured: hostile uploads at (or over) each format's pixel limit are
judged in a child process whose peak resident memory must stay under a stated bound. Before the
limits by format and the early reduction, one 7000 × 7000 PNG of 139 KB cost ~600 MB (WebP
~770 MB); the pixel limits refuse those from the header, and what they let through is reduced
before any conversion copies it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.live import ROOT

# The bound on how far one judgement raises a process's peak resident memory. The largest
# measured: a 12-MP RGBA WebP (~175 MB: libwebp's decoder holds several RGBA copies).
MAX_GROWTH_MB = 200

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/clear_refs").exists(), reason="measures VmHWM through Linux's /proc"
)


def _judged_in_child(case: str, side: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-m", "tests.photos.memory_probe", case, side],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("case", "side"),
    [
        ("png_rgba_25mp", "front"),
        ("png_rgba_25mp", "signature"),
        ("png_palette_25mp", "front"),
        ("png_16bit_25mp", "front"),
        ("webp_rgba_12mp", "front"),
        ("webp_rgba_12mp", "signature"),
        ("heic_25mp", "front"),
        ("jpeg_49mp", "front"),
        ("jpeg_49mp", "signature"),
    ],
)
def test_a_hostile_upload_at_its_formats_limit_is_judged_within_the_memory_bound(case, side):
    # given an upload as large as its format may be, of a few KB on disk
    # when it is judged in a child process
    outcome = _judged_in_child(case, side)

    # then it got a verdict, and the process's peak grew by less than the bound
    assert outcome["reason"] and outcome["detail"] != "too_many_pixels"
    assert outcome["growth_mb"] < MAX_GROWTH_MB, outcome


def test_a_png_over_its_limit_costs_nothing_to_refuse():
    # given a 7000 × 7000 PNG (49 MP: under the JPEG limit, over the PNG one)
    # when
    outcome = _judged_in_child("png_7000_refused", "front")

    # then it is refused from its header, before any pixel is decoded
    assert outcome["detail"] == "too_many_pixels"
    assert outcome["growth_mb"] < 10, outcome
