"""The menu "数字证书与签署": investors' certificates and signed documents, for administrators and
compliance to look up. Read-only for everybody, superusers included: certificates are issued,
revoked and documents signed only through the signing services, which keep the audit trail.

Personal data stays out: a client is shown by client number (as everywhere in the admin), and a
certificate's PEM (whose subject holds the name and ID number) is never displayed."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from staff.admin_views import ReadOnlyForRoles, ReadOnlyViewSet
from staff.roles import Role

from .models import Certificate, SignedDocument

READERS = (Role.ADMINISTRATOR, Role.COMPLIANCE)


# Related rows appear by what identifies them: a client by number, a certificate by serial.
LABELS = {
    "client": _("客户号"),
    "application": _("受理单号"),
    "certificate": _("证书序列号"),
}


class CertificateViewSet(ReadOnlyViewSet):
    model = Certificate
    field_labels = LABELS
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
    field_labels = LABELS
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


register_permission_policy(Certificate, ReadOnlyForRoles(Certificate, READERS))
register_permission_policy(SignedDocument, ReadOnlyForRoles(SignedDocument, READERS))
register_snippet(SigningRecords)
