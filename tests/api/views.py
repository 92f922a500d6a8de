"""Endpoints built on api.base for the tests of the conventions (not part of the product)."""

from __future__ import annotations

from django.urls import path
from rest_framework import generics, serializers
from rest_framework.response import Response

from api.base import ApiGenericView, ApiView
from api.scopes import Scope
from api.serializers import StrictFieldsMixin
from common.exceptions import BusinessError
from content.models import Exchange


class ExchangeInSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Exchange
        fields = ["code", "name_zh", "name_en", "category", "needs_score_reports"]


class ExchangesApi(ApiGenericView, generics.ListCreateAPIView):
    required_scopes = {"GET": (Scope.DOCUMENTS_READ,), "POST": (Scope.APPLICATIONS_WRITE,)}
    queryset = Exchange.objects.all()
    serializer_class = ExchangeInSerializer


class RefusingApi(ApiView):
    def post(self, request):
        raise BusinessError("该步骤尚未开放。", code="step_out_of_order", status=409)


class CrashingApi(ApiView):
    def get(self, request):
        raise RuntimeError("a bug")

    def post(self, request):
        raise RuntimeError("a bug")


class ReviewApi(ApiView):
    required_scopes = (Scope.REVIEW,)

    def get(self, request):
        return Response({"ok": True})


urlpatterns = [
    path("api/v1/test/exchanges/", ExchangesApi.as_view()),
    path("api/v1/test/refusing/", RefusingApi.as_view()),
    path("api/v1/test/crashing/", CrashingApi.as_view()),
    path("api/v1/test/review/", ReviewApi.as_view()),
]
