"""Checking a PDF's signatures (signing.verification.pdf_verify) and the public page that does it
for anyone holding a PDF."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from common.exceptions import BusinessError
from flows.services import application_start
from signing.authority import crl_expire
from signing.models import Certificate, RevocationReason
from signing.services import certificate_revoke
from signing.verification import MAX_PDF_BYTES, pdf_verify
from tests.factories import ClientFactory, published_flow

from .records import (
    SIGNER_NAME,
    blank_pdf,
    byte_changed,
    company_ca_restore,
    self_signed_pdf,
    signed_snapshot,
)

pytestmark = pytest.mark.django_db
VERIFY = "/signing/verify/"


@pytest.fixture(scope="module")
def snapshot(django_db_setup, django_db_blocker):
    return signed_snapshot(django_db_blocker)


@pytest.fixture
def company_ca(db, snapshot):
    company_ca_restore(snapshot)
    return snapshot


def _revoke_investor_certificate(snapshot, *, reason: str, hours: float) -> None:
    """The investor's certificate, as issued, revoked `hours` after it signed (before, when
    negative)."""
    published_flow()
    application = application_start(client=ClientFactory())
    now = timezone.now()
    certificate = Certificate.objects.create(
        client=application.client,
        application=application,
        serial=snapshot.certificate_serial,
        certificate_pem=snapshot.certificate_pem,
        public_key_sha256="0" * 64,
        not_before=now - datetime.timedelta(days=1),
        not_after=now + datetime.timedelta(days=1),
    )
    certificate_revoke(certificate=certificate, reason=reason)
    Certificate.objects.filter(pk=certificate.pk).update(
        revoked_at=snapshot.signed_at + datetime.timedelta(hours=hours)
    )
    crl_expire()


# --- pdf_verify -------------------------------------------------------------------------------
def test_a_signed_and_sealed_document_verifies_as_intact_trusted_and_unchanged(company_ca):
    # when
    reports = pdf_verify(company_ca.pdf)
    # then
    assert [r.signer for r in reports][0] == SIGNER_NAME
    assert all(r.ok for r in reports), [r.problems for r in reports]
    assert reports[0].serial == company_ca.certificate_serial


def test_one_byte_changed_after_signing_is_reported_as_modified(company_ca):
    # given
    tampered = byte_changed(company_ca.pdf)
    # when
    reports = pdf_verify(tampered)
    # then
    assert reports and not any(r.intact for r in reports)
    assert "签名覆盖的内容已被改动" in reports[0].problems
    assert not any(r.ok for r in reports)


def test_a_pdf_signed_by_a_key_outside_the_company_ca_is_untrusted(company_ca):
    # when
    [report] = pdf_verify(self_signed_pdf())
    # then
    assert report.intact and report.valid
    assert not report.trusted and not report.revoked
    assert "签名证书不是本公司 CA 签发，或无法验证" in report.problems
    assert not report.ok


def test_a_certificate_revoked_after_signing_leaves_the_signature_valid_with_a_note(company_ca):
    # given: the investor installed a new certificate a day after signing
    _revoke_investor_certificate(company_ca, reason=RevocationReason.SUPERSEDED, hours=24)
    # when
    investor, seal = pdf_verify(company_ca.pdf)
    # then: judged at its trusted timestamp
    assert not investor.revoked and investor.ok
    assert any("吊销" in note for note in investor.notes)
    assert seal.ok and not seal.notes


def test_a_signature_made_after_its_certificate_was_revoked_is_reported_revoked(company_ca):
    # given
    _revoke_investor_certificate(company_ca, reason=RevocationReason.KEY_COMPROMISE, hours=-1)
    # when
    investor, seal = pdf_verify(company_ca.pdf)
    # then
    assert investor.intact and investor.revoked
    assert "签名证书已被吊销" in investor.problems
    assert not investor.ok
    assert seal.ok


@pytest.mark.parametrize(
    ("make", "code", "message"),
    [
        (lambda pdf: b"", "empty", "请上传 PDF 文件。"),
        (lambda pdf: b"PK\x03\x04 a zip, not a PDF", "not_pdf", "这不是 PDF 文件。"),
        (lambda pdf: blank_pdf(), "unsigned", "该 PDF 没有数字签名。"),
        (lambda pdf: pdf[: len(pdf) // 2], "unreadable", "PDF 文件已损坏，无法读取。"),
        (lambda pdf: pdf[:-100], "unreadable", "PDF 文件已损坏，无法读取。"),
        (lambda pdf: b"%PDF-1.7\n" + bytes(MAX_PDF_BYTES), "too_large", "文件超过 30 MB。"),
    ],
)
def test_what_is_not_a_readable_signed_pdf_is_refused_with_its_message(
    company_ca, make, code, message
):
    # when
    with pytest.raises(BusinessError) as refused:
        pdf_verify(make(company_ca.pdf))
    # then
    assert (refused.value.code, refused.value.message) == (code, message)


# --- the page ---------------------------------------------------------------------------------
def _upload(client, data: bytes | None, name: str = "合同.pdf"):
    payload = (
        {"file": SimpleUploadedFile(name, data, "application/pdf")} if data is not None else {}
    )
    return client.post(VERIFY, payload)


def test_the_page_is_public_and_links_the_company_ca_certificates(client, company_ca):
    # when
    response = client.get(VERIFY)
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in page and "csrfmiddlewaretoken" in page
    assert "/signing/ca/root.pem" in page and "/signing/ca/issuing.pem" in page


def test_uploading_a_signed_document_shows_every_signature_and_the_verdict(client, company_ca):
    # when
    response = _upload(client, company_ca.pdf)
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "全部签名有效" in page
    assert "投资者签名" in page and "公司电子印章" in page
    assert SIGNER_NAME in page and company_ca.certificate_serial in page
    assert "由本公司 CA 签发，可信" in page
    assert "北京时间" in page


def test_the_page_shows_the_timestamp_in_beijing_time(client, company_ca):
    # given
    stamped = datetime.datetime.fromisoformat(pdf_verify(company_ca.pdf)[0].timestamp_time)
    beijing = stamped.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M:%S")
    # when
    page = _upload(client, company_ca.pdf).content.decode()
    # then
    assert f"{beijing}（北京时间）" in page


def test_a_modified_document_is_shown_with_its_problem_at_the_top(client, company_ca):
    # when
    response = _upload(client, byte_changed(company_ca.pdf))
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "全部签名有效" not in page
    assert page.index("签名覆盖的内容已被改动") < page.index("签名 1：")


def test_a_certificate_revoked_before_the_signature_is_shown_as_revoked(client, company_ca):
    # given
    _revoke_investor_certificate(company_ca, reason=RevocationReason.KEY_COMPROMISE, hours=-1)
    # when
    page = _upload(client, company_ca.pdf).content.decode()
    # then
    assert "全部签名有效" not in page
    assert "签名证书已被吊销" in page and "已被吊销" in page


def test_a_certificate_revoked_since_is_explained_under_a_valid_verdict(client, company_ca):
    # given
    _revoke_investor_certificate(company_ca, reason=RevocationReason.SUPERSEDED, hours=24)
    # when
    page = _upload(client, company_ca.pdf).content.decode()
    # then
    assert "全部签名有效" in page
    assert page.count("签署时有效") == 2  # under the verdict, and on the signature


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (None, "请上传 PDF 文件。"),
        (b"", "请上传 PDF 文件。"),
        (b"hello, not a pdf", "这不是 PDF 文件。"),
        (b"%PDF-1.7\n% nothing else", "PDF 文件已损坏，无法读取。"),
    ],
)
def test_bad_uploads_show_their_message_with_status_400(client, company_ca, data, message):
    # when
    response = _upload(client, data)
    # then
    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_unsigned_pdf_is_refused_on_the_page(client, company_ca):
    response = _upload(client, blank_pdf())
    assert response.status_code == 400
    assert "该 PDF 没有数字签名。" in response.content.decode()


def test_a_file_over_30_mb_is_refused_before_it_is_read(client, company_ca, monkeypatch):
    # given: a limit small enough to test without 30 MB of memory
    monkeypatch.setattr("signing.verification.MAX_PDF_BYTES", 1024 * 1024)
    # when
    response = _upload(client, company_ca.pdf + b"\0" * 1024 * 1024)
    # then
    assert response.status_code == 400
    assert "文件超过 1 MB。" in response.content.decode()


def test_the_page_needs_the_csrf_token(company_ca):
    from django.test import Client

    # given
    browser = Client(enforce_csrf_checks=True)
    # when
    response = browser.post(VERIFY, {"file": SimpleUploadedFile("a.pdf", company_ca.pdf)})
    # then
    assert response.status_code == 403
