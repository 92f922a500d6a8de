"""Reads of the signing capability."""

from __future__ import annotations

from django.db.models import QuerySet

from flows.models import Application

from .models import Certificate, SignedDocument


def certificate_current(*, application: Application) -> Certificate | None:
    """The certificate this application installed, while it is still valid."""
    certificate = (Certificate.objects.filter(application=application, revoked_at__isnull=True)
                   .order_by("-created_at").first())
    return certificate if certificate and certificate.is_valid_at() else None


def signed_documents(*, application: Application) -> QuerySet[SignedDocument]:
    """Every signature the application holds, oldest first (a document signed again after a new
    certificate appears twice; `signed_documents_current` keeps the newest of each)."""
    return (SignedDocument.objects.filter(application=application)
            .select_related("document", "certificate", "application").order_by("signed_at"))


def signed_documents_current(*, application: Application) -> dict[int, SignedDocument]:
    """Document pk → its newest signature made with the application's current certificate."""
    certificate = certificate_current(application=application)
    if certificate is None:
        return {}
    return {signed.document_id: signed for signed in
            signed_documents(application=application).filter(certificate=certificate)}
