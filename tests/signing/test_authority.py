"""The company CA: what init_ca makes, how keys are kept, investor certificates and the CRLs."""

from __future__ import annotations

import datetime

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from common.exceptions import BusinessError
from signing.authority import CRL_PATH, ca_init, certificate_of, company_key
from signing.models import CompanyKey, CompanyRole, RevocationReason
from signing.services import certificate_revoke

pytestmark = pytest.mark.django_db


def _extension(certificate: x509.Certificate, kind):
    return certificate.extensions.get_extension_for_class(kind)


def test_init_ca_makes_root_issuing_tsa_and_seal_chained(ca):
    root, issuing = certificate_of(ca["root"]), certificate_of(ca["issuing"])
    tsa, seal = certificate_of(ca["tsa"]), certificate_of(ca["seal"])
    assert root.issuer == root.subject
    root.verify_directly_issued_by(root)
    issuing.verify_directly_issued_by(root)
    tsa.verify_directly_issued_by(issuing)
    seal.verify_directly_issued_by(issuing)
    assert _extension(root, x509.BasicConstraints).value.path_length == 1
    assert _extension(issuing, x509.BasicConstraints).value.path_length == 0
    tsa_usage = _extension(tsa, x509.ExtendedKeyUsage)
    assert tsa_usage.critical and list(tsa_usage.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    assert _extension(seal, x509.KeyUsage).value.content_commitment
    assert root.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "测试期货"


def test_company_private_keys_are_stored_encrypted(ca):
    with connection.cursor() as cursor:
        cursor.execute("SELECT private_key FROM signing_companykey")
        stored = [row[0] for row in cursor.fetchall()]
    assert len(stored) == 4
    assert not any("PRIVATE KEY" in value for value in stored)
    assert "BEGIN PRIVATE KEY" in CompanyKey.objects.get(role="root").private_key


def test_init_ca_twice_is_refused_and_force_retires_the_old_keys(ca):
    with pytest.raises(BusinessError) as refused:
        ca_init(organisation="测试期货")
    assert refused.value.code == "ca_exists"
    ca_init(organisation="测试期货", force=True)
    assert CompanyKey.objects.filter(active=False).count() == 4
    assert company_key(CompanyRole.ROOT).pk != ca["root"].pk


def test_init_ca_command_reports_and_if_missing_keeps_the_ca(db, capsys):
    call_command("init_ca", organisation="命令期货")
    assert "根 CA" in capsys.readouterr().out
    call_command("init_ca", if_missing=True)
    assert "未做改动" in capsys.readouterr().out
    with pytest.raises(CommandError, match="--force"):
        call_command("init_ca")


def test_without_a_ca_signing_says_how_to_set_it_up(db):
    with pytest.raises(BusinessError, match="init_ca"):
        company_key(CompanyRole.ISSUING)


def test_investor_certificate_is_for_signing_with_the_client_as_subject(certificate, settings):
    issued = certificate_of(certificate)
    usage = _extension(issued, x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    assert not _extension(issued, x509.BasicConstraints).value.ca
    assert issued.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "张三"
    assert (
        issued.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "测试期货"
    )  # the issuing CA's organisation
    id_number = issued.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value
    assert id_number == certificate.client.id_number
    days = (issued.not_valid_after_utc - issued.not_valid_before_utc).days
    assert days == settings.SIGNING_CERTIFICATE_DAYS
    point = _extension(issued, x509.CRLDistributionPoints).value[0].full_name[0].value
    assert point.endswith("/signing/crl/issuing.crl")


def test_the_crl_path_in_certificates_is_the_one_served():
    for role in ("root", "issuing"):
        assert reverse("signing:crl", args=[role]) == CRL_PATH.format(role=role)


def test_a_revoked_certificate_appears_on_the_next_crl(client, certificate):
    # given
    before = x509.load_der_x509_crl(client.get("/signing/crl/issuing.crl").content)
    assert before.get_revoked_certificate_by_serial_number(int(certificate.serial, 16)) is None
    # when
    certificate_revoke(certificate=certificate, reason=RevocationReason.KEY_COMPROMISE)
    response = client.get("/signing/crl/issuing.crl")
    # then
    assert response["Content-Type"] == "application/pkix-crl"
    after = x509.load_der_x509_crl(response.content)
    entry = after.get_revoked_certificate_by_serial_number(int(certificate.serial, 16))
    assert entry is not None
    assert (
        entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
        == x509.ReasonFlags.key_compromise
    )
    assert after.is_signature_valid(certificate_of(company_key("issuing")).public_key())
    number = after.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    assert number > before.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    assert after.next_update_utc - after.last_update_utc > datetime.timedelta(days=6)


def test_crl_and_ca_certificate_endpoints_refuse_unknown_names(client, ca):
    assert client.get("/signing/crl/seal.crl").status_code == 404
    assert client.get("/signing/ca/nobody.pem").status_code == 404
    pem = client.get("/signing/ca/root.pem")
    assert pem.status_code == 200
    assert x509.load_pem_x509_certificate(pem.content) == certificate_of(ca["root"])
