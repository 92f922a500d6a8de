"""Writes of the signing capability: certificates (challenge, issue, revoke, install again) and
signatures (prepare, complete: the investor's signature then the company seal)."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from common.exceptions import BusinessError
from common.locking import lock
from content.models import Document
from flows.actors import Actor
from flows.events import event_record
from flows.models import Application
from flows.selectors import application_document
from flows.services import steps_reopen
from privacy import crypto

from . import pades
from .authority import certificate_of, company_key, investor_certificate_build
from .documents import agreement_render
from .marks import company_seal_png, investor_signature_png
from .models import (
    Certificate,
    CertificateChallenge,
    CompanyRole,
    RevocationReason,
    SignatureRequest,
    SignedDocument,
)
from .selectors import (
    WITNESS_STEP,
    certificate_current,
    certificate_issued_since_witness,
    sign_step_documents,
)
from .steps import CERTIFICATE


def _investor(application: Application) -> str:
    return f"investor:{application.client_id}"


# --- certificates ---------------------------------------------------------------------------
def certificate_may_install(*, application: Application) -> None:
    """One certificate per witnessed identity: once one was issued since the witness, only
    "重新安装" (revoke, witness again) leads to another."""
    if certificate_issued_since_witness(application=application):
        raise BusinessError(
            _(
                "本业务已签发过数字证书。如本设备没有该证书或忘记了证书密码，"
                "请点击“重新安装”（需重新进行视频见证）。"
            ),
            code="certificate_exists",
        )


def certificate_challenge_issue(*, application: Application) -> CertificateChallenge:
    seconds = settings.SIGNING_CHALLENGE_SECONDS
    return CertificateChallenge.objects.create(
        application=application,
        nonce=secrets.token_urlsafe(32),
        expires_at=timezone.now() + datetime.timedelta(seconds=seconds),
    )


def _public_key(public_key_der: bytes) -> ec.EllipticCurvePublicKey:
    try:
        key = serialization.load_der_public_key(public_key_der)
    except (ValueError, TypeError) as error:
        raise BusinessError(_("公钥格式不正确。"), code="bad_key") from error
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise BusinessError(_("公钥类型不支持（须为 ECDSA P-256）。"), code="bad_key")
    return key


def signature_der(signature: bytes) -> bytes:
    """A browser's r‖s, or a DER signature as it is."""
    return pades.p1363_to_der(signature) if len(signature) == 64 else signature


def _challenge_take(*, application: Application, nonce: str) -> CertificateChallenge:
    challenge = (
        CertificateChallenge.objects.select_for_update()
        .filter(application=application, nonce=nonce)
        .first()
    )
    if challenge is None:
        raise BusinessError(_("安装请求无效，请重新安装。"), code="challenge_unknown")
    if challenge.used_at is not None:
        raise BusinessError(_("安装请求已使用过，请重新安装。"), code="challenge_used")
    if challenge.expires_at < timezone.now():
        raise BusinessError(_("安装请求已过期，请重新安装。"), code="challenge_expired")
    return challenge


def certificate_issue(
    *, application: Application, nonce: str, public_key_der: bytes, signature: bytes
) -> Certificate:
    """Issue a certificate for a key the browser made, once it proves it holds the private key
    by signing the challenge. The challenge is spent by any attempt. One certificate per
    witnessed identity: a second one needs `certificate_reinstall` and a new witness. The
    client's earlier certificates are revoked: one valid certificate per investor."""
    public_key = _public_key(public_key_der)
    proof_error: BusinessError | None = None
    with transaction.atomic():
        application = lock(Application, pk=application.pk)
        certificate_may_install(application=application)
        challenge = _challenge_take(application=application, nonce=nonce)
        challenge.used_at = timezone.now()
        challenge.save(update_fields=["used_at"])
        try:
            public_key.verify(
                signature_der(signature), challenge.message(), ec.ECDSA(hashes.SHA256())
            )
        except (InvalidSignature, ValueError):
            proof_error = BusinessError(
                _("无法证明持有私钥，证书未签发，请重新安装。"), code="bad_proof"
            )
        if proof_error is None:
            certificate = _certificate_create(application, public_key)
    if proof_error is not None:
        raise proof_error
    return certificate


def _certificate_create(
    application: Application, public_key: ec.EllipticCurvePublicKey
) -> Certificate:
    client = application.client
    for earlier in Certificate.objects.filter(client=client, revoked_at__isnull=True):
        certificate_revoke(certificate=earlier, reason=RevocationReason.SUPERSEDED)
    # the organisation the issuing CA names: the company that certifies the investor
    company = (
        certificate_of(company_key(CompanyRole.ISSUING))
        .subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0]
        .value
    )
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, company),
            x509.NameAttribute(NameOID.COMMON_NAME, client.name),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, client.id_number),
        ]
    )
    issued = investor_certificate_build(subject=subject, public_key=public_key)
    spki = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    certificate = Certificate.objects.create(
        client=client,
        application=application,
        serial=f"{issued.serial_number:x}",
        certificate_pem=issued.public_bytes(serialization.Encoding.PEM).decode(),
        public_key_sha256=hashlib.sha256(spki).hexdigest(),
        not_before=issued.not_valid_before_utc,
        not_after=issued.not_valid_after_utc,
    )
    audit_record(
        action="certificate.issue",
        actor_label=_investor(application),
        target=application,
        data={"serial": certificate.serial},
    )
    event_record(
        name="certificate.issued",
        application=application,
        actor=Actor.investor(client),
        payload={"serial": certificate.serial, "not_after": certificate.not_after.isoformat()},
    )
    return certificate


def certificate_revoke(*, certificate: Certificate, reason: str) -> Certificate:
    from .authority import crl_expire

    if certificate.revoked_at is None:
        certificate.revoked_at = timezone.now()
        certificate.revocation_reason = reason
        certificate.save(update_fields=["revoked_at", "revocation_reason"])
        crl_expire()  # in the same transaction: the next CRL lists it
        audit_record(
            action="certificate.revoke",
            target=certificate.application,
            reason=reason,
            data={"serial": certificate.serial},
        )
    return certificate


def certificate_reinstall(*, application: Application) -> list[str]:
    """Another device or a forgotten password: the current certificate is revoked and the
    identity must be witnessed again before a new one is issued. Returns the steps reopened
    (none when no certificate was issued since the witness)."""
    with transaction.atomic():
        application = lock(Application, pk=application.pk)
        if not application.is_editable:
            raise BusinessError(_("该业务当前不能修改。"), code="not_editable")
        if not certificate_issued_since_witness(application=application):
            return []  # nothing issued yet: installing is simply tried again
        current = certificate_current(application=application)
        if current is not None:
            certificate_revoke(certificate=current, reason=RevocationReason.SUPERSEDED)
        reopened = steps_reopen(application=application, from_step=WITNESS_STEP) or steps_reopen(
            application=application, from_step=CERTIFICATE
        )
        audit_record(
            action="certificate.reinstall",
            actor_label=_investor(application),
            target=application,
            data={"reopened": reopened},
        )
    return reopened


# --- signatures -------------------------------------------------------------------------------
def signature_prepare(*, application: Application, document: Document) -> SignatureRequest:
    """Render the document as this application pinned it, with the investor's data, and
    prepare the investor's signature over it."""
    if not application.is_editable:
        raise BusinessError(_("该业务当前不能修改。"), code="not_editable")
    if document not in sign_step_documents(application=application):
        raise BusinessError(_("该文档不在本业务需签署的范围内。"), code="unknown_document")
    certificate = certificate_current(application=application)
    if certificate is None:
        raise BusinessError(_("请先安装数字证书。"), code="no_certificate")
    rendition = application_document(application=application, document=document)
    agreement = agreement_render(application=application, rendition=rendition)
    pdf = agreement.pdf
    prepared = pades.investor_prepare(
        pdf,
        certificate=certificate_of(certificate),
        signer_name=application.client.name,
        reason=f"签署《{rendition.title}》",
        investor_place=agreement.investor_place,
        seal_place=agreement.seal_place,
        signature_png=investor_signature_png(application=application),
    )
    seconds = settings.SIGNING_REQUEST_SECONDS
    return SignatureRequest.objects.create(
        application=application,
        document=document,
        rendition=rendition,
        certificate=certificate,
        prepared_pdf=crypto.encrypt(prepared.pdf),
        unsigned_sha256=hashlib.sha256(pdf).hexdigest(),
        document_digest=prepared.document_digest,
        reserved_start=prepared.reserved_start,
        reserved_end=prepared.reserved_end,
        signed_attributes=prepared.signed_attributes,
        expires_at=timezone.now() + datetime.timedelta(seconds=seconds),
    )


def _request_take(*, application: Application, request_id: int) -> SignatureRequest:
    request = (
        SignatureRequest.objects.select_for_update()
        .select_related("certificate")
        .filter(application=application, pk=request_id)
        .first()
    )
    if request is None:
        raise BusinessError(_("签署请求不存在，请重新签署。"), code="request_unknown")
    if request.used_at is not None:
        raise BusinessError(_("签署请求已使用过，请重新签署。"), code="request_used")
    if request.expires_at < timezone.now():
        raise BusinessError(_("签署请求已过期，请重新签署。"), code="request_expired")
    certificate = request.certificate
    if certificate.revoked_at is not None:
        raise BusinessError(_("数字证书已吊销，不能签署。"), code="certificate_revoked")
    if not certificate.is_valid_at():
        raise BusinessError(_("数字证书已过期或尚未生效，不能签署。"), code="certificate_expired")
    return request


def signature_complete(
    *, application: Application, request_id: int, signature: bytes
) -> SignedDocument:
    """Check the browser's signature, embed it, seal the document and keep it. A request is
    spent by any attempt, so that a refused signature cannot be retried against it.

    Three parts, so that no row stays locked through the slow work (two signatures, two
    timestamps, HTTP calls when SIGNING_TSA_URL is set, the file's write): take the request
    under the lock; sign, seal and write the file with no lock; record it under the lock,
    if the application may still change (otherwise the file is removed, nothing is kept)."""
    with transaction.atomic():
        locked = lock(Application, pk=application.pk)
        if not locked.is_editable:
            raise BusinessError(_("该业务当前不能修改。"), code="not_editable")
        request = _request_take(application=locked, request_id=request_id)
        request.used_at = timezone.now()
        prepared = pades.Prepared(
            pdf=crypto.decrypt(bytes(request.prepared_pdf)),
            document_digest=bytes(request.document_digest),
            reserved_start=request.reserved_start,
            reserved_end=request.reserved_end,
            signed_attributes=bytes(request.signed_attributes),
        )
        request.prepared_pdf = b""
        request.save(update_fields=["used_at", "prepared_pdf"])
    try:
        signed = pades.investor_finish(
            prepared,
            certificate=certificate_of(request.certificate),
            signature_der=signature_der(signature),
        )
    except BusinessError as failure:
        audit_record(
            action="signature.refused",
            actor_label=_investor(application),
            target=application,
            reason=failure.code,
            data={"document": request.document_id},
        )
        raise
    sealed = pades.company_seal(signed, reason="公司电子印章：确认投资者签署", seal_png=_seal_png())
    record = _signed_file(application, request, sealed)
    try:
        with transaction.atomic():
            locked = lock(Application, pk=application.pk)
            if not locked.is_editable:
                raise BusinessError(_("该业务当前不能修改。"), code="not_editable")
            record.application = locked
            record.save()
            audit_record(
                action="signature.complete",
                actor_label=_investor(locked),
                target=locked,
                data={
                    "document": request.document_id,
                    "signed_sha256": record.signed_sha256,
                    "serial": request.certificate.serial,
                },
            )
            event_record(
                name="document.signed",
                application=locked,
                actor=Actor.investor(locked.client),
                payload={
                    "document_id": request.document_id,
                    "document_code": request.document.code,
                    "signed_document_id": record.pk,
                    "signed_sha256": record.signed_sha256,
                    "serial": request.certificate.serial,
                },
            )
    except Exception:
        record.file.storage.delete(str(record.file.name))
        raise
    return record


def _seal_png() -> bytes:
    from wagtail.models import Site

    from themes.models import Theme

    site = Site.objects.filter(is_default_site=True).first()
    theme = Theme.for_site(site) if site else Theme()
    return company_seal_png(company_name=theme.company_name)


def _signed_file(
    application: Application, request: SignatureRequest, sealed: bytes
) -> SignedDocument:
    """The record of a sealed document, its file written (encrypted), the row not yet saved."""
    now = timezone.now()
    rendition = request.rendition
    record = SignedDocument(
        application=application,
        document=request.document,
        rendition=rendition,
        revision_id=rendition.revision_id,
        content_sha256=rendition.sha256,
        title=rendition.title,
        certificate=request.certificate,
        unsigned_sha256=request.unsigned_sha256,
        signed_sha256=hashlib.sha256(sealed).hexdigest(),
        size=len(sealed),
        prepared_at=request.created_at,
        signed_at=now,
        sealed_at=now,
    )
    record.file.save("signed", ContentFile(crypto.encrypt(sealed)), save=False)
    return record


def signed_document_read(*, signed: SignedDocument) -> bytes:
    with signed.file.open("rb") as handle:
        return crypto.decrypt(handle.read())


def signing_leftovers_purge() -> dict[str, int]:
    """Delete expired challenges and signature requests: an abandoned request still holds an
    encrypted prepared PDF with personal data, and neither proves anything (signed documents
    and certificates do)."""
    now = timezone.now()
    requests, _ = SignatureRequest.objects.filter(expires_at__lt=now).delete()
    challenges, _ = CertificateChallenge.objects.filter(expires_at__lt=now).delete()
    return {"signature_requests": requests, "challenges": challenges}
