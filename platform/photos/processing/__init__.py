"""ID-card photo processing: decode, find the card, turn it upright, check quality, flatten.

Pure image work (no database): `photo_judge` takes the uploaded bytes and returns a `PhotoResult`.
"""

from .pipeline import OUTPUT_SIZE, photo_judge
from .result import MESSAGES, REASONS, PhotoResult
from .thresholds import DEFAULTS, thresholds

__all__ = [
    "DEFAULTS",
    "MESSAGES",
    "OUTPUT_SIZE",
    "REASONS",
    "PhotoResult",
    "photo_judge",
    "thresholds",
]
