"""The synthetic photo sets, generated once per test session (seeded: the same every run)."""

from __future__ import annotations

import cv2
import pytest

from .scoring import Scores, score
from .synth import bad_photos, good_photos, patterned_bad_photos, patterned_photos

GOOD_SEED, BAD_SEED = 20261125, 20261126
PATTERN_SEED = 20261206


@pytest.fixture(scope="session", autouse=True)
def _single_thread():
    """Judge on one core, as the speed target is stated."""
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    yield
    cv2.setNumThreads(threads)


@pytest.fixture(scope="session")
def good_set():
    return good_photos(GOOD_SEED, count=60, large=4)


@pytest.fixture(scope="session")
def bad_set():
    return bad_photos(BAD_SEED)


@pytest.fixture(scope="session")
def scores(good_set, bad_set) -> Scores:
    return score(good_set, bad_set)


@pytest.fixture(scope="session")
def patterned_set():
    return patterned_photos(PATTERN_SEED, count=30, large=1)


@pytest.fixture(scope="session")
def patterned_scores(patterned_set) -> Scores:
    return score(patterned_set, patterned_bad_photos(PATTERN_SEED + 1))
