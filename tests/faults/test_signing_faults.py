"""The database failing in the middle of a signing: after the investor's signature is embedded
and the company seal made, recording the signed document fails (the connection is gone). Nothing
stays half done: no signed document, no file left behind in storage. The request was spent when
it was taken (a request is never completed twice), so the investor signs again: a fresh request,
and that signature completes, exactly once."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.db import OperationalError

from signing import services
from signing.models import SignatureRequest, SignedDocument
from signing.services import signature_complete, signature_prepare

pytestmark = pytest.mark.django_db


def _stored_files() -> set[str]:
    folder = SignedDocument.file.field.upload_to
    return set(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else set()


@pytest.mark.parametrize("fails_at", ["store", "audit"])
def test_a_signing_cut_off_by_the_database_leaves_nothing_half_done(
    application, documents, certificate, key, monkeypatch, fails_at
):
    # given a prepared signature and the browser's signature over it
    request = signature_prepare(application=application, document=documents[0])
    signature = key.sign(bytes(request.signed_attributes))
    files_before = _stored_files()
    real_save, real_audit = SignedDocument.save, services.audit_record

    def save_then_fail(self, *args, **kwargs):
        if fails_at == "store":
            raise OperationalError("server closed the connection unexpectedly")
        return real_save(self, *args, **kwargs)

    def audit_then_fail(*args, **kwargs):
        if fails_at == "audit" and kwargs.get("action") == "signature.complete":
            raise OperationalError("server closed the connection unexpectedly")
        return real_audit(*args, **kwargs)

    monkeypatch.setattr(SignedDocument, "save", save_then_fail)
    monkeypatch.setattr(services, "audit_record", audit_then_fail)
    # when the database goes away in the middle
    with pytest.raises(OperationalError):
        signature_complete(application=application, request_id=request.pk, signature=signature)
    # then nothing of it stayed: no row, no file, and the request cannot be completed again
    assert not SignedDocument.objects.exists()
    assert _stored_files() == files_before
    spent = SignatureRequest.objects.get(pk=request.pk)
    assert spent.used_at is not None and not bytes(spent.prepared_pdf)
    # and when it is back, the investor signs again and that signature completes, once
    monkeypatch.setattr(SignedDocument, "save", real_save)
    monkeypatch.setattr(services, "audit_record", real_audit)
    again = signature_prepare(application=application, document=documents[0])
    signature = key.sign(bytes(again.signed_attributes))
    signed = signature_complete(application=application, request_id=again.pk, signature=signature)
    assert SignedDocument.objects.get() == signed
