"""The one exception type for business errors: services raise it, the API renders it in its
error shape ({"code": ..., "message": ..., "fields": ...}, see api.errors) and views show the
message (in Chinese) to the person. `status` is the HTTP status the API answers with (400 unless
the refusal is better said otherwise, e.g. 409 for a step out of order)."""

from __future__ import annotations

from typing import Any


class BusinessError(Exception):
    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        extra: dict[str, Any] | None = None,
        status: int = 400,
    ):
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}
        self.status = status
