"""The integrator API of webhooks: an integrator manages its own subscriptions (list, create,
read, switch off, rotate the secret) and reads the catalogue of events. Included under /api/v1/
by onboarding.api; integrators only (the API's default permission). The secret is in the answer
to a creation or a rotation, once, and never again."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from api.base import ApiView
from api.scopes import Scope
from api.serializers import checked_body

from .catalog import WEBHOOK_EVENTS
from .models import WebhookSubscription
from .selectors import subscriptions_of
from .services import secret_rotate, subscription_create, subscription_deactivate


class SubscriptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookSubscription
        fields = ["id", "url", "events", "description", "active", "created_at", "secret_rotated_at"]
        read_only_fields = fields


class SubscriptionWithSecretSerializer(SubscriptionSerializer):
    secret = serializers.CharField(
        help_text="签名密钥，仅此一次返回，请妥善保存 / the signing secret, shown this once"
    )

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class SubscriptionCreateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500, help_text="https 地址，须为公网地址")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=list(WEBHOOK_EVENTS)), min_length=1
    )
    description = serializers.CharField(max_length=200, required=False, default="")

    def validate(self, attrs):
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError(
                {name: ["未知字段 / unknown field."] for name in sorted(unknown)}
            )
        return attrs


class EventTypeSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField()


class WebhooksApi(ApiView):
    """An integrator's key with the `webhooks` scope manages its own subscriptions; an
    investor's token never does."""

    required_scopes = (Scope.WEBHOOKS,)
    investor_tokens = False


def _own(request, pk: int) -> WebhookSubscription:
    subscription = subscriptions_of(owner=request.user).filter(pk=pk).first()
    if subscription is None:
        raise NotFound("订阅不存在 / no such subscription.")
    return subscription


def _with_secret(made) -> dict:
    data = dict(SubscriptionSerializer(made.subscription).data)
    return {**data, "secret": made.secret}


class SubscriptionListApi(WebhooksApi):
    @extend_schema(
        operation_id="webhooks_list",
        tags=["webhooks"],
        summary="本账号的事件推送订阅 / this integrator's webhook subscriptions",
        responses={200: SubscriptionSerializer(many=True)},
    )
    def get(self, request):
        return Response(
            SubscriptionSerializer(subscriptions_of(owner=request.user), many=True).data
        )

    @extend_schema(
        operation_id="webhooks_create",
        tags=["webhooks"],
        summary="订阅事件推送 / subscribe a URL to events",
        request=SubscriptionCreateSerializer,
        responses={201: SubscriptionWithSecretSerializer},
        examples=[
            OpenApiExample(
                "subscribe",
                value={
                    "url": "https://crm.example.com/hooks/onboarding",
                    "events": ["application.submitted", "application.approved"],
                    "description": "CRM",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        given = checked_body(SubscriptionCreateSerializer, request)
        made = subscription_create(
            owner=request.user,
            url=given.validated_data["url"],
            events=given.validated_data["events"],
            description=given.validated_data["description"],
            actor=request.user,
        )
        return Response(_with_secret(made), status=status.HTTP_201_CREATED)


class SubscriptionDetailApi(WebhooksApi):
    @extend_schema(
        operation_id="webhooks_read",
        tags=["webhooks"],
        summary="一个订阅 / one subscription",
        responses={200: SubscriptionSerializer},
    )
    def get(self, request, pk: int):
        return Response(SubscriptionSerializer(_own(request, pk)).data)

    @extend_schema(
        operation_id="webhooks_delete",
        tags=["webhooks"],
        summary="停用订阅（推送记录保留） / switch a subscription off (its log is kept)",
        responses={204: None},
    )
    def delete(self, request, pk: int):
        subscription_deactivate(subscription=_own(request, pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SecretRotateApi(WebhooksApi):
    @extend_schema(
        operation_id="webhooks_rotate_secret",
        tags=["webhooks"],
        summary="更换签名密钥（立即生效） / rotate the signing secret (at once)",
        request=None,
        responses={200: SubscriptionWithSecretSerializer},
    )
    def post(self, request, pk: int):
        made = secret_rotate(subscription=_own(request, pk), actor=request.user)
        return Response(_with_secret(made))


class EventTypesApi(WebhooksApi):
    @extend_schema(
        operation_id="webhooks_event_types",
        tags=["webhooks"],
        summary="可订阅的事件 / the events one may subscribe to",
        responses={200: EventTypeSerializer(many=True)},
    )
    def get(self, request):
        return Response(
            [
                {"name": name, "description": str(label)}
                for name, (label, _s) in WEBHOOK_EVENTS.items()
            ]
        )


urlpatterns = [
    path("webhooks/", SubscriptionListApi.as_view(), name="api-webhooks"),
    path("webhooks/events/", EventTypesApi.as_view(), name="api-webhook-events"),
    path("webhooks/<int:pk>/", SubscriptionDetailApi.as_view(), name="api-webhook"),
    path(
        "webhooks/<int:pk>/rotate-secret/",
        SecretRotateApi.as_view(),
        name="api-webhook-rotate-secret",
    ),
]
