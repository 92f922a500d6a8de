"""The one exception type for business errors: services raise it, the API renders it in its
error shape ({"code": ..., "message": ..., "fields": ...}, see api.errors) and views show the
message (in Chinese) to the person. `status` is the HTTP status the API answers with: given by
the raiser, or else the one its code stands for (`STATUS_BY_CODE`), else 400."""

from __future__ import annotations

from typing import Any

# A business refusal is a 400, except these: what the caller may not see is as if it did not
# exist (404); what its role may not do (403); what the application's state does not allow now
# (409).
STATUS_BY_CODE = {
    "not_found": 404,
    "forbidden": 403,
    "wrong_actor": 403,
    "transition_not_allowed": 409,
    "step_not_reached": 409,
    "step_not_current": 409,
    "step_locked": 409,
    "concurrent_change": 409,
    "pending_business_exists": 409,
    "claimed_by_other": 409,
    "queue_empty": 409,
    "session_open": 409,
    "session_closed": 409,
    "no_branch": 403,
}


class BusinessError(Exception):
    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        extra: dict[str, Any] | None = None,
        status: int | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}
        self.status = status if status is not None else STATUS_BY_CODE.get(code, 400)
