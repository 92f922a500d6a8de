"""The company's certificate authority: a root CA, an issuing CA under it, and under the issuing
CA the timestamp authority's and the company seal's certificates. Investors' certificates come
from the issuing CA. Every certificate names a CRL distribution point on this site; the CRLs are
signed on demand and reused until they near their next update or a certificate is revoked."""

from __future__ import annotations

import datetime
from functools import lru_cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import BusinessError
from common.locking import lock

from .keys import KeyHandle, SoftwareKey, TokenKey, resign_certificate, resign_crl, throwaway_key
from .models import Certificate, CompanyKey, CompanyRole

ROOT_YEARS, ISSUING_YEARS, SERVICE_YEARS = 20, 10, 5
CRL_VALID = datetime.timedelta(days=7)
CRL_REFRESH = datetime.timedelta(days=1)  # sign a new CRL when the old one has less left
SIGNATURE_KEY_USAGE = x509.KeyUsage(
    digital_signature=True,
    content_commitment=True,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=False,
    crl_sign=False,
    encipher_only=False,
    decipher_only=False,
)
CA_KEY_USAGE = x509.KeyUsage(
    digital_signature=False,
    content_commitment=False,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=True,
    crl_sign=True,
    encipher_only=False,
    decipher_only=False,
)


# --- reading the company's keys ---------------------------------------------------------------
def company_key(role: str) -> CompanyKey:
    key = CompanyKey.objects.filter(role=role, active=True).first()
    if key is None:
        raise BusinessError(
            _("数字证书服务尚未初始化，请联系管理员运行 manage.py init_ca。"), code="ca_missing"
        )
    return key


@lru_cache(maxsize=64)
def _load_certificate(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode())


def certificate_of(key: CompanyKey | Certificate) -> x509.Certificate:
    return _load_certificate(key.certificate_pem)


def key_handle(key: CompanyKey) -> KeyHandle:
    return TokenKey(key.token_label) if key.token_label else SoftwareKey(key.private_key)


def company_certificates(*roles: str) -> list[x509.Certificate]:
    """The active certificates of these roles, in that order, in one query that reads neither
    the private keys (an encrypted field decrypted on load) nor the CRLs."""
    pems = dict(
        CompanyKey.objects.filter(role__in=roles, active=True).values_list(
            "role", "certificate_pem"
        )
    )
    if len(pems) != len(set(roles)):
        company_key(next(role for role in roles if role not in pems))  # raises ca_missing
    return [_load_certificate(pems[role]) for role in roles]


def company_chain() -> list[x509.Certificate]:
    """The issuing CA then the root: what a signature embeds to let a validator build its path."""
    return company_certificates(CompanyRole.ISSUING, CompanyRole.ROOT)


def trust_root() -> x509.Certificate:
    return company_certificates(CompanyRole.ROOT)[0]


# Written into every certificate for its lifetime: a constant, not whatever urls.py says later
# (tests/signing/test_authority.py checks that urls.py serves it).
CRL_PATH = "/signing/crl/{role}.crl"


def crl_url(role: str) -> str:
    return settings.SITE_URL.rstrip("/") + CRL_PATH.format(role=role)


# --- creating the CA ----------------------------------------------------------------------------
def _name(organisation: str, common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _builder(
    *,
    subject: x509.Name,
    issuer: x509.Certificate | None,
    public_key,
    issuer_public_key,
    not_after: datetime.datetime,
) -> x509.CertificateBuilder:
    now = timezone.now()
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject if issuer else subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public_key), critical=False
        )
    )


def _crl_point(role: str) -> x509.CRLDistributionPoints:
    return x509.CRLDistributionPoints(
        [
            x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(crl_url(role))],
                relative_name=None,
                reasons=None,
                crl_issuer=None,
            )
        ]
    )


def _years(years: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=365 * years)


def _new_key(role: str) -> tuple[KeyHandle, dict]:
    if getattr(settings, "SIGNING_PKCS11", None):
        label = f"onboarding-{role}-{timezone.now():%Y%m%d%H%M%S}"
        return TokenKey.generate(label), {"token_label": label}
    software = SoftwareKey.generate()
    return software, {"private_key": software.pem}


def ca_init(*, organisation: str, force: bool = False) -> dict[str, CompanyKey]:
    """Create the root, issuing, TSA and seal keys and certificates. An existing CA is kept
    unless `force`: then its rows are retired (kept for the record), not deleted."""
    with transaction.atomic():
        existing = CompanyKey.objects.select_for_update().filter(active=True)
        if existing.exists():
            if not force:
                raise BusinessError(_("CA 已存在；要重新创建请加 --force。"), code="ca_exists")
            existing.update(active=False)
        root_key, root_store = _new_key(CompanyRole.ROOT)
        root_name = _name(organisation, f"{organisation} 根证书")
        root = (
            _builder(
                subject=root_name,
                issuer=None,
                public_key=root_key.public_key(),
                issuer_public_key=root_key.public_key(),
                not_after=_years(ROOT_YEARS),
            )
            .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
            .add_extension(CA_KEY_USAGE, critical=True)
        )
        root_cert = resign_certificate(root.sign(throwaway_key(), hashes.SHA256()), root_key)
        issuing_key, issuing_store = _new_key(CompanyRole.ISSUING)
        issuing = (
            _builder(
                subject=_name(organisation, f"{organisation} 签发 CA"),
                issuer=root_cert,
                public_key=issuing_key.public_key(),
                issuer_public_key=root_key.public_key(),
                not_after=_years(ISSUING_YEARS),
            )
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(CA_KEY_USAGE, critical=True)
            .add_extension(_crl_point(CompanyRole.ROOT), critical=False)
        )
        issuing_cert = resign_certificate(issuing.sign(throwaway_key(), hashes.SHA256()), root_key)
        created = {
            CompanyRole.ROOT: _save(CompanyRole.ROOT, root_cert, root_store),
            CompanyRole.ISSUING: _save(CompanyRole.ISSUING, issuing_cert, issuing_store),
        }
        for role, common_name, extended in (
            (CompanyRole.TSA, f"{organisation} 时间戳服务", [ExtendedKeyUsageOID.TIME_STAMPING]),
            (CompanyRole.SEAL, f"{organisation} 电子印章", None),
        ):
            service_key, store = _new_key(role)
            certificate = _issue(
                subject=_name(organisation, common_name),
                public_key=service_key.public_key(),
                not_after=_years(SERVICE_YEARS),
                extended_usage=extended,
                issuer_cert=issuing_cert,
                issuer_key=issuing_key,
            )
            created[role] = _save(role, certificate, store)
    return created


def _save(role: str, certificate: x509.Certificate, store: dict) -> CompanyKey:
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode()
    return CompanyKey.objects.create(role=role, certificate_pem=pem, **store)


def _issue(
    *,
    subject: x509.Name,
    public_key,
    not_after: datetime.datetime,
    issuer_cert: x509.Certificate,
    issuer_key: KeyHandle,
    extended_usage: list | None = None,
) -> x509.Certificate:
    builder = (
        _builder(
            subject=subject,
            issuer=issuer_cert,
            public_key=public_key,
            issuer_public_key=issuer_key.public_key(),
            not_after=not_after,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(SIGNATURE_KEY_USAGE, critical=True)
        .add_extension(_crl_point(CompanyRole.ISSUING), critical=False)
    )
    if extended_usage:
        builder = builder.add_extension(x509.ExtendedKeyUsage(extended_usage), critical=True)
    return resign_certificate(builder.sign(throwaway_key(), hashes.SHA256()), issuer_key)


def investor_certificate_build(
    *, subject: x509.Name, public_key: ec.EllipticCurvePublicKey
) -> x509.Certificate:
    """An investor's signing certificate (digitalSignature + nonRepudiation) from the issuing
    CA, valid for settings.SIGNING_CERTIFICATE_DAYS."""
    issuing = company_key(CompanyRole.ISSUING)
    not_after = timezone.now() + datetime.timedelta(days=settings.SIGNING_CERTIFICATE_DAYS)
    issuer_cert = certificate_of(issuing)
    return _issue(
        subject=subject,
        public_key=public_key,
        not_after=min(not_after, issuer_cert.not_valid_after_utc),
        issuer_cert=issuer_cert,
        issuer_key=key_handle(issuing),
    )


# --- revocation lists ---------------------------------------------------------------------------
def crl_current(role: str) -> x509.CertificateRevocationList:
    """The CA's current CRL: the issuing CA lists the revoked investor certificates; the root's
    is empty until an issuing CA is withdrawn."""
    if role not in (CompanyRole.ROOT, CompanyRole.ISSUING):
        raise BusinessError(_("没有这个吊销列表。"), code="crl_unknown")
    now = timezone.now()
    ca = company_key(role)
    if ca.crl_der and ca.crl_next_update and ca.crl_next_update - now > CRL_REFRESH:
        return x509.load_der_x509_crl(bytes(ca.crl_der))
    with transaction.atomic():
        ca = lock(CompanyKey, pk=ca.pk)
        if ca.crl_der and ca.crl_next_update and ca.crl_next_update - now > CRL_REFRESH:
            return x509.load_der_x509_crl(bytes(ca.crl_der))
        crl = _crl_sign(ca, now)
        ca.crl_number += 1
        ca.crl_der = crl.public_bytes(serialization.Encoding.DER)
        ca.crl_next_update = crl.next_update_utc
        ca.save(update_fields=["crl_number", "crl_der", "crl_next_update"])
    return crl


def crl_expire(role: str = CompanyRole.ISSUING) -> None:
    """Forget the cached CRL: the next request signs one that lists a new revocation."""
    CompanyKey.objects.filter(role=role, active=True).update(crl_der=None, crl_next_update=None)


def _crl_sign(ca: CompanyKey, now: datetime.datetime) -> x509.CertificateRevocationList:
    handle = key_handle(ca)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(certificate_of(ca).subject)
        .last_update(now - datetime.timedelta(minutes=1))
        .next_update(now + CRL_VALID)
        .add_extension(x509.CRLNumber(ca.crl_number + 1), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(handle.public_key()), critical=False
        )
    )
    for serial, revoked_at, reason in _revoked(ca):
        entry = x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(revoked_at)
        if reason is not None:
            entry = entry.add_extension(x509.CRLReason(reason), critical=False)
        builder = builder.add_revoked_certificate(entry.build())
    return resign_crl(builder.sign(throwaway_key(), hashes.SHA256()), handle)


_REASONS = {
    "superseded": x509.ReasonFlags.superseded,
    "key_compromise": x509.ReasonFlags.key_compromise,
    "cessation_of_operation": x509.ReasonFlags.cessation_of_operation,
}


def _revoked(ca: CompanyKey):
    """(serial, when, reason) of the investor certificates this CA issued and withdrew, while
    they are unexpired (RFC 5280 lets a CRL drop expired ones). Everything issued since this
    issuing CA was made came from it: only one is active at a time. (A CA made again with
    `init_ca --force` has a new root, which does not trust what the old one issued.)"""
    if ca.role != CompanyRole.ISSUING:
        return
    withdrawn = Certificate.objects.filter(
        revoked_at__isnull=False,
        created_at__gte=ca.created_at,
        not_after__gte=timezone.now(),
    ).values_list("serial", "revoked_at", "revocation_reason")
    for serial, revoked_at, reason in withdrawn:
        yield int(serial, 16), revoked_at, _REASONS.get(reason)
