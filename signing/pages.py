"""The investor's pages of the certificate and signing steps (adapters over step_services)."""

from __future__ import annotations

from typing import Any

from flows.pages import StepPage

from .selectors import (
    certificate_current,
    certificate_issued_since_witness,
    signed_documents_current,
)
from .step_services import SignService


class CertificatePage(StepPage):
    template_name = "signing/steps/certificate.html"

    def context(self) -> dict[str, Any]:
        application = self.application
        certificate = certificate_current(application=application)
        lost = certificate is None and certificate_issued_since_witness(application=application)
        return {"certificate_step": {"certificate": certificate, "reinstall_required": lost}}


class SignPage(StepPage):
    template_name = "signing/steps/sign.html"
    service: SignService

    def context(self) -> dict[str, Any]:
        signed = signed_documents_current(application=self.application)
        items = [
            {"document": document, "rendition": rendition, "signed": signed.get(document.pk)}
            for document, rendition in self.service.items
        ]
        return {
            "sign_step": {
                "certificate": certificate_current(application=self.application),
                "items": items,
                "all_signed": all(item["signed"] for item in items),
            }
        }
