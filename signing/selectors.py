"""Reads of the signing capability."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from content.models import Document
from flows.engine import find_step, flow_steps
from flows.models import Application, StepRecord

from .models import Certificate, SignedDocument
from .steps import SIGN

# The video app's witness step: a certificate binds a key to the identity witnessed there.
WITNESS_STEP = "witness"


def step_documents(options: Any) -> list[Document]:
    """The documents a signing step's options name (a deleted one is skipped)."""
    return [document for document in (options or {}).get("documents") or [] if document is not None]


def sign_step_documents(*, application: Application) -> list[Document]:
    """The documents the flow's signing step asks this application to sign."""
    step = find_step(flow_steps(application), SIGN)
    return step_documents(step.options) if step is not None else []


def certificate_issued_since_witness(*, application: Application) -> bool:
    """Whether a certificate (valid, revoked or expired) was issued for this application after
    its identity was last witnessed: then only "重新安装" with a new witness may replace it."""
    witnessed = (
        StepRecord.objects.filter(application=application, kind=WITNESS_STEP)
        .values_list("completed_at", flat=True)
        .first()
    )
    issued = Certificate.objects.filter(application=application)
    if witnessed is not None:
        issued = issued.filter(created_at__gte=witnessed)
    return issued.exists()


def certificate_current(*, application: Application) -> Certificate | None:
    """The certificate this application installed, while it is still valid."""
    certificate = (
        Certificate.objects.filter(application=application, revoked_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    return certificate if certificate and certificate.is_valid_at() else None


def signed_documents(*, application: Application) -> QuerySet[SignedDocument]:
    """Every signature the application holds, oldest first (a document signed again after a new
    certificate appears twice; `signed_documents_current` keeps the newest of each)."""
    return (
        SignedDocument.objects.filter(application=application)
        .select_related("document", "certificate", "application")
        .order_by("signed_at")
    )


def signed_documents_current(*, application: Application) -> dict[int, SignedDocument]:
    """Document pk → its newest signature made with the application's latest certificate, even
    if that certificate was revoked since (what was signed before stays signed)."""
    certificate = (
        Certificate.objects.filter(application=application).order_by("-created_at").first()
    )
    if certificate is None:
        return {}
    return {
        signed.document_id: signed
        for signed in signed_documents(application=application).filter(certificate=certificate)
    }
