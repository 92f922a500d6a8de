"""Where card finding loses the card, stage by stage, on the good photos it gets wrong.

    .venv/bin/python bench/photos_trace.py KIND [--seed S] [--per-kind N] [--only 0,3]

Draws the same photos as `photos_holdout.py` (same seed, same kind order) and, for each one the
judge refuses or crops wrong (or each of `--only`), prints: the proposal nearest the true outline
(its IoU, its place in the forgiving ranking and whether it reached refining), the true outline's
own scores (edges, forgiving edges, likeness with and without the layout, the parts of the
likeness), and the outline that won. A true outline that would win (high score and likeness) but
is proposed poorly or ranked out is a proposal or ranking problem; one with a low likeness is a
likeness problem.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onboarding.settings.test")

import cv2  # noqa: E402
import django  # noqa: E402
import numpy as np  # noqa: E402

django.setup()

from photos.processing import detect, photo_judge  # noqa: E402
from photos.processing import pipeline as judging  # noqa: E402
from photos.processing.decode import decode_photo  # noqa: E402
from photos.processing.thresholds import thresholds  # noqa: E402
from tests.photos.scoring import quad_iou, upright  # noqa: E402
from tests.photos.synth.dataset import (  # noqa: E402
    GOOD_KINDS,
    LATER_KINDS,
    holdout_seed,
    kind_photos,
)

HOLDOUT_SEED = 770_000


def _lifted(field, like, truth) -> str:
    """The outlines found with the print lifted (`paperwork`): the nearest, and the IoU of
    those that get a turn of their own."""
    frame = field.width * field.height
    lifted = detect._distinct(
        detect.lifted_quads(field, detect.geo.MIN_AREA_FRACTION * frame), frame
    )
    turns = detect._most_likely(field, lifted, like, detect.LIFTED_TOP)
    near = max((quad_iou(q, truth) for q in lifted), default=0)
    taken = ", ".join(f"{quad_iou(q, truth):.2f}" for q in turns[: detect.LIFTED_TOP])
    return f"  print lifted: {len(lifted)} outlines, nearest IoU {near:.2f}; refined: {taken}"


def trace(photo) -> str:
    decoded = decode_photo(photo.data, thresholds())
    work, work_scale = judging._work_image(decoded.rgb)
    image = judging._exposed(work)
    truth = (np.asarray(photo.corners, float) + 0.5) / (work_scale * decoded.scale) - 0.5
    field = detect.EdgeField(image)
    like = detect._Likeness(field, photo.side)
    proposed = detect.proposals(field)
    ious = [quad_iou(q, truth) for q in proposed]
    nearest = int(np.argmax(ious)) if ious else -1
    forgiving = [detect.score(field, q, detect.ROUGH_REACH) for q in proposed]
    place = sum(value > forgiving[nearest] for value in forgiving) if ious else None
    chosen = detect._most_likely(field, proposed, like, detect.REFINE_TOP)
    refined = any(np.abs(q - proposed[nearest]).max() < 1e-6 for q in chosen) if ious else False
    lines = [
        f"  proposals {len(proposed)}; nearest IoU {max(ious, default=0):.2f}, "
        f"forgiving rank {place}, refined {refined}",
        _lifted(field, like, truth),
        f"  true outline: score {detect.score(field, truth):.2f}, forgiving "
        f"{detect.score(field, truth, detect.ROUGH_REACH):.2f}, likeness {like(truth):.2f} "
        f"(plain {like.without_layout(truth):.2f}: runs on past corners "
        f"{detect.extension_support(field, truth):.2f}, busy margin "
        f"{detect.rim_busy(field, truth):.2f}, like its surroundings "
        f"{detect.like_its_surroundings(field, like.busy, truth)})",
    ]
    found, _ = detect.find_card(image, photo.side)
    if found is None:
        lines.append("  won: nothing")
    else:
        lines.append(
            f"  won: IoU {quad_iou(found.quad, truth):.2f}, support {found.support:.2f}, "
            f"weakest side {found.weakest_side:.2f}, likeness {found.likeness:.2f}, "
            f"contrast {found.contrast:.1f}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=[*GOOD_KINDS, *LATER_KINDS])
    parser.add_argument("--seed", type=int, default=HOLDOUT_SEED)
    parser.add_argument("--per-kind", type=int, default=8)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    only = {int(i) for i in args.only.split(",")} if args.only else None
    seed = holdout_seed(args.kind, args.seed)
    for i, photo in enumerate(kind_photos(args.kind, seed, args.per_kind)):
        if only is not None and i not in only:
            continue
        result = photo_judge(data=photo.data, side=photo.side)
        if result.ok:
            iou = quad_iou(result.corners, photo.corners)
            good = iou >= 0.9 and upright(result.corners, photo.corners)
            if only is None and good and result.rotation == photo.rotation:
                continue
            verdict = f"accepted, IoU {iou:.2f}, rotation {result.rotation}/{photo.rotation}"
        else:
            verdict = f"refused {result.reason}"
        print(f"{photo.name}: {verdict}\n{trace(photo)}", flush=True)


if __name__ == "__main__":
    main()
