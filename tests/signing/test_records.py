"""Signed documents for those entitled to them: the investor's own downloads, the staff's
(by role, agents by branch, each on the audit log), and the list of them that "my business" and
the review console show."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from flows.models import Application, ApplicationState, StepRecord
from flows.services import application_start
from signing.models import Certificate
from signing.services import certificate_challenge_issue, certificate_issue
from signing.stand_in import StandInKey
from staff.roles import Role
from tests.factories import BranchFactory, ClientFactory, staff_user

from .records import investor_log_in, signed_record

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7 the signed document"


@pytest.fixture
def signed(application, documents, certificate):
    return signed_record(
        application=application, document=documents[0], certificate=certificate, data=PDF
    )


def _investor_url(signed) -> str:
    return reverse(
        "signing:investor_signed", args=[signed.application.acceptance_number, signed.pk]
    )


def _staff_url(signed) -> str:
    return reverse("signing:staff_signed", args=[signed.application.acceptance_number, signed.pk])


def _certificate_again(application) -> Certificate:
    """Installing again after a new witness: a new certificate, the earlier one revoked as
    superseded."""
    StepRecord.objects.filter(application=application, kind="witness").update(
        completed_at=timezone.now()
    )
    key = StandInKey()
    challenge = certificate_challenge_issue(application=application)
    return certificate_issue(
        application=application,
        nonce=challenge.nonce,
        public_key_der=key.public_key_der(),
        signature=key.sign(challenge.message()),
    )


# --- the investor -------------------------------------------------------------------------------
def test_the_investor_downloads_their_signed_pdf_as_an_uncached_attachment(client, signed):
    # given
    investor_log_in(client, signed.application.client)
    # when
    response = client.get(_investor_url(signed))
    # then
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{signed.filename}"'
    assert "no-store" in response["Cache-Control"]


def test_another_investors_signed_pdf_is_not_found(client, signed):
    # given
    investor_log_in(client, ClientFactory())
    # when
    response = client.get(_investor_url(signed))
    # then
    assert response.status_code == 404


def test_a_signed_pdf_asked_under_another_business_is_not_found(client, signed):
    # given: the investor's own business number, but a document of another business
    Application.objects.filter(pk=signed.application.pk).update(state=ApplicationState.APPROVED)
    other = application_start(client=signed.application.client)
    investor_log_in(client, signed.application.client)
    # when
    response = client.get(
        reverse("signing:investor_signed", args=[other.acceptance_number, signed.pk])
    )
    # then
    assert response.status_code == 404


def test_without_an_investor_login_the_download_goes_to_the_login(client, signed):
    response = client.get(_investor_url(signed))
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:login")


# --- the staff ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "branch", "status"),
    [
        (Role.REVIEWER, None, 200),
        (Role.ADMINISTRATOR, None, 200),
        (Role.COMPLIANCE, None, 200),
        (Role.WITNESS_AGENT, "same", 200),
        (Role.WITNESS_AGENT, "other", 403),
        (Role.WITNESS_AGENT, None, 403),
        (Role.INTEGRATOR, None, 403),
        (None, None, 403),
    ],
)
def test_staff_downloads_follow_roles_and_the_agents_branch(client, signed, role, branch, status):
    # given
    branch = {"same": signed.application.client.branch, "other": BranchFactory(), None: None}[
        branch
    ]
    client.force_login(staff_user("someone", role, branch))
    # when
    response = client.get(_staff_url(signed))
    # then
    assert response.status_code == status
    if status == 200:
        assert response.content == PDF
        assert response["Content-Disposition"] == f'attachment; filename="{signed.filename}"'
        assert "no-store" in response["Cache-Control"]
    else:
        assert "无权访问" in response.content.decode()


def test_a_staff_download_is_on_the_audit_log_with_who_and_which_document(client, signed):
    # given
    reviewer = staff_user("reviewer", Role.REVIEWER)
    client.force_login(reviewer)
    # when
    client.get(_staff_url(signed))
    # then
    event = AuditEvent.objects.get(action="signed_document.download")
    assert event.actor == reviewer
    assert event.object_id == str(signed.application.pk)
    assert event.data["signed_document"] == signed.pk
    assert event.data["signed_sha256"] == signed.signed_sha256


def test_a_refused_staff_download_is_not_logged_as_a_download(client, signed):
    client.force_login(staff_user("agent", Role.WITNESS_AGENT, BranchFactory()))
    client.get(_staff_url(signed))
    assert not AuditEvent.objects.filter(action="signed_document.download").exists()


def test_anonymous_staff_downloads_go_to_the_staff_login(client, signed):
    response = client.get(_staff_url(signed))
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")


@pytest.mark.parametrize("what", ["application", "document"])
def test_staff_asking_for_an_unknown_business_or_document_get_404(client, signed, what):
    # given
    client.force_login(staff_user("reviewer", Role.REVIEWER))
    number, pk = signed.application.acceptance_number, signed.pk
    # when
    response = client.get(
        reverse(
            "signing:staff_signed",
            args=[
                "1300000000000000" if what == "application" else number,
                pk + 1000 if what == "document" else pk,
            ],
        )
    )
    # then
    assert response.status_code == 404


# --- my business and the review console ----------------------------------------------------------
def test_my_business_lists_the_signed_documents_with_their_record(client, signed):
    # given
    investor_log_in(client, signed.application.client)
    # when
    page = client.get(reverse("flows:my_business")).content.decode()
    # then
    assert f'href="{_investor_url(signed)}"' in page
    assert signed.title in page
    for value in (
        signed.content_sha256,
        signed.unsigned_sha256,
        signed.signed_sha256,
        signed.certificate.serial,
    ):
        assert value in page
    assert "/console/review/" not in page


def test_a_signature_whose_certificate_was_replaced_is_marked(
    client, application, documents, certificate
):
    # given: a document signed, the certificate installed again, the document signed again
    earlier = signed_record(
        application=application, document=documents[0], certificate=certificate, data=b"%PDF- first"
    )
    newer_certificate = _certificate_again(application)
    newer = signed_record(
        application=application,
        document=documents[0],
        certificate=newer_certificate,
        data=b"%PDF- second",
        signed_at=earlier.signed_at + datetime.timedelta(minutes=5),
    )
    investor_log_in(client, application.client)
    # when
    page = client.get(reverse("flows:my_business")).content.decode()
    # then: the newest signature first, the earlier one marked
    assert page.index(_investor_url(newer)) < page.index(_investor_url(earlier))
    assert page.count("重新安装证书后作废") == 1
    assert page.count("该文档已重新签署，此为旧版本") == 1


def test_the_review_console_links_the_staff_downloads(client, signed):
    # given
    Application.objects.filter(pk=signed.application.pk).update(state=ApplicationState.SUBMITTED)
    client.force_login(staff_user("reviewer", Role.REVIEWER))
    # when
    page = client.get(reverse("flows:review_console")).content.decode()
    # then
    assert f'href="{_staff_url(signed)}"' in page
    assert signed.signed_sha256 in page


# --- the admin screens ----------------------------------------------------------------------------
CERTIFICATES = "/cms/snippets/signing/certificate/"
SIGNED = "/cms/snippets/signing/signeddocument/"


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.COMPLIANCE])
def test_administrators_and_compliance_see_certificates_and_signed_documents(client, signed, role):
    # given
    client.force_login(staff_user("officer", role))
    # when
    home = client.get("/cms/").content.decode()
    certificates = client.get(CERTIFICATES)
    documents = client.get(SIGNED)
    # then
    for label in ("数字证书与签署", "投资者数字证书", "已签署文档"):
        assert json.dumps(label)[1:-1] in home, label  # the sidebar's JSON
    assert (
        certificates.status_code == 200
        and signed.certificate.serial in certificates.content.decode()
    )
    assert documents.status_code == 200 and signed.title in documents.content.decode()


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.WITNESS_AGENT, Role.INTEGRATOR])
def test_other_roles_do_not_reach_the_signing_screens(client, signed, role):
    client.force_login(staff_user("someone", role, BranchFactory()))
    assert client.get(CERTIFICATES).status_code in (302, 403)


@pytest.mark.parametrize("superuser", [False, True])
@pytest.mark.parametrize(
    ("screen", "action"),
    [
        (CERTIFICATES, "add/"),
        (CERTIFICATES, "edit/{certificate}/"),
        (CERTIFICATES, "delete/{certificate}/"),
        (SIGNED, "add/"),
        (SIGNED, "edit/{signed}/"),
        (SIGNED, "delete/{signed}/"),
    ],
)
def test_nobody_creates_edits_or_deletes_certificates_or_signatures(
    client, signed, superuser, screen, action
):
    # given
    user = staff_user("admin", Role.ADMINISTRATOR)
    user.is_superuser = superuser
    user.save()
    client.force_login(user)
    url = screen + action.format(certificate=signed.certificate.pk, signed=signed.pk)
    # when
    response = client.get(url)
    posted = client.post(url, {})
    # then
    assert response.status_code in (302, 403, 404)
    assert posted.status_code in (302, 403, 404)
    assert response.status_code != 302 or "/cms/" in response["Location"]
    assert Certificate.objects.filter(pk=signed.certificate.pk).exists()
    assert type(signed).objects.filter(pk=signed.pk).exists()


def test_the_inspect_screens_show_no_personal_data(client, signed):
    # given
    client.force_login(staff_user("admin", Role.ADMINISTRATOR))
    certificate, person = signed.certificate, signed.application.client
    # when
    pages = [
        client.get(f"{CERTIFICATES}inspect/{certificate.pk}/"),
        client.get(f"{SIGNED}inspect/{signed.pk}/"),
    ]
    # then
    for page in pages:
        assert page.status_code == 200
        text = page.content.decode()
        assert person.name not in text and person.id_number not in text
        assert "BEGIN CERTIFICATE" not in text
    assert certificate.serial in pages[0].content.decode()
    assert signed.signed_sha256 in pages[1].content.decode()


def test_the_inspect_screen_shows_times_in_beijing_time(client, signed):
    # given
    client.force_login(staff_user("admin", Role.ADMINISTRATOR))
    beijing = timezone.localtime(signed.signed_at)
    # when
    page = client.get(f"{SIGNED}inspect/{signed.pk}/").content.decode()
    # then
    assert f"{beijing.day}日 {beijing:%H:%M}" in page
