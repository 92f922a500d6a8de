"""The menu "数字证书与签署": investors' certificates and signed documents, for administrators and
compliance to look up. Read-only for everybody, superusers included: certificates are issued,
revoked and documents signed only through the signing services, which keep the audit trail.

Personal data stays out: a client is shown by client number (as everywhere in the admin), and a
certificate's PEM (whose subject holds the name and ID number) is never displayed."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import InspectView, SnippetViewSet, SnippetViewSetGroup

from staff.roles import CONSOLE_PERMISSION, Role
from staff.selectors import user_has_role

from .models import Certificate, SignedDocument

READERS = (Role.ADMINISTRATOR, Role.COMPLIANCE)
READER_PERMISSIONS = ("wagtailadmin.access_admin", CONSOLE_PERMISSION[Role.COMPLIANCE])


class ReadOnlyForReaders(BasePermissionPolicy):
    """ "view" for administrators and compliance officers; no other action for anyone."""

    def user_has_permission(self, user, action) -> bool:
        return action == "view" and any(user_has_role(user, role) for role in READERS)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if "view" not in actions:
            return users.none()
        granted = Q(is_superuser=True)
        for permission in READER_PERMISSIONS:
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


# Related rows appear by what identifies them: a client by number, a certificate by serial.
LABELS = {
    "client": _("客户号"),
    "application": _("受理单号"),
    "certificate": _("证书序列号"),
}


class LocalTimeInspectView(InspectView):
    """Wagtail's inspect view prints datetimes through `|localize` alone, which shows them in
    UTC; people here read Beijing time, as the listing shows it."""

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if value is None:
            return "—"
        return timezone.localtime(value) if isinstance(value, datetime.datetime) else value

    def get_field_label(self, field_name, field):
        return LABELS.get(field_name) or super().get_field_label(field_name, field)


class ReadOnlyViewSet(SnippetViewSet):
    inspect_view_enabled = True
    inspect_view_class = LocalTimeInspectView
    copy_view_enabled = False

    def get_permissions_to_register(self):
        # nothing to grant in the group editor: the policy decides
        return Permission.objects.none()


class CertificateViewSet(ReadOnlyViewSet):
    model = Certificate
    icon = "key"
    menu_label = _("投资者数字证书")
    list_display = [
        "serial",
        Column("client", label=LABELS["client"]),
        Column("application", label=LABELS["application"]),
        "not_before",
        "not_after",
        "revoked_at",
        "revocation_reason",
    ]
    list_filter = ["revocation_reason"]
    search_fields = ["serial"]
    inspect_view_fields = [
        "serial",
        "client",
        "application",
        "public_key_sha256",
        "not_before",
        "not_after",
        "revoked_at",
        "revocation_reason",
        "created_at",
    ]


class SignedDocumentViewSet(ReadOnlyViewSet):
    model = SignedDocument
    icon = "doc-full-inverse"
    menu_label = _("已签署文档")
    list_display = [
        "title",
        Column("application", label=LABELS["application"]),
        "revision_id",
        "signed_sha256",
        "signed_at",
        "sealed_at",
    ]
    search_fields = ["title", "signed_sha256"]
    inspect_view_fields = [
        "title",
        "application",
        "revision_id",
        "content_sha256",
        "certificate",
        "unsigned_sha256",
        "signed_sha256",
        "size",
        "prepared_at",
        "signed_at",
        "sealed_at",
    ]


class SigningRecords(SnippetViewSetGroup):
    menu_label = _("数字证书与签署")
    menu_icon = "key"
    menu_order = 160
    items = (CertificateViewSet, SignedDocumentViewSet)


register_permission_policy(Certificate, ReadOnlyForReaders(Certificate))
register_permission_policy(SignedDocument, ReadOnlyForReaders(SignedDocument))
register_snippet(SigningRecords)
