from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import WebhookAttempt, WebhookDelivery, WebhookSubscription


def subscriptions_of(*, owner: Any) -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.filter(owner=owner).order_by("-created_at", "-pk")


def delivery_attempts(*, delivery: WebhookDelivery) -> QuerySet[WebhookAttempt]:
    return WebhookAttempt.objects.filter(delivery=delivery).order_by("number")
