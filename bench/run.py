"""`make bench`: how long judging an ID photo takes, next to what merely opening it costs; and
what signing an agreement costs next to rendering it (bench/signing.py); how long one queue
event takes to reach 1,000 investors connected to uvicorn, next to a bare group message
(bench/fanout.py); one Celery worker's memory over many tasks (bench/worker.py); and the step
pages against a bare view (bench/pages.py).

Times, on one thread, the judging of a synthetic 12-megapixel phone JPEG (decode, find the card,
turn it upright, check its quality, flatten and encode it) against the bare Pillow decode + JPEG
encode of the same file, and prints both and their ratio (median of several runs). Then, within a
time budget, it scores the service on a freshly generated set of good and bad photos.

    .venv/bin/python bench/run.py [--only photos,signing,fanout,worker,pages]
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onboarding.settings.test")
os.environ.setdefault("LOG_LEVEL", "WARNING")  # one line per figure, not the tasks' INFO lines

import cv2  # noqa: E402
import django  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

django.setup()

from photos.processing import photo_judge  # noqa: E402
from tests.photos.scoring import score  # noqa: E402
from tests.photos.synth import (  # noqa: E402
    Scene,
    bad_photos,
    good_photos,
    patterned_bad_photos,
    patterned_photos,
    photograph,
    render_card,
)

RUNS = 7
ACCURACY_BUDGET_S = 45.0


def _median_ms(*actions: Callable[[], object], runs: int = RUNS) -> list[float]:
    """Median wall time of each action in ms; the actions take turns, so a busy machine slows
    them alike and the ratio stays fair."""
    for action in actions:
        action()  # warm caches and lazy imports
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for action, spent in zip(actions, times, strict=True):
            start = time.perf_counter()
            action()
            spent.append(time.perf_counter() - start)
    return [1000 * statistics.median(spent) for spent in times]


def _phone_photo() -> bytes:
    rng = np.random.default_rng(12)
    scene = Scene(
        size=(4000, 3000),
        background="wood",
        quarter=1,
        skew_deg=6.0,
        tilt_deg=(5.0, -4.0),
        area_fraction=0.38,
        position=(0.4, 0.6),
        light=(0.7, 0.3, 1.0),
        noise=4.0,
        blur=0.6,
        jpeg_quality=88,
        exif_orientation=6,
    )
    data, _ = photograph(scene, render_card("front", rng), rng)
    return data


def _bare_decode_encode(data: bytes) -> None:
    img = Image.open(io.BytesIO(data))
    img.load()
    img.save(io.BytesIO(), "JPEG", quality=90)


def bench_speed() -> None:
    data = _phone_photo()
    result = photo_judge(data=data, side="front")
    if not result.ok:
        raise SystemExit(f"the benchmark photo was refused: {result.reason} {result.metrics}")
    judge_ms, bare_ms = _median_ms(
        lambda: photo_judge(data=data, side="front"), lambda: _bare_decode_encode(data)
    )
    print(f"12-MP JPEG ({len(data) / 1e6:.1f} MB), one thread, median of {RUNS} runs:")
    print(f"  judge (decode + find + upright + quality + flatten + encode): {judge_ms:7.1f} ms")
    print(f"  bare Pillow decode + JPEG encode of the same file:            {bare_ms:7.1f} ms")
    ratio = judge_ms / bare_ms
    print(f"  ratio judge / bare: {ratio:.2f}   (goal <= 3x: {'met' if ratio <= 3 else 'MISSED'})")


def bench_accuracy(seed: int = 4242) -> None:
    """A fresh set (its own seeds), as many photos as fit in the budget."""
    deadline = time.monotonic() + ACCURACY_BUDGET_S
    good = []
    while len(good) < 40 and time.monotonic() < deadline - 12:
        good += good_photos(seed + len(good), count=1, large=0)
    bad = bad_photos(seed) if time.monotonic() < deadline - 8 else []
    if not good or not bad:
        print("accuracy: skipped (time budget spent)")
        return
    print(score(good, bad).summary().replace("ID photo scores", "accuracy (fresh set)"))
    if time.monotonic() < deadline - 6:  # cards on patterned surfaces, a bank card beside some
        good, bad = patterned_photos(seed, count=8, large=0), patterned_bad_photos(seed, count=3)
        scores = score(good, bad)
        print(scores.summary().replace("ID photo scores", "on patterned surfaces (fresh set)"))


PARTS = ("photos", "signing", "fanout", "worker", "pages")


def main() -> None:
    import argparse
    import subprocess

    from bench.signing import bench_signing

    parser = argparse.ArgumentParser(description="Every figure of `make bench`, or some parts.")
    parser.add_argument(
        "--only",
        default=",".join(PARTS),
        help=f"a comma-separated choice of {', '.join(PARTS)} (the first two take about 3 "
        "minutes; the others set up what they measure and take most of the run)",
    )
    parts = parser.parse_args().only.split(",")
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        parser.error(f"unknown part(s): {', '.join(unknown)}; the parts are {', '.join(PARTS)}")
    cv2.setNumThreads(1)
    spent: dict[str, float] = {}
    for part in PARTS:
        if part not in parts:
            continue
        began = time.monotonic()
        if part == "photos":
            bench_speed()
            bench_accuracy()
        elif part == "signing":
            bench_signing(_median_ms, runs=9)
        else:
            # each serves a database of its own, in a process of its own: the queue fan-out
            # through uvicorn and channels-redis, one Celery worker's memory, the step pages
            subprocess.run([sys.executable, str(ROOT / "bench" / f"{part}.py")], check=True)  # noqa: S603
        spent[part] = time.monotonic() - began
    print(
        f"(took {sum(spent.values()) / 60:.1f} min: "
        + ", ".join(f"{part} {seconds:.0f} s" for part, seconds in spent.items())
        + ")"
    )


if __name__ == "__main__":
    main()
