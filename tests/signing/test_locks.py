"""No row stays locked through the slow work of a signature (two signatures, two timestamps,
HTTP calls to an external TSA, the file's write): the application is locked only to take the
request and to record the result."""

from __future__ import annotations

import pytest
from django.db import connection

from common.exceptions import BusinessError
from flows.models import Application, ApplicationState
from signing import pades
from signing.models import SignedDocument
from signing.services import signature_complete, signature_prepare

pytestmark = pytest.mark.django_db


def test_signing_and_sealing_run_outside_any_transaction_of_the_service(
    application, documents, certificate, key, monkeypatch
):
    # given: the depth of transactions the test itself runs in
    depth = len(connection.savepoint_ids)
    seen = []
    for name in ("investor_finish", "company_seal"):
        slow = getattr(pades, name)

        def watched(*args, _slow=slow, _name=name, **kwargs):
            seen.append((_name, len(connection.savepoint_ids)))
            return _slow(*args, **kwargs)

        monkeypatch.setattr(pades, name, watched)
    request = signature_prepare(application=application, document=documents[0])
    # when
    signature_complete(
        application=application,
        request_id=request.pk,
        signature=key.sign(bytes(request.signed_attributes)),
    )
    # then neither ran inside a transaction (or a lock) the service opened
    assert seen == [("investor_finish", depth), ("company_seal", depth)]


def test_a_business_that_stopped_being_editable_meanwhile_keeps_no_signature(
    application, documents, certificate, key, monkeypatch
):
    # given the investor abandons in another tab while the document is being sealed
    sealed = pades.company_seal

    def abandoned_meanwhile(*args, **kwargs):
        Application.objects.filter(pk=application.pk).update(state=ApplicationState.ABANDONED)
        return sealed(*args, **kwargs)

    monkeypatch.setattr(pades, "company_seal", abandoned_meanwhile)
    request = signature_prepare(application=application, document=documents[0])
    # when
    with pytest.raises(BusinessError) as refused:
        signature_complete(
            application=application,
            request_id=request.pk,
            signature=key.sign(bytes(request.signed_attributes)),
        )
    # then nothing is kept as signed
    assert refused.value.code == "not_editable"
    assert not SignedDocument.objects.exists()
