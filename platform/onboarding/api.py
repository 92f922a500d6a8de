"""The API root: versioned routes, the schema and its docs, and the one exception handler that
renders business errors as {"message": ..., "extra": ...}."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common.exceptions import BusinessError
from revisit import apis as revisit_apis
from signing import apis as signing_apis
from video import apis as video_apis

# A business refusal is a 400, except these: what the caller may not see is as if it did not
# exist; what its role may not do; what the application's state does not allow now.
BUSINESS_STATUS = {
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
}


def exception_handler(exc, context):
    if isinstance(exc, BusinessError):
        return Response(
            {"message": exc.message, "code": exc.code, "extra": exc.extra},
            status=BUSINESS_STATUS.get(exc.code, 400),
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "message": "输入有误 / invalid input",
            "code": "invalid",
            "extra": {"fields": response.data},
        }
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = {
            "message": str(detail),
            "code": getattr(detail, "code", "error"),
            "extra": {},
        }
    return response


def public_endpoints_only(endpoints):
    """drf-spectacular hook: document the versioned integrator API, nothing else."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


# What each capability adds to an application (its steps and their actions, the queue...)
APPLICATION_APIS = [
    *video_apis.application_urlpatterns,
    *signing_apis.application_urlpatterns,
    *revisit_apis.application_urlpatterns,
]

urlpatterns = [
    path("v1/", include("content.apis")),
    path("v1/", include("flows.apis")),
    path("v1/", include("signing.apis")),
    path("v1/applications/<str:acceptance_number>/", include(APPLICATION_APIS)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # split: the page loads its starting script from a URL, so no inline script is needed (CSP)
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
