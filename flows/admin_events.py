"""The admin screen of the outbox: event deliveries for administrators to read, and to hand over
again once a failing subscriber is fixed (a failure never stops the business; it waits here)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from staff.admin_views import LocalTimeInspectView, ReadOnlyForRoles, ReadOnlyViewSet
from staff.roles import Role
from staff.selectors import user_has_role

from .events import delivery_retry
from .models import EventDelivery

READERS = (Role.ADMINISTRATOR,)


class DeliveryInspectView(LocalTimeInspectView):
    template_name = "flows/admin/delivery_inspect.html"


class EventDeliveryViewSet(ReadOnlyViewSet):
    model = EventDelivery
    icon = "warning"
    menu_label = _("事件投递")
    add_to_settings_menu = True
    inspect_view_class = DeliveryInspectView
    field_labels = {"event": _("事件")}
    list_display = [
        Column("event", label=_("事件")),
        "subscriber",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = ["status", "subscriber"]
    inspect_view_fields = [
        "event",
        "subscriber",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "delivered_at",
    ]


@require_POST
def retry(request, pk: int):
    if not user_has_role(request.user, Role.ADMINISTRATOR):
        raise PermissionDenied
    delivery = get_object_or_404(EventDelivery, pk=pk)
    delivery_retry(delivery_id=delivery.pk)
    messages.success(request, _("已重新投递。"))
    return redirect(EventDelivery.snippet_viewset.get_url_name("inspect"), delivery.pk)


@hooks.register("register_admin_urls")
def register_urls():
    return [path("flows/deliveries/<int:pk>/retry/", retry, name="flows_delivery_retry")]


register_permission_policy(EventDelivery, ReadOnlyForRoles(EventDelivery, READERS))
register_snippet(EventDeliveryViewSet)
