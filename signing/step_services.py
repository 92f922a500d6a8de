"""Steps 6 and 7: install the digital certificate, sign the agreements (the step services).

The private key is made, kept and used in the browser (signing/static/signing/*.js): the server
only sees the public key, a proof that the browser holds the private key, and signatures. So
these steps are mostly actions that take and return data, around the services of
signing.services; the engine runs them unlocked (rendering and signing take a second or more;
those services lock the application briefly, around what they record):

- certificate step: `challenge` → {nonce, to_sign}; `issue` (public_key, nonce, signature) →
  {serial, certificate, not_before, not_after}; `reinstall` → {redirect}.
- sign step: `prepare` (document) → {request_id, to_sign, serial}; `complete` (request_id,
  signature) → {document, signed, signed_at, sha256}; `reinstall` → {redirect}.

Binary values travel as standard base64; signatures are WebCrypto's 64-byte r‖s. A refusal is
a BusinessError (status 400 with {"message", "code"} on the page and in the API), never a 500.

A certificate once issued since the identity was last witnessed cannot simply be issued again
(another device, a forgotten password, a lost key): "重新安装" revokes it and the video witness
is done again, so that a new key is always bound to a freshly witnessed person."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import BusinessError
from content.models import Document, DocumentRendition
from flows.actors import Actor
from flows.models import StepRecord
from flows.selectors import application_document
from flows.steps.base import (
    ActionResult,
    Data,
    Effect,
    Files,
    StepOutcome,
    StepService,
    StepSummary,
    value,
)

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
def _field(data: Data, name: str) -> str:
    text = value(data, name).strip()
    if not text:
        raise BusinessError(
            _("请求缺少参数 %(name)s，请刷新页面后重试。") % {"name": name}, code="bad_request"
        )
    if len(text) > MAX_FIELD_CHARS:
        raise BusinessError(_("参数 %(name)s 过长。") % {"name": name}, code="bad_request")
    return text


def _base64(data: Data, name: str) -> bytes:
    try:
        return base64.b64decode(_field(data, name), validate=True)
    except (binascii.Error, ValueError) as error:
        raise BusinessError(
            _("参数 %(name)s 不是有效的 Base64 编码。") % {"name": name}, code="bad_request"
        ) from error


def _signature(data: Data) -> bytes:
    signature = _base64(data, "signature")
    if len(signature) != SIGNATURE_BYTES:
        raise BusinessError(_("签名格式不正确。"), code="bad_signature_format")
    return signature


def _integer(data: Data, name: str) -> int:
    try:
        return int(_field(data, name))
    except ValueError as error:
        raise BusinessError(
            _("参数 %(name)s 不正确。") % {"name": name}, code="bad_request"
        ) from error


def _b64(data: bytes) -> str:
    return base64.b64encode(bytes(data)).decode("ascii")


def _shown(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


# --- the two steps ------------------------------------------------------------------------
class _SigningStep(StepService):
    """Every action runs unlocked: the signing services lock around what they record."""

    def act(self, *, actor: Actor, name: str, data: Data, files: Files) -> ActionResult:
        method: Callable[[Data], ActionResult] = getattr(self, "do_" + name.replace("-", "_"))
        return method(data)

    def do_reinstall(self, data: Data) -> ActionResult:
        """Nothing issued since the witness: install again at once. Otherwise revoke, and the
        witness and every later step are to be done again."""
        if not certificate_issued_since_witness(application=self.application):
            url = reverse("flows:step", args=[self.application.acceptance_number, CERTIFICATE])
            return ActionResult(data={"redirect": url, "reopened": []})
        reopened = certificate_reinstall(application=self.application)
        url = reverse("flows:resume", args=[self.application.acceptance_number])
        return ActionResult(data={"redirect": url, "reopened": reopened}, effect=Effect.RESTART)


@dataclass(frozen=True)
class CertificateSummary(StepSummary):
    serial: str
    public_key_sha256: str
    not_before: str
    not_after: str

    def rows(self) -> list[tuple[str, str]]:
        return [
            (_("证书序列号"), self.serial),
            (_("有效期"), f"{self.not_before[:10]} — {self.not_after[:10]}"),
        ]


class CertificateService(_SigningStep):
    actions = ("challenge", "issue", "reinstall")
    unlocked_actions = frozenset(actions)

    def state(self) -> dict[str, Any]:
        certificate = certificate_current(application=self.application)
        lost = certificate is None and certificate_issued_since_witness(
            application=self.application
        )
        return {
            "certificate": {
                "serial": certificate.serial,
                "not_before": certificate.not_before.isoformat(),
                "not_after": certificate.not_after.isoformat(),
            }
            if certificate
            else None,
            "reinstall_required": lost,
        }

    def submit(self, *, actor: Actor, data: Data, prepared: Any) -> StepOutcome:
        certificate = certificate_current(application=self.application)
        if certificate is None:
            return StepOutcome(done=False, errors={"certificate": [_("请先安装数字证书")]})
        return StepOutcome(
            done=True,
            data={"serial": certificate.serial},
            evidence={
                "serial": certificate.serial,
                "public_key_sha256": certificate.public_key_sha256,
                "not_before": certificate.not_before.isoformat(),
                "not_after": certificate.not_after.isoformat(),
            },
        )

    def do_challenge(self, data: Data) -> ActionResult:
        certificate_may_install(application=self.application)
        challenge = certificate_challenge_issue(application=self.application)
        return ActionResult(
            data={
                "nonce": challenge.nonce,
                "to_sign": _b64(challenge.message()),
                "expires_at": challenge.expires_at.isoformat(),
            }
        )

    def do_issue(self, data: Data) -> ActionResult:
        nonce, public_key = _field(data, "nonce"), _base64(data, "public_key")
        signature = _signature(data)
        certificate = certificate_issue(
            application=self.application,
            nonce=nonce,
            public_key_der=public_key,
            signature=signature,
        )
        return ActionResult(
            data={
                "serial": certificate.serial,
                "certificate": certificate.certificate_pem,
                "not_before": certificate.not_before.isoformat(),
                "not_after": certificate.not_after.isoformat(),
                "validity": _("%(start)s 至 %(end)s")
                % {"start": _shown(certificate.not_before), "end": _shown(certificate.not_after)},
            }
        )

    @classmethod
    def summarize(cls, record: StepRecord) -> CertificateSummary:
        evidence = record.evidence or {}
        return CertificateSummary(
            kind=record.kind,
            completed_at=record.completed_at,
            serial=evidence.get("serial", ""),
            public_key_sha256=evidence.get("public_key_sha256", ""),
            not_before=evidence.get("not_before", ""),
            not_after=evidence.get("not_after", ""),
        )


@dataclass(frozen=True)
class SignatureRecord:
    signed_document: int
    title: str
    revision: int | None
    content_sha256: str
    signed_sha256: str
    serial: str
    signed_at: str


@dataclass(frozen=True)
class SignSummary(StepSummary):
    signatures: list[SignatureRecord]

    def rows(self) -> list[tuple[str, str]]:
        return [
            (
                f"《{s.title}》",
                _("已签署 %(at)s（证书 %(serial)s）")
                % {"at": s.signed_at[:19], "serial": s.serial},
            )
            for s in self.signatures
        ]


class SignService(_SigningStep):
    actions = ("prepare", "complete", "reinstall")
    unlocked_actions = frozenset(actions)

    @cached_property
    def items(self) -> list[tuple[Document, DocumentRendition]]:
        """The step's documents, each in the version pinned when the application started."""
        return [
            (document, application_document(application=self.application, document=document))
            for document in step_documents(self.options)
        ]

    def state(self) -> dict[str, Any]:
        signed = signed_documents_current(application=self.application)
        return {
            "documents": [
                {
                    "document": document.pk,
                    "title": rendition.title,
                    "signed": document.pk in signed,
                }
                for document, rendition in self.items
            ]
        }

    def submit(self, *, actor: Actor, data: Data, prepared: Any) -> StepOutcome:
        signed = signed_documents_current(application=self.application)
        unsigned = [
            rendition.title for document, rendition in self.items if document.pk not in signed
        ]
        if unsigned:
            titles = _("、").join(_("《%(title)s》") % {"title": title} for title in unsigned)
            return StepOutcome(
                done=False,
                errors={"documents": [_("以下协议尚未签署：%(titles)s") % {"titles": titles}]},
            )
        return StepOutcome(
            done=True,
            data={"documents": [document.pk for document, _r in self.items]},
            evidence={
                "signatures": {
                    str(document.pk): _signature_evidence(signed[document.pk])
                    for document, _r in self.items
                }
            },
        )

    def _document(self, data: Data) -> Document:
        document_id = _integer(data, "document")
        document = next((d for d, _r in self.items if d.pk == document_id), None)
        if document is None:
            raise BusinessError(_("该文档不属于本步骤，不能签署。"), code="unknown_document")
        return document

    def do_prepare(self, data: Data) -> ActionResult:
        document = self._document(data)
        done = signed_documents_current(application=self.application).get(document.pk)
        if done is not None:
            raise BusinessError(
                _("《%(title)s》已签署。") % {"title": done.title}, code="already_signed"
            )
        prepared = signature_prepare(application=self.application, document=document)
        return ActionResult(
            data={
                "request_id": prepared.pk,
                "document": document.pk,
                "to_sign": _b64(bytes(prepared.signed_attributes)),
                "serial": prepared.certificate.serial,
                "expires_at": prepared.expires_at.isoformat(),
            }
        )

    def do_complete(self, data: Data) -> ActionResult:
        request_id, signature = _integer(data, "request_id"), _signature(data)
        signed = signature_complete(
            application=self.application, request_id=request_id, signature=signature
        )
        return ActionResult(
            data={
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
        )

    @classmethod
    def summarize(cls, record: StepRecord) -> SignSummary:
        signatures = (record.evidence or {}).get("signatures", {})
        return SignSummary(
            kind=record.kind,
            completed_at=record.completed_at,
            signatures=[
                SignatureRecord(
                    signed_document=entry["signed_document"],
                    title=entry.get("title", ""),
                    revision=entry.get("revision"),
                    content_sha256=entry.get("content_sha256", ""),
                    signed_sha256=entry.get("signed_sha256", ""),
                    serial=entry.get("serial", ""),
                    signed_at=entry.get("signed_at", ""),
                )
                for entry in signatures.values()
            ],
        )


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
