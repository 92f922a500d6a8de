"""The company's RFC 3161 timestamp authority, over HTTP as any client uses it, and as the
timestamper of the signatures when SIGNING_TSA_URL points at it."""

from __future__ import annotations

import hashlib
import secrets

import pytest
from asn1crypto import tsp

from signing.pades import run, validation_context
from signing.tsa import POLICY_OID, TimeStampResponse

pytestmark = pytest.mark.django_db
QUERY = "application/timestamp-query"


def _request(digest: bytes, *, algorithm="sha256", nonce=None, policy=None) -> bytes:
    values = {
        "version": 1,
        "cert_req": True,
        "message_imprint": {"hash_algorithm": {"algorithm": algorithm}, "hashed_message": digest},
    }
    if nonce is not None:
        values["nonce"] = nonce
    if policy is not None:
        values["req_policy"] = policy
    return tsp.TimeStampReq(values).dump()


def _post(client, body: bytes, content_type=QUERY):
    return client.post("/signing/tsa/", body, content_type=content_type)


def test_a_timestamp_request_gets_a_granted_token_signed_by_the_tsa(client, ca):
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data

    # given
    digest = hashlib.sha256(b"agreement").digest()
    nonce = secrets.randbits(63)
    # when
    response = _post(client, _request(digest, nonce=nonce))
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/timestamp-reply"
    reply = tsp.TimeStampResp.load(response.content)
    assert reply["status"]["status"].native == "granted"
    signed_data = reply["time_stamp_token"]["content"]
    info = signed_data["encap_content_info"]["content"].parsed
    assert info["nonce"].native == nonce
    assert info["policy"].native == POLICY_OID
    assert info["message_imprint"]["hashed_message"].native == digest
    attributes = [a["type"].native for a in signed_data["signer_infos"][0]["signed_attrs"]]
    assert "signing_certificate_v2" in attributes  # RFC 5816: names the TSA certificate

    status = run(
        validate_tst_signed_data(signed_data, validation_context(), lambda _algorithm: digest)
    )
    assert status["intact"] and status["valid"]
    assert status["trust_problem_indic"] is None  # the path to the company root validated


@pytest.mark.parametrize(
    ("body", "failure"),
    [
        (b"not asn.1 at all", "bad_data_format"),
        (_request(hashlib.md5(b"x").digest(), algorithm="md5"), "bad_alg"),  # noqa: S324
        (_request(b"short", algorithm="sha256"), "bad_alg"),
        (_request(hashlib.sha256(b"x").digest(), policy="1.2.3.4"), "unaccepted_policy"),
    ],
)
def test_a_bad_request_is_rejected_with_the_reason(client, ca, body, failure):
    reply = TimeStampResponse.load(_post(client, body).content)
    assert reply["status"]["status"].native == "rejection"
    assert failure in reply["status"]["fail_info"].native
    assert not reply["time_stamp_token"].native


def test_the_endpoint_wants_a_timestamp_query(client, ca):
    assert _post(client, b"x", content_type="text/plain").status_code == 415
    assert _post(client, b"").status_code == 400
    assert client.get("/signing/tsa/").status_code == 405


@pytest.mark.django_db(transaction=True)
def test_signatures_can_be_timestamped_over_http_by_the_service(
    live_server, settings, application, documents, certificate, key
):
    from signing.services import signature_complete, signature_prepare, signed_document_read
    from signing.verification import pdf_verify

    # given: the signing services use the HTTP TSA (here: this project's, on a live server)
    settings.SIGNING_TSA_URL = f"{live_server.url}/signing/tsa/"
    request = signature_prepare(application=application, document=documents[0])
    # when
    signed = signature_complete(
        application=application,
        request_id=request.pk,
        signature=key.sign(bytes(request.signed_attributes)),
    )
    # then
    reports = pdf_verify(signed_document_read(signed=signed))
    assert all(report.timestamp_valid and report.trusted for report in reports)
