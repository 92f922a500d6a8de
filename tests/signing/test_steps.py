"""Steps 6 and 7 through the investor's URLs, with a key made in Python standing in for the
browser's WebCrypto key: the background actions (challenge, issue, reinstall; prepare, complete),
their refusals as JSON 400 {"message", "code"} and never a 500, "下一步" held until the
certificate exists and every document is signed, and the unsigned PDF preview."""

from __future__ import annotations

import base64
import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.utils import timezone

from flows.models import StepRecord
from signing.models import Certificate, CertificateChallenge, RevocationReason, SignedDocument
from signing.selectors import certificate_current, signed_documents_current
from signing.services import certificate_revoke
from signing.stand_in import StandInKey
from tests.factories import ClientFactory, published_document
from tests.flows.step_client import post_step
from tests.flows.test_engine import log_in, token

pytestmark = pytest.mark.django_db


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def base(application) -> str:
    return f"/business/{application.acceptance_number}"


def act(client, application, step: str, name: str, **fields):
    return client.post(f"{base(application)}/{step}/action/{name}/", fields)


def challenge(client, application) -> dict:
    response = act(client, application, "certificate", "challenge")
    assert response.status_code == 200, response.content
    return response.json()


def issue(client, application, key: StandInKey, answer: dict | None = None, to_sign=None):
    answer = answer or challenge(client, application)
    message = to_sign if to_sign is not None else base64.b64decode(answer["to_sign"])
    return act(
        client,
        application,
        "certificate",
        "issue",
        nonce=answer["nonce"],
        public_key=b64(key.public_key_der()),
        signature=b64(key.sign(message)),
    )


def next_step(client, url):
    return post_step(client, url, {"step_token": token(client, url), "action": "next"})


@pytest.fixture
def investor(client, application):
    return log_in(client, application.client)


@pytest.fixture
def at_sign_step(application, certificate):
    """The certificate installed and its step completed: the sign step is current."""
    StepRecord.objects.create(
        application=application,
        kind="certificate",
        version=1,
        completed_at=timezone.now(),
        data={"serial": certificate.serial},
    )
    return certificate


def prepare(client, application, document) -> dict:
    response = act(client, application, "sign", "prepare", document=document.pk)
    assert response.status_code == 200, response.content
    return response.json()


def complete(client, application, prepared: dict, key: StandInKey, to_sign: str | None = None):
    signature = key.sign(base64.b64decode(to_sign or prepared["to_sign"]))
    return act(
        client,
        application,
        "sign",
        "complete",
        request_id=prepared["request_id"],
        signature=b64(signature),
    )


# --- the certificate step -----------------------------------------------------------------


def test_the_certificate_page_needs_javascript_and_holds_next(client, application, investor):
    # when
    response = client.get(f"{base(application)}/certificate/")
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "<noscript>" in page and "signing/certificate.js" in page
    assert 'data-challenge-url="/business/' in page and 'data-serial=""' in page
    assert "安装证书" in page


def test_a_key_that_signs_the_challenge_gets_a_certificate_for_it(
    client, application, investor, key
):
    # when
    response = issue(client, application, key)
    # then
    assert response.status_code == 200, response.content
    answer = response.json()
    issued = x509.load_pem_x509_certificate(answer["certificate"].encode())
    assert f"{issued.serial_number:x}" == answer["serial"]
    assert (
        issued.public_key().public_bytes(
            serialization.Encoding.DER,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        == key.public_key_der()
    )
    assert certificate_current(application=application).serial == answer["serial"]
    assert answer["not_after"] and " 至 " in answer["validity"]


def test_the_challenge_is_bound_to_the_application(client, application, investor):
    # when
    answer = challenge(client, application)
    # then
    assert base64.b64decode(answer["to_sign"]) == (
        f"onboarding-certificate:{application.acceptance_number}:{answer['nonce']}".encode()
    )


def test_a_refused_proof_spends_the_challenge(client, application, investor, key):
    # given: a proof over the wrong bytes, refused
    answer = challenge(client, application)
    refused = issue(client, application, key, answer, to_sign=b"something else")
    # when: the same challenge again, with a good proof
    again = issue(client, application, key, answer)
    # then
    assert (refused.status_code, refused.json()["code"]) == (400, "bad_proof")
    assert refused.json()["message"] == "无法证明持有私钥，证书未签发，请重新安装。"
    assert (again.status_code, again.json()["code"]) == (400, "challenge_used")
    assert not Certificate.objects.exists()


def test_an_expired_challenge_is_refused(client, application, investor, key):
    # given
    answer = challenge(client, application)
    CertificateChallenge.objects.filter(nonce=answer["nonce"]).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    # when
    response = issue(client, application, key, answer)
    # then
    assert (response.status_code, response.json()["code"]) == (400, "challenge_expired")
    assert not Certificate.objects.exists()


def test_an_unknown_challenge_is_refused(client, application, investor, key):
    # when
    response = issue(client, application, key, {"nonce": "made-up", "to_sign": b64(b"x")})
    # then
    assert (response.status_code, response.json()["code"]) == (400, "challenge_unknown")


def test_a_key_that_is_not_p256_is_refused(client, application, investor):
    # given: a P-384 key
    other = StandInKey(private_key=ec.generate_private_key(ec.SECP384R1()))
    answer = challenge(client, application)
    # when
    response = act(
        client,
        application,
        "certificate",
        "issue",
        nonce=answer["nonce"],
        public_key=b64(other.public_key_der()),
        signature=b64(bytes(64)),
    )
    # then
    assert (response.status_code, response.json()["code"]) == (400, "bad_key")
    assert "P-256" in response.json()["message"]


@pytest.mark.parametrize(
    "field, value",
    [
        ("public_key", "not base64!"),
        ("signature", "@@@@"),
        ("public_key", ""),
        ("nonce", ""),
        ("signature", "x" * 5000),
    ],
)
def test_garbage_from_the_browser_is_a_clear_400(client, application, investor, key, field, value):
    # given
    answer = challenge(client, application)
    fields = {
        "nonce": answer["nonce"],
        "public_key": b64(key.public_key_der()),
        "signature": b64(key.sign(base64.b64decode(answer["to_sign"]))),
        field: value,
    }
    # when
    response = act(client, application, "certificate", "issue", **fields)
    # then
    assert response.status_code == 400
    assert (response.json()["code"], field in response.json()["message"]) == ("bad_request", True)
    assert not Certificate.objects.exists()


def test_a_signature_that_is_not_r_and_s_is_refused(client, application, investor, key):
    # given
    answer = challenge(client, application)
    # when
    response = act(
        client,
        application,
        "certificate",
        "issue",
        nonce=answer["nonce"],
        public_key=b64(key.public_key_der()),
        signature=b64(bytes(70)),
    )
    # then
    assert (response.status_code, response.json()["code"]) == (400, "bad_signature_format")


def test_with_a_certificate_installing_again_needs_the_reinstall(
    client, application, investor, certificate
):
    # when
    response = act(client, application, "certificate", "challenge")
    # then
    assert (response.status_code, response.json()["code"]) == (400, "certificate_exists")
    assert "重新安装" in response.json()["message"]


def test_a_certificate_revoked_without_a_new_witness_is_not_replaced_quietly(
    client, application, investor, certificate
):
    # given: the certificate revoked by something else than "重新安装"
    certificate_revoke(certificate=certificate, reason=RevocationReason.KEY_COMPROMISE)
    # when
    response = act(client, application, "certificate", "challenge")
    page = client.get(f"{base(application)}/certificate/").content.decode()
    # then
    assert (response.status_code, response.json()["code"]) == (400, "certificate_exists")
    assert "本业务签发的数字证书已失效" in page


def test_reinstalling_revokes_the_certificate_and_reopens_the_witness(
    client, application, investor, certificate
):
    # when
    response = act(client, application, "certificate", "reinstall")
    # then
    assert response.status_code == 200
    assert response.json()["redirect"] == f"{base(application)}/"
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert certificate.revocation_reason == RevocationReason.SUPERSEDED
    assert certificate_current(application=application) is None
    assert client.get(f"{base(application)}/").url == f"{base(application)}/witness/"
    witness = StepRecord.objects.get(application=application, kind="witness")
    assert witness.completed_at is None


def test_after_a_new_witness_the_certificate_can_be_installed_again(
    client, application, investor, certificate
):
    # given: installed again, and witnessed again
    act(client, application, "certificate", "reinstall")
    StepRecord.objects.filter(application=application, kind="witness").update(
        completed_at=timezone.now()
    )
    # when
    response = issue(client, application, StandInKey())
    # then
    assert response.status_code == 200, response.content
    assert certificate_current(application=application).serial == response.json()["serial"]
    assert response.json()["serial"] != certificate.serial


def test_reinstalling_before_any_certificate_needs_no_witness(client, application, investor):
    # when
    response = act(client, application, "certificate", "reinstall")
    # then
    assert response.json()["redirect"] == f"{base(application)}/certificate/"
    assert StepRecord.objects.get(application=application, kind="witness").completed_at


def test_next_is_refused_until_a_certificate_is_installed(client, application, investor, key):
    # given
    url = f"{base(application)}/certificate/"
    refused = next_step(client, url)
    # when
    serial = issue(client, application, key).json()["serial"]
    accepted = next_step(client, url)
    # then
    assert refused.status_code == 400 and "请先安装数字证书" in refused.content.decode()
    assert accepted.status_code == 302
    record = StepRecord.objects.get(application=application, kind="certificate")
    assert record.is_complete and record.data == {"serial": serial}
    assert client.get(f"{base(application)}/").url == f"{base(application)}/sign/"


def test_an_unknown_action_is_not_found(client, application, investor):
    assert act(client, application, "certificate", "export_key").status_code == 404


# --- the sign step ------------------------------------------------------------------------


def test_the_sign_page_lists_each_document_with_its_preview(
    client, application, investor, documents, at_sign_step
):
    # when
    page = client.get(f"{base(application)}/sign/").content.decode()
    # then
    assert f'data-serial="{at_sign_step.serial}"' in page
    for document in documents:
        assert f"/documents/{document.pk}/preview.pdf" in page
    assert page.count("未签署") == 2 and "签署全部协议" in page


def test_each_document_is_signed_with_the_browsers_key_and_sealed(
    client, application, investor, documents, at_sign_step, key
):
    # given
    prepared = prepare(client, application, documents[0])
    # when
    response = complete(client, application, prepared, key)
    # then
    assert prepared["serial"] == at_sign_step.serial
    assert response.status_code == 200, response.content
    answer = response.json()
    signed = SignedDocument.objects.get()
    assert answer["document"] == documents[0].pk and answer["signed"] is True
    assert answer["sha256"] == signed.signed_sha256
    assert list(signed_documents_current(application=application)) == [documents[0].pk]
    download = client.get(answer["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"


def test_a_signature_for_one_document_does_not_sign_another(
    client, application, investor, documents, at_sign_step, key
):
    # given: both documents prepared
    first = prepare(client, application, documents[0])
    second = prepare(client, application, documents[1])
    # when: the first one's signature sent for the second request
    response = complete(client, application, second, key, to_sign=first["to_sign"])
    # then
    assert (response.status_code, response.json()["code"]) == (400, "bad_signature")
    assert not SignedDocument.objects.exists()
    assert signed_documents_current(application=application) == {}


def test_a_revoked_certificate_cannot_complete_a_signature(
    client, application, investor, documents, at_sign_step, key
):
    # given
    prepared = prepare(client, application, documents[0])
    certificate_revoke(certificate=at_sign_step, reason=RevocationReason.KEY_COMPROMISE)
    # when
    response = complete(client, application, prepared, key)
    # then
    assert (response.status_code, response.json()["code"]) == (400, "certificate_revoked")
    assert not SignedDocument.objects.exists()


def test_a_request_cannot_be_completed_twice(
    client, application, investor, documents, at_sign_step, key
):
    # given
    prepared = prepare(client, application, documents[0])
    complete(client, application, prepared, key)
    # when
    response = complete(client, application, prepared, key)
    # then
    assert (response.status_code, response.json()["code"]) == (400, "request_used")
    assert SignedDocument.objects.count() == 1


def test_a_signed_document_is_not_prepared_again(
    client, application, investor, documents, at_sign_step, key
):
    # given
    complete(client, application, prepare(client, application, documents[0]), key)
    # when
    response = act(client, application, "sign", "prepare", document=documents[0].pk)
    # then
    assert (response.status_code, response.json()["code"]) == (400, "already_signed")


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"document": "abc"}, "bad_request"),
        ({}, "bad_request"),
        ({"document": "999999"}, "unknown_document"),
    ],
)
def test_prepare_refuses_what_is_not_a_document_of_the_step(
    client, application, investor, at_sign_step, fields, code
):
    # when
    response = act(client, application, "sign", "prepare", **fields)
    # then
    assert (response.status_code, response.json()["code"]) == (400, code)


def test_a_document_outside_the_step_is_not_signed(client, application, investor, at_sign_step):
    # given: a published document the flow does not ask to sign
    other = published_document(kind="contract", title="其他合同")
    # when
    response = act(client, application, "sign", "prepare", document=other.pk)
    # then
    assert (response.status_code, response.json()["code"]) == (400, "unknown_document")
    assert response.json()["message"] == "该文档不属于本步骤，不能签署。"


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"request_id": "1", "signature": "%%%"}, "bad_request"),
        ({"request_id": "x", "signature": b64(bytes(64))}, "bad_request"),
        ({"request_id": "424242", "signature": b64(bytes(64))}, "request_unknown"),
        ({"request_id": "1", "signature": b64(bytes(10))}, "bad_signature_format"),
    ],
)
def test_complete_refuses_garbage_with_a_clear_400(
    client, application, investor, at_sign_step, fields, code
):
    # when
    response = act(client, application, "sign", "complete", **fields)
    # then
    assert (response.status_code, response.json()["code"]) == (400, code)
    assert response.json()["message"]


def test_next_names_the_unsigned_documents_until_all_are_signed(
    client, application, investor, documents, at_sign_step, key
):
    # given
    url = f"{base(application)}/sign/"
    complete(client, application, prepare(client, application, documents[0]), key)
    refused = next_step(client, url)
    # when
    complete(client, application, prepare(client, application, documents[1]), key)
    accepted = next_step(client, url)
    # then
    assert refused.status_code == 400
    assert "<li>以下协议尚未签署：《期货交易风险说明书》</li>" in refused.content.decode()
    assert accepted.status_code == 302
    record = StepRecord.objects.get(application=application, kind="sign")
    assert record.is_complete
    assert set(record.evidence["signatures"]) == {str(d.pk) for d in documents}


def test_signing_locks_the_certificate_step(
    client, application, investor, documents, at_sign_step, key
):
    # given: everything signed, "下一步"
    for document in documents:
        complete(client, application, prepare(client, application, document), key)
    next_step(client, f"{base(application)}/sign/")
    # when
    response = act(client, application, "certificate", "reinstall")
    # then: refused with the reason, the certificate kept
    assert response.status_code == 400
    assert response.json()["code"] == "step_locked"
    assert certificate_current(application=application) == at_sign_step


def test_reinstalling_from_the_sign_step_reopens_the_witness(
    client, application, investor, at_sign_step
):
    # when
    response = act(client, application, "sign", "reinstall")
    # then
    assert response.json()["redirect"] == f"{base(application)}/"
    assert client.get(f"{base(application)}/").url == f"{base(application)}/witness/"
    assert certificate_current(application=application) is None


# --- the unsigned PDF -----------------------------------------------------------------------


def test_the_investor_previews_a_document_of_the_sign_step(
    client, application, investor, documents
):
    # when
    response = client.get(f"{base(application)}/documents/{documents[0].pk}/preview.pdf")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith("inline;")
    assert response.content.startswith(b"%PDF-")


def test_another_investors_document_is_not_found(client, application, documents):
    # given
    log_in(client, ClientFactory())
    # when
    response = client.get(f"{base(application)}/documents/{documents[0].pk}/preview.pdf")
    # then
    assert response.status_code == 404


def test_a_document_outside_the_sign_step_is_not_previewed(client, application, investor):
    # given
    other = published_document(kind="contract", title="其他合同")
    # when
    response = client.get(f"{base(application)}/documents/{other.pk}/preview.pdf")
    # then
    assert response.status_code == 404


def test_the_preview_needs_an_investor_login(client, application, documents):
    response = client.get(f"{base(application)}/documents/{documents[0].pk}/preview.pdf")
    assert response.status_code == 302 and response.url == "/investor/login/"
