"""The database failing in the middle of a signing: after the investor's signature is embedded
and the company seal made, storing the signed document fails (the connection is gone). The
transaction rolls back whole: no signed document, the signature request still unused, so the
same signature completes once the database is back, exactly once."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from signing import services
from signing.models import SignatureRequest, SignedDocument
from signing.services import signature_complete, signature_prepare

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fails_at", ["store", "audit"])
def test_a_signing_cut_off_by_the_database_leaves_nothing_half_done(
    application, documents, certificate, key, monkeypatch, fails_at
):
    # given a prepared signature and the browser's signature over it
    request = signature_prepare(application=application, document=documents[0])
    signature = key.sign(bytes(request.signed_attributes))
    real_store, real_audit = services._signed_store, services.audit_record

    def store_then_fail(*args, **kwargs):
        if fails_at == "store":
            raise OperationalError("server closed the connection unexpectedly")
        return real_store(*args, **kwargs)

    def audit_then_fail(*args, **kwargs):
        if fails_at == "audit" and kwargs.get("action") == "signature.complete":
            raise OperationalError("server closed the connection unexpectedly")
        return real_audit(*args, **kwargs)

    monkeypatch.setattr(services, "_signed_store", store_then_fail)
    monkeypatch.setattr(services, "audit_record", audit_then_fail)
    # when the database goes away in the middle
    with pytest.raises(OperationalError):
        signature_complete(application=application, request_id=request.pk, signature=signature)
    # then nothing of it stayed
    assert not SignedDocument.objects.exists()
    stored = SignatureRequest.objects.get(pk=request.pk)
    assert stored.used_at is None and bytes(stored.prepared_pdf)
    # and when it is back, the same signature completes, once
    monkeypatch.setattr(services, "_signed_store", real_store)
    monkeypatch.setattr(services, "audit_record", real_audit)
    signed = signature_complete(application=application, request_id=request.pk, signature=signature)
    assert SignedDocument.objects.get() == signed
    assert SignatureRequest.objects.get(pk=request.pk).used_at is not None
