"""The integrator API of the signing capability: verify a PDF, list an application's signed
documents, download one."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from api.scopes import Scope
from audit.models import AuditEvent
from signing.verification import SignatureReport
from staff.models import IntegratorKey
from staff.roles import Role
from tests.factories import staff_user

from .records import blank_pdf, byte_changed, company_ca_restore, signed_record, signed_snapshot

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7 the signed document"
VERIFY = "/api/v1/signatures/verify/"


@pytest.fixture(scope="module")
def snapshot(django_db_setup, django_db_blocker):
    return signed_snapshot(django_db_blocker)


@pytest.fixture
def integrator():
    return staff_user("app", Role.INTEGRATOR)


@pytest.fixture
def api_key(integrator) -> str:
    _, key = IntegratorKey.objects.create_key(
        name="app", owner=integrator, scopes=[Scope.DOCUMENTS_READ]
    )
    return key


def auth(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Api-Key {key}"}


@pytest.fixture
def signed(application, documents, certificate):
    return signed_record(
        application=application, document=documents[0], certificate=certificate, data=PDF
    )


def _list_url(number: str) -> str:
    return f"/api/v1/applications/{number}/signed-documents/"


def _file_url(number: str, pk: int) -> str:
    return f"/api/v1/applications/{number}/signed-documents/{pk}/file/"


# --- authentication -----------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["list", "file", "verify"])
def test_every_endpoint_needs_an_integrator_key(client, signed, method):
    # when
    number = signed.application.acceptance_number
    response = {
        "list": lambda: client.get(_list_url(number)),
        "file": lambda: client.get(_file_url(number, signed.pk)),
        "verify": lambda: client.post(VERIFY, {}),
    }[method]()
    # then
    assert response.status_code == 401
    assert set(response.json()) == {"message", "code", "fields"}


def test_staff_without_the_integrator_role_are_forbidden(client, signed):
    client.force_login(staff_user("reviewer", Role.REVIEWER))
    response = client.get(_list_url(signed.application.acceptance_number))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


# --- signed documents -----------------------------------------------------------------------------
def test_the_list_gives_each_signed_documents_record_and_download_url(client, api_key, signed):
    # when
    response = client.get(_list_url(signed.application.acceptance_number), **auth(api_key))
    # then
    assert response.status_code == 200
    [record] = response.json()
    assert record["id"] == signed.pk
    assert record["title"] == signed.title
    assert record["document_code"] == signed.document.code
    assert record["revision_id"] == signed.revision_id
    assert record["content_sha256"] == signed.content_sha256
    assert record["unsigned_sha256"] == signed.unsigned_sha256
    assert record["signed_sha256"] == signed.signed_sha256
    assert record["certificate_serial"] == signed.certificate.serial
    assert record["certificate_revoked_at"] is None
    assert record["filename"] == signed.filename
    assert record["signed_at"].endswith("+08:00")
    assert record["download_url"] == "http://testserver" + _file_url(
        signed.application.acceptance_number, signed.pk
    )


def test_the_file_is_the_pdf_and_its_download_is_audited(client, api_key, integrator, signed):
    # when
    response = client.get(
        _file_url(signed.application.acceptance_number, signed.pk), **auth(api_key)
    )
    # then
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{signed.filename}"'
    event = AuditEvent.objects.get(action="signed_document.download")
    assert event.actor == integrator
    assert event.data["signed_document"] == signed.pk and event.data["via"] == "api"


def test_a_client_accepting_only_pdf_gets_the_pdf(client, api_key, signed):
    response = client.get(
        _file_url(signed.application.acceptance_number, signed.pk),
        HTTP_ACCEPT="application/pdf",
        **auth(api_key),
    )
    assert response.status_code == 200
    assert response.content == PDF


@pytest.mark.parametrize(
    ("what", "accept"),
    [
        ("list", "application/json"),
        ("file", "application/json"),
        ("file", "application/pdf"),
        ("document", "application/json"),
        ("document", "application/pdf"),
    ],
)
def test_unknown_applications_and_documents_are_a_structured_404(
    client, api_key, signed, what, accept
):
    # given
    number = signed.application.acceptance_number
    url = {
        "list": _list_url("1300000000000000"),
        "file": _file_url("1300000000000000", signed.pk),
        "document": _file_url(number, signed.pk + 1000),
    }[what]
    # when
    response = client.get(url, HTTP_ACCEPT=accept, **auth(api_key))
    # then
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"message", "code", "fields"}
    assert body["code"] == "not_found"
    assert body["message"].startswith("业务不存在" if what != "document" else "签署文档不存在")
    assert not AuditEvent.objects.filter(action="signed_document.download").exists()


def bearer(client_record) -> dict:
    from api.tokens import investor_token_issue

    issued = investor_token_issue(client=client_record, issuer=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.token}"}


def test_the_investors_token_lists_and_downloads_their_own_signed_pdfs(client, signed):
    # given
    number = signed.application.acceptance_number
    investor = bearer(signed.application.client)
    # when
    listed = client.get(_list_url(number), **investor)
    downloaded = client.get(listed.json()[0]["download_url"], **investor)
    # then
    assert listed.status_code == 200 and listed.json()[0]["id"] == signed.pk
    assert downloaded.status_code == 200 and downloaded.content == PDF
    event = AuditEvent.objects.get(action="signed_document.download")
    assert event.actor is None
    assert event.actor_label == f"investor:{signed.application.client_id}"


@pytest.mark.parametrize("what", ["list", "file"])
def test_another_investors_signed_pdfs_are_not_found_for_a_token(client, signed, what):
    # given: a token of another investor
    from tests.factories import ClientFactory

    number = signed.application.acceptance_number
    url = _list_url(number) if what == "list" else _file_url(number, signed.pk)
    # when
    response = client.get(url, **bearer(ClientFactory()))
    # then
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not AuditEvent.objects.filter(action="signed_document.download").exists()


# --- verify ---------------------------------------------------------------------------------------
def _verify(client, key: str, data: bytes | None):
    payload = (
        {"file": SimpleUploadedFile("a.pdf", data, "application/pdf")} if data is not None else {}
    )
    return client.post(VERIFY, payload, **auth(key))


def test_verify_reports_every_signature_of_a_company_pdf_as_valid(client, api_key, snapshot):
    # given
    company_ca_restore(snapshot)
    # when
    response = _verify(client, api_key, snapshot.pdf)
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["all_valid"] is True
    assert [s["field"] for s in body["signatures"]] == ["InvestorSignature", "CompanySeal"]
    assert set(body["signatures"][0]) == set(SignatureReport.__dataclass_fields__)
    assert body["signatures"][0]["serial"] == snapshot.certificate_serial


def test_verify_of_a_modified_pdf_is_not_all_valid(client, api_key, snapshot):
    company_ca_restore(snapshot)
    body = _verify(client, api_key, byte_changed(snapshot.pdf)).json()
    assert body["all_valid"] is False
    assert not body["signatures"][0]["intact"]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (None, "empty"),
        (b"not a pdf", "not_pdf"),
        (blank_pdf(), "unsigned"),
    ],
)
def test_verify_refuses_what_is_not_a_signed_pdf_with_a_structured_400(
    client, api_key, snapshot, data, code
):
    company_ca_restore(snapshot)
    response = _verify(client, api_key, data)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert set(response.json()) == {"message", "code", "fields"}


def test_the_schema_documents_the_signing_endpoints(client):
    schema = client.get("/api/schema/?format=json").json()
    assert "/api/v1/signatures/verify/" in schema["paths"]
    files = schema["paths"]["/api/v1/applications/{acceptance_number}/signed-documents/{id}/file/"]
    assert "application/pdf" in files["get"]["responses"]["200"]["content"]
    verify = schema["paths"]["/api/v1/signatures/verify/"]["post"]
    assert "multipart/form-data" in verify["requestBody"]["content"]
