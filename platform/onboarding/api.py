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


def exception_handler(exc, context):
    if isinstance(exc, BusinessError):
        return Response({"message": exc.message, "code": exc.code, "extra": exc.extra}, status=400)
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


urlpatterns = [
    path("v1/", include("content.apis")),
    path("v1/", include("signing.apis")),
    path("v1/", include("webhooks.apis")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # split: the page loads its starting script from a URL, so no inline script is needed (CSP)
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
