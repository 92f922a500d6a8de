"""The API root: versioned routes, the schema and its docs. The conventions every endpoint
follows (the error shape, auth and scopes, idempotency, ETags, pagination) live in the base app
`api`; this module only wires the capabilities' endpoints under /api/v1/."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.defaults import page_not_found
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from api.errors import is_api_request, not_found
from revisit import apis as revisit_apis
from signing import apis as signing_apis
from video import apis as video_apis


def public_endpoints_only(endpoints):
    """drf-spectacular hook: document the versioned integrator API, nothing else."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404: JSON in the API's error shape under /api/, the page elsewhere."""
    if is_api_request(request):
        return not_found(request)
    return page_not_found(request, exception)


# What each capability adds to an application (its steps and their actions, the queue...)
APPLICATION_APIS = [
    *video_apis.application_urlpatterns,
    *signing_apis.application_urlpatterns,
    *revisit_apis.application_urlpatterns,
]

urlpatterns = [
    path("v1/", include("api.urls")),
    path("v1/", include("content.apis")),
    path("v1/", include("flows.apis")),
    path("v1/", include("signing.apis")),
    path("v1/applications/<str:acceptance_number>/", include(APPLICATION_APIS)),
    path("v1/", include("video.agent_apis")),
    path("v1/", include("webhooks.apis")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # split: the page loads its starting script from a URL, so no inline script is needed (CSP)
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
