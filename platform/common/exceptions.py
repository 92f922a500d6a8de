"""The one exception type for business errors: services raise it, the API renders it as
{"message": ..., "extra": ...} and views show the message (in Chinese) to the person."""

from __future__ import annotations

from typing import Any


class BusinessError(Exception):
    def __init__(self, message: str, *, code: str = "invalid", extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}
