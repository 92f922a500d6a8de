"""Reference data for integrators: which exchanges exist (so an app can show them)."""

from django.urls import path
from rest_framework import generics, serializers

from .models import Exchange


class ExchangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Exchange
        fields = ["code", "name_zh", "name_en", "category", "needs_score_reports"]


class ExchangeListApi(generics.ListAPIView):
    queryset = Exchange.objects.filter(active=True)
    serializer_class = ExchangeSerializer
    pagination_class = None


urlpatterns = [path("exchanges/", ExchangeListApi.as_view(), name="api-exchanges")]
