"""How personal data is shown when it must be shown partly: masked mobile (138****1234), ID."""

from __future__ import annotations

import re

ID_NUMBER = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask_mobile(mobile: str) -> str:
    return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) >= 7 else "****"


def mask_id_number(id_number: str) -> str:
    return f"{id_number[:6]}********{id_number[-4:]}" if len(id_number) == 18 else "****"


def redact(text: str) -> str:
    """Mask every ID number and mobile number found in free text (log lines)."""
    text = ID_NUMBER.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    return MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)
