"""设置 → 短信记录: every message with its purpose, masked number, status, attempts, error label
and next try, for administrators; never its text (a login code is in it)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from staff.admin_views import ReadOnlyForRoles, ReadOnlyViewSet
from staff.roles import Role

from .models import SmsMessage


class SmsMessageViewSet(ReadOnlyViewSet):
    model = SmsMessage
    icon = "mail"
    menu_label = _("短信记录")
    add_to_settings_menu = True
    list_display = [
        "created_at",
        "purpose",
        Column("masked_mobile", label=_("手机号码")),
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["status", "purpose"]
    inspect_view_fields = [
        "created_at",
        "purpose",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "leased_until",
        "delivered_at",
        "provider_id",
    ]


register_permission_policy(SmsMessage, ReadOnlyForRoles(SmsMessage, (Role.ADMINISTRATOR,)))
register_snippet(SmsMessageViewSet)
