"""Admin screens that staff read and never change: records written only by services (signed
documents, certificates, event deliveries)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils import timezone
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.snippets.views.snippets import InspectView, SnippetViewSet

from .roles import Role
from .selectors import role_permission, user_has_role


class ReadOnlyForRoles(BasePermissionPolicy):
    """ "view" for the holders of some roles; no other action for anyone, superusers included:
    such records change only through their services, which keep the audit trail."""

    def __init__(self, model, roles: Iterable[Role]):
        super().__init__(model)
        self.roles = tuple(roles)

    def user_has_permission(self, user, action) -> bool:
        return action == "view" and any(user_has_role(user, role) for role in self.roles)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if "view" not in actions:
            return users.none()
        granted = Q(is_superuser=True)
        for role in self.roles:
            permission = role_permission(role)
            if permission is None:
                continue
            app_label, codename = permission.split(".")
            granted |= Q(
                groups__permissions__content_type__app_label=app_label,
                groups__permissions__codename=codename,
            )
            granted |= Q(
                user_permissions__content_type__app_label=app_label,
                user_permissions__codename=codename,
            )
        return users.filter(granted).distinct()


class LocalTimeInspectView(InspectView):
    """Wagtail's inspect view prints datetimes through `|localize` alone, which shows them in
    UTC; people here read Beijing time, as the listing shows it. Related rows are labelled by
    what identifies them (the viewset's `field_labels`)."""

    field_labels: dict[str, str] = {}

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if value is None:
            return "—"
        return timezone.localtime(value) if isinstance(value, datetime.datetime) else value

    def get_field_label(self, field_name, field):
        return self.field_labels.get(field_name) or super().get_field_label(field_name, field)


class ReadOnlyViewSet(SnippetViewSet):
    """List and inspect only; the permission policy (ReadOnlyForRoles) decides who may look."""

    inspect_view_enabled = True
    inspect_view_class = LocalTimeInspectView
    copy_view_enabled = False
    field_labels: dict[str, str] = {}

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(field_labels=self.field_labels, **kwargs)

    def get_permissions_to_register(self):
        # nothing to grant in the group editor: the policy decides
        return Permission.objects.none()
