"""Where a company key lives and how it signs. Everything the company signs (certificates, CRLs,
timestamps, seals) goes through a `KeyHandle`, so a key kept encrypted in the database and a key
held in a PKCS#11 token (an HSM) are used by the same code.

Certificates and CRLs are built with `cryptography`, which can only sign with a key it holds; the
builders therefore sign with a throwaway key of the same type and `resign` replaces that signature
by one from the real key over the same to-be-signed bytes. The software path goes through it too,
so what the token path relies on is what the tests exercise."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.sign.signers import SimpleSigner
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore

from common.exceptions import BusinessError

CURVE = ec.SECP256R1()
ALGORITHM = ec.ECDSA(hashes.SHA256())


class KeyHandle(Protocol):
    def public_key(self) -> ec.EllipticCurvePublicKey: ...

    def sign(self, data: bytes) -> bytes:
        """ECDSA with SHA-256 over `data`, DER-encoded."""
        ...

    def pyhanko_signer(
        self, certificate: x509.Certificate, chain: list[x509.Certificate]
    ) -> Signer: ...


def as_asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _store(chain: list[x509.Certificate]) -> SimpleCertificateStore:
    return SimpleCertificateStore.from_certs([as_asn1(c) for c in chain])


@dataclass
class SoftwareKey:
    """A key kept in the database, encrypted with the data key (PKCS#8 PEM inside)."""

    pem: str

    @cached_property
    def _key(self) -> ec.EllipticCurvePrivateKey:
        key = serialization.load_pem_private_key(self.pem.encode(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise TypeError("company keys are ECDSA P-256")
        return key

    @classmethod
    def generate(cls) -> SoftwareKey:
        key = ec.generate_private_key(CURVE)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        return cls(pem)

    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self._key.public_key()

    def sign(self, data: bytes) -> bytes:
        return self._key.sign(data, ALGORITHM)

    def pyhanko_signer(self, certificate, chain) -> Signer:
        der = self._key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return SimpleSigner(
            signing_cert=as_asn1(certificate),
            signing_key=asn1_keys.PrivateKeyInfo.load(der),
            cert_registry=_store(chain),
        )


@dataclass
class TokenKey:
    """A key in a PKCS#11 token (settings.SIGNING_PKCS11: module, token, pin). It never leaves
    the token: signing happens there. Needs the `python-pkcs11` package (`pip install
    python-pkcs11`) and the vendor's PKCS#11 module; see docs/signing.md."""

    label: str

    def _session(self):
        try:
            import pkcs11
        except ImportError as error:  # pragma: no cover - depends on the deployment
            raise BusinessError(
                _("使用 PKCS#11 需要安装 python-pkcs11。"), code="pkcs11_missing"
            ) from error
        config = settings.SIGNING_PKCS11
        token = pkcs11.lib(config["module"]).get_token(token_label=config["token"])
        return token.open(user_pin=config["pin"], rw=True)

    @classmethod
    def generate(cls, label: str) -> TokenKey:
        import pkcs11
        from pkcs11.util.ec import encode_named_curve_parameters

        with cls(label)._session() as session:
            parameters = session.create_domain_parameters(
                pkcs11.KeyType.EC,
                {pkcs11.Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")},
                local=True,
            )
            parameters.generate_keypair(store=True, label=label)
        return cls(label)

    def public_key(self) -> ec.EllipticCurvePublicKey:
        import pkcs11
        from pkcs11.util.ec import encode_ec_public_key

        with self._session() as session:
            key = session.get_key(object_class=pkcs11.ObjectClass.PUBLIC_KEY, label=self.label)
            loaded = serialization.load_der_public_key(encode_ec_public_key(key))
        if not isinstance(loaded, ec.EllipticCurvePublicKey):
            raise TypeError("company keys are ECDSA P-256")
        return loaded

    def sign(self, data: bytes) -> bytes:
        import pkcs11
        from pkcs11.util.ec import encode_ecdsa_signature

        with self._session() as session:
            key = session.get_key(object_class=pkcs11.ObjectClass.PRIVATE_KEY, label=self.label)
            # Hash here, sign the digest in the token: plain CKM_ECDSA is what every token has
            # (SoftHSM2 lacks CKM_ECDSA_SHA256).
            raw = key.sign(hashlib.sha256(data).digest(), mechanism=pkcs11.Mechanism.ECDSA)
        return encode_ecdsa_signature(raw)

    def pyhanko_signer(self, certificate, chain) -> Signer:
        return _HandleSigner(self, certificate, chain)


class _HandleSigner(Signer):
    """A pyHanko signer that asks a KeyHandle for the signature (the token path)."""

    def __init__(self, handle: KeyHandle, certificate, chain):
        from asn1crypto import algos

        self._handle = handle
        super().__init__(
            signing_cert=as_asn1(certificate),
            cert_registry=_store(chain),
            signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": "sha256_ecdsa"}),
        )

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False) -> bytes:
        if dry_run:
            return bytes(72)
        return self._handle.sign(data)


def _resign(der: bytes, kind, tbs_field: str, signature_field: str, key: KeyHandle) -> bytes:
    """`der` (a certificate or CRL) with its signature replaced by `key`'s over the same
    to-be-signed part; the algorithm identifier stays (both keys are ECDSA P-256/SHA-256)."""
    parsed = kind.load(der)
    return kind(
        {
            tbs_field: parsed[tbs_field],
            "signature_algorithm": parsed["signature_algorithm"],
            signature_field: key.sign(parsed[tbs_field].dump()),
        }
    ).dump()


def resign_certificate(certificate: x509.Certificate, key: KeyHandle) -> x509.Certificate:
    der = certificate.public_bytes(serialization.Encoding.DER)
    return x509.load_der_x509_certificate(
        _resign(der, asn1_x509.Certificate, "tbs_certificate", "signature_value", key)
    )


def resign_crl(
    crl: x509.CertificateRevocationList, key: KeyHandle
) -> x509.CertificateRevocationList:
    der = crl.public_bytes(serialization.Encoding.DER)
    return x509.load_der_x509_crl(
        _resign(der, asn1_crl.CertificateList, "tbs_cert_list", "signature", key)
    )


def throwaway_key() -> ec.EllipticCurvePrivateKey:
    """The builders' placeholder signer; its signature is replaced by `resign_*`."""
    return ec.generate_private_key(CURVE)
