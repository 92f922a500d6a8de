"""The two-step signature with a key made in Python standing in for the browser, then the
company seal: both signatures valid, trusted and timestamped, neither invalidating the other;
and every way a signature is refused, with nothing stored as signed."""

from __future__ import annotations

import datetime
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from django.utils import timezone

from common.exceptions import BusinessError
from signing.authority import company_chain
from signing.models import CertificateChallenge, RevocationReason, SignatureRequest, SignedDocument
from signing.services import (
    certificate_challenge_issue,
    certificate_issue,
    certificate_reinstall,
    certificate_revoke,
    signature_complete,
    signature_prepare,
    signed_document_read,
)
from signing.stand_in import StandInKey
from signing.verification import pdf_verify

pytestmark = pytest.mark.django_db


def _sign(application, document, key):
    request = signature_prepare(application=application, document=document)
    return signature_complete(
        application=application,
        request_id=request.pk,
        signature=key.sign(bytes(request.signed_attributes)),
    )


@pytest.fixture
def signed(application, documents, certificate, key) -> SignedDocument:
    return _sign(application, documents[0], key)


def test_signed_and_sealed_document_verifies(signed):
    reports = pdf_verify(signed_document_read(signed=signed))
    assert [r.field for r in reports] == ["InvestorSignature", "CompanySeal"]
    for report in reports:
        assert report.intact and report.valid and report.trusted, report.summary
        assert report.timestamp_valid
        assert not report.modified_after
    assert reports[0].signer == "张三"
    assert reports[1].signer.endswith("电子印章")


def test_the_record_keeps_revision_hashes_certificate_and_times(signed, documents, certificate):
    import hashlib

    data = signed_document_read(signed=signed)
    assert signed.signed_sha256 == hashlib.sha256(data).hexdigest()
    assert signed.unsigned_sha256 != signed.signed_sha256
    assert signed.revision_id == documents[0].live_revision_id
    assert signed.certificate == certificate
    assert signed.prepared_at <= signed.signed_at <= signed.sealed_at
    with signed.file.open("rb") as stored:
        assert stored.read(5) != b"%PDF-"  # encrypted at rest


def test_the_pdf_shows_the_acceptance_number_and_revision_hash(signed):
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) is not installed")
    text = subprocess.run(
        ["pdftotext", "-", "-"],
        input=signed_document_read(signed=signed),
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert signed.application.acceptance_number in text
    assert signed.content_sha256 in text
    assert "第 1 页" in text.replace("第1页", "第 1 页")


@pytest.fixture
def nss_db(tmp_path, ca) -> Path:
    if not (shutil.which("pdfsig") and shutil.which("certutil")):
        pytest.skip("poppler-utils (pdfsig) and libnss3-tools (certutil) are not installed")
    database = tmp_path / "nss"
    database.mkdir()
    root = tmp_path / "root.pem"
    root.write_bytes(company_chain()[-1].public_bytes(serialization.Encoding.PEM))
    subprocess.run(["certutil", "-N", "-d", f"sql:{database}", "--empty-password"], check=True)
    subprocess.run(
        [
            "certutil",
            "-A",
            "-d",
            f"sql:{database}",
            "-n",
            "company-root",
            "-t",
            "CT,C,C",
            "-i",
            str(root),
        ],
        check=True,
    )
    return database


def test_pdfsig_finds_both_signatures_valid_and_trusted(signed, nss_db, tmp_path):
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed_document_read(signed=signed))
    output = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{nss_db}", str(path)], capture_output=True, text=True
    ).stdout
    assert output.count("Signature is Valid.") == 2, output
    assert output.count("Certificate is Trusted.") == 2, output


def test_pdffonts_shows_every_font_embedded(signed, tmp_path):
    if not shutil.which("pdffonts"):
        pytest.skip("poppler-utils (pdffonts) is not installed")
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed_document_read(signed=signed))
    lines = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert lines and all(line.split()[-5] == "yes" for line in lines), lines
    assert any("CJK-SC" in line for line in lines)


def test_one_byte_changed_after_signing_is_reported(signed):
    data = bytearray(signed_document_read(signed=signed))
    position = data.index(b"/Type /Page") + 2  # inside the signed page content
    data[position] ^= 0x01
    reports = pdf_verify(bytes(data))
    assert not all(report.intact and not report.modified_after for report in reports)


# --- refusals ------------------------------------------------------------------------------
def test_a_signature_over_another_documents_digest_is_refused(
    application, documents, certificate, key
):
    first = signature_prepare(application=application, document=documents[0])
    second = signature_prepare(application=application, document=documents[1])
    with pytest.raises(BusinessError) as refused:
        signature_complete(
            application=application,
            request_id=second.pk,
            signature=key.sign(bytes(first.signed_attributes)),
        )
    assert refused.value.code == "bad_signature"
    assert not SignedDocument.objects.exists()


def test_a_signature_by_another_key_is_refused(application, documents, certificate):
    request = signature_prepare(application=application, document=documents[0])
    with pytest.raises(BusinessError, match="签名验证失败"):
        signature_complete(
            application=application,
            request_id=request.pk,
            signature=StandInKey().sign(bytes(request.signed_attributes)),
        )
    assert not SignedDocument.objects.exists()


def test_a_request_is_spent_by_any_attempt(application, documents, certificate, key):
    request = signature_prepare(application=application, document=documents[0])
    with pytest.raises(BusinessError):
        signature_complete(application=application, request_id=request.pk, signature=b"\0" * 64)
    with pytest.raises(BusinessError) as reused:
        signature_complete(
            application=application,
            request_id=request.pk,
            signature=key.sign(bytes(request.signed_attributes)),
        )
    assert reused.value.code == "request_used"
    assert bytes(SignatureRequest.objects.get(pk=request.pk).prepared_pdf) == b""


def test_an_expired_request_is_refused(application, documents, certificate, key):
    request = signature_prepare(application=application, document=documents[0])
    SignatureRequest.objects.filter(pk=request.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    with pytest.raises(BusinessError) as refused:
        signature_complete(
            application=application,
            request_id=request.pk,
            signature=key.sign(bytes(request.signed_attributes)),
        )
    assert refused.value.code == "request_expired"


def test_another_applications_request_is_unknown(application, documents, certificate, key):
    from flows.services import application_start
    from tests.factories import ClientFactory

    request = signature_prepare(application=application, document=documents[0])
    other = application_start(client=ClientFactory())
    with pytest.raises(BusinessError) as refused:
        signature_complete(
            application=other,
            request_id=request.pk,
            signature=key.sign(bytes(request.signed_attributes)),
        )
    assert refused.value.code == "request_unknown"


@pytest.mark.parametrize("problem", ["revoked", "expired"])
def test_a_revoked_or_expired_certificate_cannot_sign(
    application, documents, certificate, key, problem
):
    request = signature_prepare(application=application, document=documents[0])
    if problem == "revoked":
        certificate_revoke(certificate=certificate, reason=RevocationReason.KEY_COMPROMISE)
    else:
        type(certificate).objects.filter(pk=certificate.pk).update(
            not_after=timezone.now() - datetime.timedelta(seconds=1)
        )
    with pytest.raises(BusinessError) as refused:
        signature_complete(
            application=application,
            request_id=request.pk,
            signature=key.sign(bytes(request.signed_attributes)),
        )
    assert refused.value.code == f"certificate_{problem}"
    with pytest.raises(BusinessError, match="请先安装数字证书"):
        signature_prepare(application=application, document=documents[0])


# --- certificate issuance --------------------------------------------------------------------
def _witness_again(application) -> None:
    """What 重新安装 leads to: the certificate revoked, the witness passed once more."""
    from flows.models import StepRecord

    certificate_reinstall(application=application)
    StepRecord.objects.filter(application=application, kind="witness").update(
        completed_at=timezone.now() + datetime.timedelta(seconds=1)
    )


def test_a_second_certificate_needs_a_new_witness(application, certificate):
    key = StandInKey()
    challenge = certificate_challenge_issue(application=application)
    with pytest.raises(BusinessError) as refused:
        certificate_issue(
            application=application,
            nonce=challenge.nonce,
            public_key_der=key.public_key_der(),
            signature=key.sign(challenge.message()),
        )
    assert refused.value.code == "certificate_exists"


def test_a_new_certificate_revokes_the_clients_earlier_one(application, certificate):
    _witness_again(application)
    key = StandInKey()
    challenge = certificate_challenge_issue(application=application)
    newer = certificate_issue(
        application=application,
        nonce=challenge.nonce,
        public_key_der=key.public_key_der(),
        signature=key.sign(challenge.message()),
    )
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert certificate.revocation_reason == RevocationReason.SUPERSEDED
    assert newer.revoked_at is None


def _issue(application, key, challenge, **overrides):
    values = {
        "application": application,
        "nonce": challenge.nonce,
        "public_key_der": key.public_key_der(),
        "signature": key.sign(challenge.message()),
    }
    values.update(overrides)
    return certificate_issue(**values)


def test_a_challenge_is_single_use(application, key):
    challenge = certificate_challenge_issue(application=application)
    with pytest.raises(BusinessError):
        _issue(application, key, challenge, signature=bytes(64))
    with pytest.raises(BusinessError) as refused:
        _issue(application, key, challenge)
    assert refused.value.code == "challenge_used"


def test_an_expired_or_unknown_challenge_is_refused(application, key):
    challenge = certificate_challenge_issue(application=application)
    CertificateChallenge.objects.filter(pk=challenge.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    with pytest.raises(BusinessError) as expired:
        _issue(application, key, challenge)
    assert expired.value.code == "challenge_expired"
    with pytest.raises(BusinessError) as unknown:
        _issue(application, key, challenge, nonce="made-up")
    assert unknown.value.code == "challenge_unknown"


def test_a_proof_by_another_key_is_refused_and_spends_the_challenge(application, key):
    challenge = certificate_challenge_issue(application=application)
    with pytest.raises(BusinessError) as refused:
        _issue(application, key, challenge, signature=StandInKey().sign(challenge.message()))
    assert refused.value.code == "bad_proof"
    assert CertificateChallenge.objects.get(pk=challenge.pk).used_at is not None
    assert not application.certificates.exists()


@pytest.mark.parametrize("public_key", [b"", b"garbage", "rsa"])
def test_a_key_that_is_not_p256_is_refused(application, key, public_key):
    if public_key == "rsa":
        from cryptography.hazmat.primitives.asymmetric import rsa

        public_key = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            .public_key()
            .public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
    challenge = certificate_challenge_issue(application=application)
    with pytest.raises(BusinessError) as refused:
        _issue(application, key, challenge, public_key_der=public_key)
    assert refused.value.code == "bad_key"


def test_a_proof_for_another_application_does_not_carry_over(application, key):
    """The signed message names the acceptance number: a proof is bound to its application."""
    challenge = certificate_challenge_issue(application=application)
    assert application.acceptance_number.encode() in challenge.message()


def test_a_certificate_revoked_after_signing_leaves_the_signature_valid(signed, application):
    # given: the investor installs a new certificate later (the old one is revoked, superseded)
    _witness_again(application)
    key = StandInKey()
    challenge = certificate_challenge_issue(application=application)
    certificate_issue(
        application=application,
        nonce=challenge.nonce,
        public_key_der=key.public_key_der(),
        signature=key.sign(challenge.message()),
    )
    signed.certificate.__class__.objects.filter(pk=signed.certificate_id).update(
        revoked_at=signed.signed_at + datetime.timedelta(days=30)
    )  # a month later
    from signing.authority import crl_expire

    crl_expire()
    # when
    investor, seal = pdf_verify(signed_document_read(signed=signed))
    # then: judged at its trusted timestamp, the signature stands, and the report says why
    assert investor.trusted and not investor.revoked and not investor.problems
    assert investor.notes and "吊销" in investor.notes[0]
    assert seal.trusted and not seal.notes


def test_a_signature_made_after_revocation_is_reported_revoked(
    application, documents, certificate, key, monkeypatch
):
    """A forged 'signed before' is impossible: the time that counts is the TSA's."""
    signed = _sign(application, documents[0], key)
    certificate_revoke(certificate=certificate, reason=RevocationReason.KEY_COMPROMISE)
    type(certificate).objects.filter(pk=certificate.pk).update(
        revoked_at=signed.signed_at - datetime.timedelta(hours=1)
    )
    from signing.authority import crl_expire

    crl_expire()
    investor = pdf_verify(signed_document_read(signed=signed))[0]
    assert investor.revoked and investor.problems


def test_only_the_signing_steps_documents_can_be_prepared(application, certificate):
    from tests.factories import published_document

    stranger = published_document(kind="contract", title="别的合同")
    with pytest.raises(BusinessError) as refused:
        signature_prepare(application=application, document=stranger)
    assert refused.value.code == "unknown_document"


def test_reinstalling_before_any_certificate_reopens_nothing(application):
    assert certificate_reinstall(application=application) == []
    assert application.step_records.get(kind="witness").completed_at is not None


def test_expired_requests_and_challenges_are_purged(application, documents, certificate):
    from signing.tasks import signing_purge

    # given: one expired and one live request, one expired challenge
    stale = signature_prepare(application=application, document=documents[0])
    live = signature_prepare(application=application, document=documents[1])
    SignatureRequest.objects.filter(pk=stale.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    challenge = certificate_challenge_issue(application=application)
    CertificateChallenge.objects.filter(pk=challenge.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    # when
    purged = signing_purge.delay().get()
    # then
    assert purged == {"signature_requests": 1, "challenges": 1}
    assert list(SignatureRequest.objects.values_list("pk", flat=True)) == [live.pk]
