"""The 18-digit resident identity number (GB 11643-1999): 17 digits and an ISO 7064 MOD 11-2
check character."""

from __future__ import annotations

import datetime
import re

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
SHAPE = re.compile(r"^\d{17}[\dX]$")


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def normalise(value: str) -> str:
    return value.strip().upper()


def is_valid(value: str) -> bool:
    value = normalise(value)
    if not SHAPE.match(value):
        return False
    try:
        datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return check_char(value[:17]) == value[17]
