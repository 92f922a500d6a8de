"""The administrators' form of a subscription: the owner is an integrator account, the URL is
checked as the API checks it (addresses.target_check), events from the catalogue."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from common.exceptions import BusinessError
from staff.roles import Role
from staff.selectors import role_permission

from .addresses import target_check
from .catalog import EVENT_CHOICES
from .models import WebhookSubscription


def integrator_accounts() -> QuerySet:
    permission = role_permission(Role.INTEGRATOR) or "staff.use_api"
    app_label, codename = permission.split(".")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(
                groups__permissions__content_type__app_label=app_label,
                groups__permissions__codename=codename,
            )
            | Q(
                user_permissions__content_type__app_label=app_label,
                user_permissions__codename=codename,
            )
        )
        .distinct()
        .order_by("username")
    )


class SubscriptionForm(WagtailAdminModelForm):
    url = forms.URLField(label=_("推送地址"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("订阅的事件"), choices=EVENT_CHOICES, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookSubscription
        fields = ["owner", "url", "events", "description", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = integrator_accounts()
        self.fields["url"].help_text = _("须为 https 的公网地址；推送前会再次解析并检查。")
        if self.instance.pk:
            self.fields["owner"].disabled = True

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            target_check(url)
        except BusinessError as refused:
            raise forms.ValidationError(refused.message, code=refused.code) from None
        return url
