"""Test data for the signed-document records, downloads, verification and API tests.

A real signature costs about a second (rendering and two PAdES signatures), so one signed PDF is
made once per process, with the company CA it chains to, inside a transaction that is rolled
back: what is kept is plain data (the CA's key rows and the PDF's bytes). A test that needs it
puts the same CA back into its own database (`company_ca_restore`); nothing else is shared.
Tests that only download or list records store any bytes as a SignedDocument (`signed_record`)."""

from __future__ import annotations

import datetime
import hashlib
import io
from dataclasses import dataclass
from functools import cache

from asn1crypto import keys as asn1_keys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from clients.auth import SESSION_KEY
from flows.selectors import application_document
from privacy import crypto
from signing.keys import as_asn1
from signing.models import CompanyKey, SignedDocument
from tests.factories import ClientFactory, published_document, published_flow

SIGNER_NAME = "张三"


@dataclass(frozen=True)
class SignedSnapshot:
    company_keys: tuple[dict, ...]
    pdf: bytes
    certificate_serial: str
    certificate_pem: str
    signed_at: datetime.datetime


def _build() -> SignedSnapshot:
    from flows.models import StepRecord
    from flows.services import application_start
    from signing.authority import ca_init
    from signing.services import (
        certificate_challenge_issue,
        certificate_issue,
        signature_complete,
        signature_prepare,
        signed_document_read,
    )
    from signing.stand_in import StandInKey

    ca_init(organisation="测试期货")
    document = published_document(
        kind="contract", title="期货经纪合同", html="<p>甲乙双方本着平等自愿原则签订本合同。</p>"
    )
    published_flow(
        [
            ("photos", {"security_letter": None}),
            ("exchanges", {}),
            ("witness", {"script": None}),
            ("certificate", {}),
            ("sign", {"documents": [document]}),
        ]
    )
    application = application_start(client=ClientFactory(name=SIGNER_NAME))
    for kind in ("photos", "exchanges", "witness"):
        StepRecord.objects.create(
            application=application, kind=kind, completed_at=timezone.now(), version=1
        )
    key = StandInKey()
    challenge = certificate_challenge_issue(application=application)
    certificate = certificate_issue(
        application=application,
        nonce=challenge.nonce,
        public_key_der=key.public_key_der(),
        signature=key.sign(challenge.message()),
    )
    request = signature_prepare(application=application, document=document)
    signed = signature_complete(
        application=application,
        request_id=request.pk,
        signature=key.sign(bytes(request.signed_attributes)),
    )
    keys = tuple(
        {
            "role": k.role,
            "certificate_pem": k.certificate_pem,
            "private_key": k.private_key,
            "token_label": k.token_label,
        }
        for k in CompanyKey.objects.filter(active=True)
    )
    return SignedSnapshot(
        company_keys=keys,
        pdf=signed_document_read(signed=signed),
        certificate_serial=certificate.serial,
        certificate_pem=certificate.certificate_pem,
        signed_at=signed.signed_at,
    )


@cache
def signed_snapshot(django_db_blocker) -> SignedSnapshot:
    with django_db_blocker.unblock(), transaction.atomic():
        snapshot = _build()
        transaction.set_rollback(True)
    return snapshot


def company_ca_restore(snapshot: SignedSnapshot) -> None:
    """The CA the snapshot's PDF chains to, as this test's company CA."""
    for row in snapshot.company_keys:
        CompanyKey.objects.create(**row)


# --- PDFs that are not the company's ----------------------------------------------------------
def blank_pdf() -> bytes:
    writer = PdfFileWriter()
    contents = writer.add_object(generic.StreamObject(stream_data=b""))
    writer.insert_page(PageObject(contents=contents, media_box=(0, 0, 595, 842)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def self_signed_pdf() -> bytes:
    """A PDF signed by a key whose certificate its holder made up (no company CA involved)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "冒名者")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    signer = signers.SimpleSigner(
        signing_cert=as_asn1(certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs([as_asn1(certificate)]),
    )
    out = io.BytesIO()
    signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(blank_pdf())),
        signers.PdfSignatureMetadata(field_name="Forged"),
        signer=signer,
        output=out,
    )
    return out.getvalue()


def byte_changed(pdf: bytes) -> bytes:
    """One byte changed inside the first content stream: still a readable PDF, no longer what
    was signed."""
    at = pdf.index(b"stream", pdf.index(b"/Length")) + 40
    return pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :]


# --- records and people -------------------------------------------------------------------------
def signed_record(
    *,
    application,
    document,
    certificate,
    data: bytes = b"%PDF-1.7 stand-in",
    signed_at: datetime.datetime | None = None,
) -> SignedDocument:
    """A SignedDocument holding `data` (stored encrypted, as the service stores it)."""
    rendition = application_document(application=application, document=document)
    moment = signed_at or timezone.now()
    record = SignedDocument(
        application=application,
        document=document,
        rendition=rendition,
        revision_id=rendition.revision_id,
        content_sha256=rendition.sha256,
        title=rendition.title,
        certificate=certificate,
        unsigned_sha256=hashlib.sha256(b"unsigned" + data).hexdigest(),
        signed_sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        prepared_at=moment - datetime.timedelta(seconds=30),
        signed_at=moment,
        sealed_at=moment,
    )
    record.file.save("signed", ContentFile(crypto.encrypt(data)), save=False)
    record.save()
    return record


def investor_log_in(client, investor) -> None:
    session = client.session
    session[SESSION_KEY] = investor.pk
    session.save()
