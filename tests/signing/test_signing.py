"""The two-step signature with a key made in Python standing in for the browser, then the
company seal: both signatures valid and trusted, neither invalidating the other."""

from __future__ import annotations

import pytest

from signing.services import signature_complete, signature_prepare, signed_document_read
from signing.verification import pdf_verify

pytestmark = pytest.mark.django_db


def test_signed_and_sealed_document_verifies(application, documents, certificate, key):
    # given
    request = signature_prepare(application=application, document=documents[0])
    # when
    signed = signature_complete(application=application, request_id=request.pk,
                                signature=key.sign(bytes(request.signed_attributes)))
    # then
    reports = pdf_verify(signed_document_read(signed=signed))
    assert [r.field for r in reports] == ["InvestorSignature", "CompanySeal"]
    for report in reports:
        assert report.intact and report.valid and report.trusted, report.summary
        assert report.timestamp_valid
        assert not report.modified_after
    assert reports[0].signer == "张三"
