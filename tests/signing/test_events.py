"""Signing records its events in the outbox (webhooks publish them to integrators as
certificate.issued and document.signed): ids, serials and hashes, nothing personal."""

from __future__ import annotations

import pytest

from flows.models import OutboxEvent

from .test_signing import _sign

pytestmark = pytest.mark.django_db


def test_issuing_a_certificate_records_certificate_issued(application, certificate):
    event = OutboxEvent.objects.get(name="certificate.issued")
    assert event.application_id == application.pk
    assert event.payload == {
        "serial": certificate.serial,
        "not_after": certificate.not_after.isoformat(),
    }
    assert event.actor_label == f"investor:{application.client_id}"


def test_signing_a_document_records_document_signed(application, documents, certificate, key):
    signed = _sign(application, documents[0], key)
    event = OutboxEvent.objects.get(name="document.signed")
    assert event.payload == {
        "document_id": documents[0].pk,
        "document_code": documents[0].code,
        "signed_document_id": signed.pk,
        "signed_sha256": signed.signed_sha256,
        "serial": certificate.serial,
    }
    client = application.client
    assert client.name not in str(event.payload) and client.id_number not in str(event.payload)
