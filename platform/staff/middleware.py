"""Staff sessions that have not passed the second factor reach only the second-factor page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from .otp import otp_required

# Where a password-only session may go: the second factor itself, logging out, and what any
# page needs (static files, the language switch, health).
OPEN_PREFIXES = ("/staff/otp/", "/staff/logout/", "/static/", "/i18n/", "/healthz")


class StaffSecondFactorMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if (
            otp_required()
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {  # the API's error shape (api.errors)
                        "code": "otp_required",
                        "message": "需要完成两步验证 / the second factor is required.",
                        "fields": {},
                    },
                    status=403,
                    json_dumps_params={"ensure_ascii": False},
                )
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('staff:otp')}?{query}")
        return self.get_response(request)
