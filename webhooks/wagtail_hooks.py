"""Administrators' screens of webhooks (设置 → 事件推送订阅 / 事件推送记录): subscriptions made,
changed and switched off (never deleted: their log stays), the secret shown once on creation and
on rotation; deliveries with every attempt, and a failed one replayed (audited)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, EditView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from common.exceptions import BusinessError
from staff.admin_views import LocalTimeInspectView, ReadOnlyForRoles, ReadOnlyViewSet
from staff.roles import Role
from staff.selectors import user_has_role

from .forms import SubscriptionForm
from .models import WebhookDelivery, WebhookSubscription
from .selectors import delivery_attempts
from .services import (
    WithSecret,
    delivery_replay,
    secret_rotate,
    subscription_create,
    subscription_update,
)

ADMINISTRATORS = (Role.ADMINISTRATOR,)


class AdministratorsManage(ReadOnlyForRoles):
    """Add, change and view for administrators; delete for nobody (switch it off instead)."""

    ACTIONS = ("add", "change", "view")

    def user_has_permission(self, user, action) -> bool:
        return action in self.ACTIONS and any(user_has_role(user, r) for r in self.roles)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(
            ["view"] if set(actions) & set(self.ACTIONS) else []
        )


def _secret_page(request, made: WithSecret, *, rotated: bool):
    response = TemplateResponse(
        request,
        "webhooks/admin/secret.html",
        {"subscription": made.subscription, "secret": made.secret, "rotated": rotated},
    )
    response["Cache-Control"] = "no-store"
    return response


class SubscriptionCreateView(CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        self.made = subscription_create(
            owner=data["owner"],
            url=data["url"],
            events=data["events"],
            description=data["description"],
            actor=self.request.user,
        )
        return self.made.subscription

    def save_action(self):
        # the secret, this once, instead of the usual redirect to the listing
        return _secret_page(self.request, self.made, rotated=False)


class SubscriptionEditView(EditView):
    template_name = "webhooks/admin/subscription_edit.html"

    def save_instance(self):
        data = self.form.cleaned_data
        return subscription_update(
            subscription=self.object,
            actor=self.request.user,
            url=data["url"],
            events=data["events"],
            description=data["description"],
            active=data["active"],
        )


class SubscriptionViewSet(ModelViewSet):
    model = WebhookSubscription
    icon = "link-external"
    menu_label = _("事件推送订阅")
    add_to_settings_menu = True
    form_fields = ["owner", "url", "events", "description", "active"]
    list_display = [
        "url",
        "owner",
        Column("events_label", label=_("订阅的事件")),
        "active",
        "created_at",
    ]
    list_filter = ["active"]
    add_view_class = SubscriptionCreateView
    edit_view_class = SubscriptionEditView

    def get_form_class(self, for_update=False):
        return SubscriptionForm

    def get_permissions_to_register(self):
        from django.contrib.auth.models import Permission

        return Permission.objects.none()  # the policy decides (administrators)


class DeliveryInspectView(LocalTimeInspectView):
    template_name = "webhooks/admin/delivery_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["attempts"] = delivery_attempts(delivery=self.object)
        return context


class DeliveryViewSet(ReadOnlyViewSet):
    model = WebhookDelivery
    icon = "warning"
    menu_label = _("事件推送记录")
    add_to_settings_menu = True
    inspect_view_class = DeliveryInspectView
    field_labels = {"subscription": _("订阅"), "source_event": _("业务事件")}
    list_display = [
        "event_name",
        Column("subscription", label=_("订阅")),
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = ["status", "event_name"]
    inspect_view_fields = [
        "event_id",
        "event_name",
        "subscription",
        "source_event",
        "status",
        "attempts",
        "give_up_after",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "created_at",
        "delivered_at",
        "body",
    ]


def _administrator(request) -> None:
    if not user_has_role(request.user, Role.ADMINISTRATOR):
        raise PermissionDenied


@never_cache
@require_POST
def rotate(request, pk: int):
    _administrator(request)
    subscription = get_object_or_404(WebhookSubscription, pk=pk)
    return _secret_page(
        request, secret_rotate(subscription=subscription, actor=request.user), rotated=True
    )


@require_POST
def replay(request, pk: int):
    _administrator(request)
    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    try:
        delivery_replay(delivery_id=delivery.pk, actor=request.user)
    except BusinessError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("已重新推送。"))
    return redirect(WebhookDelivery.snippet_viewset.get_url_name("inspect"), delivery.pk)


@hooks.register("register_admin_urls")
def register_urls():
    return [
        path("webhooks/subscriptions/<int:pk>/rotate/", rotate, name="webhooks_rotate_secret"),
        path("webhooks/deliveries/<int:pk>/replay/", replay, name="webhooks_delivery_replay"),
    ]


register_permission_policy(
    WebhookSubscription, AdministratorsManage(WebhookSubscription, ADMINISTRATORS)
)
register_permission_policy(WebhookDelivery, ReadOnlyForRoles(WebhookDelivery, ADMINISTRATORS))
register_snippet(DeliveryViewSet)


@hooks.register("register_admin_viewset")
def register_subscriptions():
    return SubscriptionViewSet("webhook_subscriptions")
