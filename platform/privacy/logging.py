"""A logging filter that keeps ID numbers and mobile numbers out of every log line."""

from __future__ import annotations

import logging

from .masking import redact


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        return True
