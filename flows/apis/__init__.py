"""The flow's REST API (included under /api/v1/ by onboarding.api): business types,
applications, their steps (the flow's own kinds here; capability apps add theirs with
`flows.apis.steps.step_endpoints`) and the review decision."""

from django.urls import include, path

from .applications import (
    ApplicationAbandonApi,
    ApplicationDetailApi,
    ApplicationHistoryApi,
    ApplicationListApi,
    ApplicationSubmitApi,
    BusinessTypeListApi,
    PinnedDocumentApi,
)
from .kinds import urlpatterns as step_urls
from .review import ReviewApproveApi, ReviewRejectApi
from .steps import StepListApi

APPLICATION = "applications/<str:acceptance_number>/"

application_urls = [
    path("", ApplicationDetailApi.as_view(), name="api-application"),
    path("history/", ApplicationHistoryApi.as_view(), name="api-application-history"),
    path("abandon/", ApplicationAbandonApi.as_view(), name="api-application-abandon"),
    path("submit/", ApplicationSubmitApi.as_view(), name="api-application-submit"),
    path(
        "documents/<int:document_id>/", PinnedDocumentApi.as_view(), name="api-application-document"
    ),
    path("steps/", StepListApi.as_view(), name="api-steps"),
    *step_urls,
    path("review/approve/", ReviewApproveApi.as_view(), name="api-review-approve"),
    path("review/reject/", ReviewRejectApi.as_view(), name="api-review-reject"),
]

urlpatterns = [
    path("business-types/", BusinessTypeListApi.as_view(), name="api-business-types"),
    path("applications/", ApplicationListApi.as_view(), name="api-applications"),
    path(APPLICATION, include(application_urls)),
]

__all__ = ["urlpatterns"]
