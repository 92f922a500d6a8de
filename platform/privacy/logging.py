"""A logging filter that keeps ID numbers and mobile numbers out of every log line, the text of
an exception and its traceback included."""

from __future__ import annotations

import logging

from .masking import redact

_formatter = logging.Formatter()


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            # Formatters use exc_text when it is set: format the traceback once, masked.
            record.exc_text = _formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
