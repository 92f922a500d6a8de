"""Steps 6 and 7 for the investor: install the digital certificate, sign the agreements.

The private key is made, kept and used in the browser (signing/static/signing/*.js): the server
only sees the public key, a proof that the browser holds the private key, and signatures. So
these handlers are background actions that answer JSON, around the services of signing.services:

- certificate step: `challenge` → {nonce, to_sign}; `issue` (public_key, nonce, signature) →
  {serial, certificate, not_before, not_after}; `reinstall` → {redirect}.
- sign step: `prepare` (document) → {request_id, to_sign, serial}; `complete` (request_id,
  signature) → {document, signed, signed_at, sha256}; `reinstall` → {redirect}.

Binary values travel as standard base64; signatures are WebCrypto's 64-byte r‖s. A refusal is
status 400 with {"message", "code"}, never a 500.

A certificate once issued since the identity was last witnessed cannot simply be issued again
(another device, a forgotten password, a lost key): "重新安装" revokes it and the video witness
is done again, so that a new key is always bound to a freshly witnessed person."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import BusinessError
from content.models import Document, DocumentRendition
from flows.selectors import application_document
from flows.steps.base import StepHandler, StepResult

from .models import SignedDocument
from .selectors import (
    certificate_current,
    certificate_issued_since_witness,
    signed_documents_current,
    step_documents,
)
from .services import (
    certificate_challenge_issue,
    certificate_issue,
    certificate_may_install,
    certificate_reinstall,
    signature_complete,
    signature_prepare,
)
from .steps import CERTIFICATE

MAX_FIELD_CHARS = 4096  # base64 of a public key or a signature is far shorter
SIGNATURE_BYTES = 64  # WebCrypto ECDSA P-256: r‖s


# --- what the browser sends ---------------------------------------------------------------
def _field(request: HttpRequest, name: str) -> str:
    value = request.POST.get(name, "").strip()
    if not value:
        raise BusinessError(
            _("请求缺少参数 %(name)s，请刷新页面后重试。") % {"name": name}, code="bad_request"
        )
    if len(value) > MAX_FIELD_CHARS:
        raise BusinessError(_("参数 %(name)s 过长。") % {"name": name}, code="bad_request")
    return value


def _base64(request: HttpRequest, name: str) -> bytes:
    try:
        return base64.b64decode(_field(request, name), validate=True)
    except (binascii.Error, ValueError) as error:
        raise BusinessError(
            _("参数 %(name)s 不是有效的 Base64 编码。") % {"name": name}, code="bad_request"
        ) from error


def _signature(request: HttpRequest) -> bytes:
    signature = _base64(request, "signature")
    if len(signature) != SIGNATURE_BYTES:
        raise BusinessError(_("签名格式不正确。"), code="bad_signature_format")
    return signature


def _integer(request: HttpRequest, name: str) -> int:
    try:
        return int(_field(request, name))
    except ValueError as error:
        raise BusinessError(
            _("参数 %(name)s 不正确。") % {"name": name}, code="bad_request"
        ) from error


def _b64(data: bytes) -> str:
    return base64.b64encode(bytes(data)).decode("ascii")


def _shown(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


# --- the two steps ------------------------------------------------------------------------
class _SigningStep(StepHandler):
    """Background actions answer JSON; a BusinessError becomes 400 {"message", "code"}."""

    actions: tuple[str, ...] = ()

    def action(self, request: HttpRequest, name: str) -> JsonResponse | None:
        if name not in self.actions:
            return None
        method: Callable[[HttpRequest], dict[str, Any]] = getattr(self, f"do_{name}")
        try:
            return JsonResponse(method(request))
        except BusinessError as error:
            return JsonResponse({"message": error.message, "code": error.code}, status=400)

    def do_reinstall(self, request: HttpRequest) -> dict[str, Any]:
        """Nothing issued since the witness: install again at once. Otherwise revoke, and the
        witness and every later step are to be done again."""
        if not certificate_issued_since_witness(application=self.application):
            return {
                "redirect": reverse(
                    "flows:step", args=[self.application.acceptance_number, CERTIFICATE]
                ),
                "reopened": [],
            }
        reopened = certificate_reinstall(application=self.application)
        return {
            "redirect": reverse("flows:resume", args=[self.application.acceptance_number]),
            "reopened": reopened,
        }


class CertificateStep(_SigningStep):
    template_name = "signing/steps/certificate.html"
    actions = ("challenge", "issue", "reinstall")

    def get_context(self, request: HttpRequest) -> dict[str, Any]:
        certificate = certificate_current(application=self.application)
        lost = certificate is None and certificate_issued_since_witness(
            application=self.application
        )
        return {"certificate_step": {"certificate": certificate, "reinstall_required": lost}}

    def submit(self, request: HttpRequest) -> StepResult:
        certificate = certificate_current(application=self.application)
        if certificate is None:
            return StepResult(done=False, errors={"certificate": [_("请先安装数字证书")]})
        return StepResult(
            done=True,
            data={"serial": certificate.serial},
            evidence={
                "serial": certificate.serial,
                "public_key_sha256": certificate.public_key_sha256,
                "not_before": certificate.not_before.isoformat(),
                "not_after": certificate.not_after.isoformat(),
            },
        )

    def do_challenge(self, request: HttpRequest) -> dict[str, Any]:
        certificate_may_install(application=self.application)
        challenge = certificate_challenge_issue(application=self.application)
        return {
            "nonce": challenge.nonce,
            "to_sign": _b64(challenge.message()),
            "expires_at": challenge.expires_at.isoformat(),
        }

    def do_issue(self, request: HttpRequest) -> dict[str, Any]:
        nonce, public_key = _field(request, "nonce"), _base64(request, "public_key")
        signature = _signature(request)
        certificate = certificate_issue(
            application=self.application,
            nonce=nonce,
            public_key_der=public_key,
            signature=signature,
        )
        return {
            "serial": certificate.serial,
            "certificate": certificate.certificate_pem,
            "not_before": certificate.not_before.isoformat(),
            "not_after": certificate.not_after.isoformat(),
            "validity": _("%(start)s 至 %(end)s")
            % {"start": _shown(certificate.not_before), "end": _shown(certificate.not_after)},
        }


class SignStep(_SigningStep):
    template_name = "signing/steps/sign.html"
    actions = ("prepare", "complete", "reinstall")

    @cached_property
    def items(self) -> list[tuple[Document, DocumentRendition]]:
        """The step's documents, each in the version pinned when the application started."""
        return [
            (document, application_document(application=self.application, document=document))
            for document in step_documents(self.options)
        ]

    def get_context(self, request: HttpRequest) -> dict[str, Any]:
        signed = signed_documents_current(application=self.application)
        items = [
            {"document": document, "rendition": rendition, "signed": signed.get(document.pk)}
            for document, rendition in self.items
        ]
        return {
            "sign_step": {
                "certificate": certificate_current(application=self.application),
                "items": items,
                "all_signed": all(item["signed"] for item in items),
            }
        }

    def submit(self, request: HttpRequest) -> StepResult:
        signed = signed_documents_current(application=self.application)
        unsigned = [
            rendition.title for document, rendition in self.items if document.pk not in signed
        ]
        if unsigned:
            titles = _("、").join(_("《%(title)s》") % {"title": title} for title in unsigned)
            return StepResult(
                done=False,
                errors={"documents": [_("以下协议尚未签署：%(titles)s") % {"titles": titles}]},
            )
        return StepResult(
            done=True,
            data={"documents": [document.pk for document, _r in self.items]},
            evidence={
                "signatures": {
                    str(document.pk): _signature_evidence(signed[document.pk])
                    for document, _r in self.items
                }
            },
        )

    def _document(self, request: HttpRequest) -> Document:
        document_id = _integer(request, "document")
        document = next((d for d, _r in self.items if d.pk == document_id), None)
        if document is None:
            raise BusinessError(_("该文档不属于本步骤，不能签署。"), code="unknown_document")
        return document

    def do_prepare(self, request: HttpRequest) -> dict[str, Any]:
        document = self._document(request)
        done = signed_documents_current(application=self.application).get(document.pk)
        if done is not None:
            raise BusinessError(
                _("《%(title)s》已签署。") % {"title": done.title}, code="already_signed"
            )
        prepared = signature_prepare(application=self.application, document=document)
        return {
            "request_id": prepared.pk,
            "document": document.pk,
            "to_sign": _b64(bytes(prepared.signed_attributes)),
            "serial": prepared.certificate.serial,
            "expires_at": prepared.expires_at.isoformat(),
        }

    def do_complete(self, request: HttpRequest) -> dict[str, Any]:
        request_id, signature = _integer(request, "request_id"), _signature(request)
        signed = signature_complete(
            application=self.application, request_id=request_id, signature=signature
        )
        return {
            "document": signed.document_id,
            "title": signed.title,
            "signed": True,
            "signed_at": signed.signed_at.isoformat(),
            "signed_at_shown": _shown(signed.signed_at),
            "sha256": signed.signed_sha256,
            "download_url": reverse(
                "signing:investor_signed", args=[self.application.acceptance_number, signed.pk]
            ),
        }


def _signature_evidence(signed: SignedDocument) -> dict[str, Any]:
    return {
        "signed_document": signed.pk,
        "title": signed.title,
        "rendition": signed.rendition_id,
        "revision": signed.revision_id,
        "content_sha256": signed.content_sha256,
        "unsigned_sha256": signed.unsigned_sha256,
        "signed_sha256": signed.signed_sha256,
        "serial": signed.certificate.serial,
        "signed_at": signed.signed_at.isoformat(),
    }
