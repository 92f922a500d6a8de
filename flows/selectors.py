from __future__ import annotations

from django.db.models import QuerySet

from .models import Application, ApplicationState


def applications_to_review() -> QuerySet[Application]:
    return (
        Application.objects.filter(state=ApplicationState.SUBMITTED)
        .select_related("client", "client__branch")
        .order_by("updated_at")
    )
