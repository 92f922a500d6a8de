"""Scoring the service against a synthetic set: corner IoU, upright order, refusal reasons."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from photos.processing import PhotoResult, photo_judge

from .synth import BadPhoto, GoodPhoto


def quad_iou(a, b) -> float:
    """Intersection over union of two convex quadrilaterals."""
    a, b = np.float32(a).reshape(4, 2), np.float32(b).reshape(4, 2)
    inter, _ = cv2.intersectConvexConvex(a, b)
    union = cv2.contourArea(a) + cv2.contourArea(b) - inter
    return float(inter / union) if union > 0 else 0.0


def upright(found, truth) -> bool:
    """True when the corners come in the true order (TL first), not a turned one."""
    found, truth = np.asarray(found, float), np.asarray(truth, float)
    errors = [np.linalg.norm(np.roll(found, k, axis=0) - truth, axis=1).mean() for k in range(4)]
    return int(np.argmin(errors)) == 0


@dataclass(frozen=True)
class Scores:
    good_passed: int
    good_total: int
    bad_passed: int
    bad_total: int
    failures: list[str]

    @property
    def good_rate(self) -> float:
        return self.good_passed / self.good_total

    @property
    def bad_rate(self) -> float:
        return self.bad_passed / self.bad_total

    def summary(self) -> str:
        return (
            f"ID photo scores: good found at IoU>=0.90 and upright {self.good_passed}/"
            f"{self.good_total} ({self.good_rate:.1%}); bad refused with the right reason "
            f"{self.bad_passed}/{self.bad_total} ({self.bad_rate:.1%})"
        )


def judge_good(photo: GoodPhoto) -> tuple[bool, str]:
    result: PhotoResult = photo_judge(data=photo.data, side=photo.side)
    if not result.ok:
        return False, f"{photo.name}: refused {result.reason} {result.metrics}"
    iou = quad_iou(result.corners, photo.corners)
    turned_right = upright(result.corners, photo.corners)
    passed = iou >= 0.9 and turned_right and result.rotation == photo.rotation
    return passed, f"{photo.name}: iou={iou:.3f} upright={turned_right} rot={result.rotation}"


def judge_bad(photo: BadPhoto) -> tuple[bool, str]:
    result = photo_judge(data=photo.data, side=photo.side)
    return (
        not result.ok and result.reason in (photo.reason, *photo.also),
        f"{photo.name}: expected {photo.reason}, got ok={result.ok} {result.reason}",
    )


def wrong_crops(good: list[GoodPhoto]) -> list[str]:
    """Good photos accepted with a crop that is not the card (IoU under 0.8): worse than a
    refusal, which at least asks for another photo."""
    wrong = []
    for photo in good:
        result = photo_judge(data=photo.data, side=photo.side)
        if result.ok and quad_iou(result.corners, photo.corners) < 0.8:
            wrong.append(f"{photo.name}: iou={quad_iou(result.corners, photo.corners):.3f}")
    return wrong


def score(good: list[GoodPhoto], bad: list[BadPhoto]) -> Scores:
    good_results = [judge_good(p) for p in good]
    bad_results = [judge_bad(p) for p in bad]
    failures = [why for ok, why in good_results + bad_results if not ok]
    return Scores(
        sum(ok for ok, _ in good_results),
        len(good),
        sum(ok for ok, _ in bad_results),
        len(bad),
        failures,
    )
