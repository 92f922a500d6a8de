"""The face-presence check on the witness's snapshots: OpenCV's Haar cascades. OpenCV 5 keeps
`CascadeClassifier` in its contrib build only (the lock holds opencv-contrib-python-headless) and
no longer ships the cascades, so OpenCV's own frontal-face and profile cascades are kept in
video/cascades/ (copied from OpenCV 4.14's data, Intel License in each file); an OpenCV that
ships them (`cv2.data.haarcascades`, 4.x) is used as well.

It says whether a face is in the picture, and how many: not whose face it is. The agent compares
the face with the ID photo; the check warns them of a still where no face shows (the investor
out of the frame, the camera covered) or where more than one does (someone beside the investor).
The frontal cascade decides; when it finds nothing, the profile cascade (both ways round) is
tried, so a head turned for the liveness prompt still counts."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

FRONTAL = "haarcascade_frontalface_default.xml"
PROFILE = "haarcascade_profileface.xml"
FALLBACKS = (PROFILE,)
FOLDERS = (Path(__file__).with_name("cascades"),)
WORK_WIDTH = 640  # larger stills are scaled down first: faces on a call fill a good part of it

_loaded: dict[str, cv2.CascadeClassifier] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class FaceCheck:
    count: int
    detector: str  # the cascade that decided ("" when none found a face)

    @property
    def found(self) -> bool:
        return self.count > 0


def _cascade(name: str) -> cv2.CascadeClassifier | None:
    """A cascade of the installed OpenCV, loaded once per process (None if it has none)."""
    with _lock:
        if name not in _loaded:
            shipped = getattr(getattr(cv2, "data", None), "haarcascades", "")
            folders = (*FOLDERS, *([Path(shipped)] if shipped else []))
            path = next((f / name for f in folders if (f / name).is_file()), None)
            if not hasattr(cv2, "CascadeClassifier") or path is None:
                return None
            classifier = cv2.CascadeClassifier(str(path))
            if classifier.empty():
                return None
            _loaded[name] = classifier
        return _loaded[name]


def detector_available() -> bool:
    return _cascade(FRONTAL) is not None


def _detect(name: str, gray: np.ndarray, min_side: int) -> int:
    cascade = _cascade(name)
    if cascade is None:
        return 0
    found = cascade.detectMultiScale(
        gray, scaleFactor=1.1, minNeighbors=5, minSize=(min_side, min_side)
    )
    count = len(found)
    if name == PROFILE and count == 0:
        # the profile cascade knows one side only: the mirror image gives the other
        count = len(
            cascade.detectMultiScale(
                cv2.flip(gray, 1), scaleFactor=1.1, minNeighbors=5, minSize=(min_side, min_side)
            )
        )
    return count


def face_check(data: bytes) -> FaceCheck | None:
    """How many faces OpenCV finds in an encoded image; None when it cannot tell (the image
    does not decode, or this OpenCV has no cascades)."""
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_GRAYSCALE)
    if image is None or not detector_available():
        return None
    height, width = image.shape[:2]
    if width > WORK_WIDTH:
        image = cv2.resize(
            image, (WORK_WIDTH, round(height * WORK_WIDTH / width)), interpolation=cv2.INTER_AREA
        )
    gray = cv2.equalizeHist(image)
    # a face on a call is at least a tenth of the frame's short side
    min_side = max(24, min(gray.shape[:2]) // 10)
    for name in (FRONTAL, *FALLBACKS):
        count = _detect(name, gray, min_side)
        if count:
            return FaceCheck(count=count, detector=name.removeprefix("haarcascade_")[:-4])
    return FaceCheck(count=0, detector="")
