"""A database that stops answering in the middle of a request is a temporary outage: the
request's transaction rolled back, nothing half-written stays, and the person is told to try
again (503 with Retry-After), not shown an internal error."""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30


class ServiceUnavailableMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        return unavailable(request, exception)


def unavailable(request: HttpRequest, exception: Exception) -> HttpResponse:
    logger.warning("database unavailable: %s", type(exception).__name__)
    wants_json = request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )
    response: HttpResponse
    if wants_json:
        response = JsonResponse(
            {
                "code": "unavailable",
                "message": "服务暂时不可用，请稍后重试 / temporarily unavailable, retry later.",
                "fields": {},
                "details": {"retry_after": RETRY_AFTER_SECONDS},
            },
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the database failing outside a view (a middleware loading the session) is
    the same temporary outage; anything else is the 500 page."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return unavailable(request, error)
    if request.path.startswith("/api/"):
        # the API's error shape (api.errors): common imports no app, so it is written here
        response = JsonResponse(
            {
                "code": "server_error",
                "message": "服务器内部错误，请稍后重试或联系平台。",
                "fields": {},
            },
            status=500,
            json_dumps_params={"ensure_ascii": False},
        )
        response["Cache-Control"] = "no-store"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)
