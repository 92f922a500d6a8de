"""CMS SignedData (RFC 5652) assembled from DER pieces, for the signatures the company makes many
times a second: timestamp tokens and the investor's finished signature.

pyHanko's generic path builds the same structures as asn1crypto objects and re-encodes them,
certificates included, at every level (`make bench`: 26 ms per timestamp token, three per
document, on a 2-page contract that renders in ~500 ms). Here the certificates are encoded once
per process (`CertPieces`), the few bytes that change (digests, times, the signature) are joined
to them, and the result is parsed once by asn1crypto for whoever needs an object; an object
loaded from bytes dumps those bytes as they are. What comes out is ordinary DER: the tests
validate it with pyHanko and poppler's pdfsig, and the TSA's answers with asn1crypto."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization

OID_DATA = "1.2.840.113549.1.7.1"
OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
OID_TST_INFO = "1.2.840.113549.1.9.16.1.4"
OID_CONTENT_TYPE = "1.2.840.113549.1.9.3"
OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
OID_SIGNING_CERTIFICATE_V2 = "1.2.840.113549.1.9.16.2.47"
OID_CMS_ALGORITHM_PROTECTION = "1.2.840.113549.1.9.52"
OID_SIGNATURE_TIME_STAMP = "1.2.840.113549.1.9.16.2.14"
OID_SHA256 = "2.16.840.1.101.3.4.2.1"
OID_ECDSA_SHA256 = "1.2.840.10045.4.3.2"


# --- DER primitives -----------------------------------------------------------------------------
def tlv(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content


def sequence(*parts: bytes) -> bytes:
    return tlv(0x30, b"".join(parts))


def set_of(*parts: bytes) -> bytes:
    """A SET OF in DER: its elements sorted by their encodings."""
    return tlv(0x31, b"".join(sorted(parts)))


def integer(value: int) -> bytes:
    length = value.bit_length() // 8 + 1  # room for the sign bit
    return tlv(0x02, value.to_bytes(length, "big", signed=True))


def octets(value: bytes) -> bytes:
    return tlv(0x04, value)


@functools.cache
def oid(dotted: str) -> bytes:
    numbers = [int(n) for n in dotted.split(".")]
    body = bytearray([40 * numbers[0] + numbers[1]])
    for number in numbers[2:]:
        chunk = [number & 0x7F]
        number >>= 7
        while number:
            chunk.append(0x80 | (number & 0x7F))
            number >>= 7
        body.extend(reversed(chunk))
    return tlv(0x06, bytes(body))


def implicit(number: int, der: bytes, *, constructed: bool = True) -> bytes:
    """`der` re-tagged [number] IMPLICIT (context class)."""
    return bytes([(0xA0 if constructed else 0x80) | number]) + der[1:]


def explicit(number: int, der: bytes) -> bytes:
    return tlv(0xA0 | number, der)


def attribute(type_oid: str, *values: bytes) -> bytes:
    return sequence(oid(type_oid), set_of(*values))


SHA256 = sequence(oid(OID_SHA256))
ECDSA_SHA256 = sequence(oid(OID_ECDSA_SHA256))


# --- the signer's certificate, encoded once -------------------------------------------------------
@dataclass(frozen=True)
class CertPieces:
    certificates: bytes  # [0] IMPLICIT SET OF Certificate: the signer's and its chain
    signer_id: bytes  # IssuerAndSerialNumber
    signing_certificate_v2: bytes  # the ESS attribute (RFC 5035) naming the signer's certificate


@functools.lru_cache(maxsize=32)
def cert_pieces(signer_der: bytes, chain_der: tuple[bytes, ...]) -> CertPieces:
    certificate = x509.load_der_x509_certificate(signer_der)
    issuer = certificate.issuer.public_bytes()
    serial = integer(certificate.serial_number)
    issuer_serial = sequence(sequence(tlv(0xA4, issuer)), serial)  # GeneralNames, serial
    ess_cert_id = sequence(octets(hashlib.sha256(signer_der).digest()), issuer_serial)
    unique = [signer_der, *(der for der in chain_der if der != signer_der)]
    return CertPieces(
        certificates=implicit(0, set_of(*unique)),
        signer_id=sequence(issuer, serial),
        signing_certificate_v2=attribute(
            OID_SIGNING_CERTIFICATE_V2, sequence(sequence(ess_cert_id))
        ),
    )


def pieces_of(certificate: x509.Certificate, chain: Sequence[x509.Certificate]) -> CertPieces:
    encode = serialization.Encoding.DER
    return cert_pieces(
        certificate.public_bytes(encode), tuple(c.public_bytes(encode) for c in chain)
    )


# --- SignedData ---------------------------------------------------------------------------------
def signed_attributes(*, content_type: str, message_digest: bytes, pieces: CertPieces) -> bytes:
    """The signed attributes (as the SET that is signed): content type, message digest, the
    signer's certificate (ESS v2) and the algorithm protection of RFC 6211."""
    protection = sequence(SHA256, implicit(1, ECDSA_SHA256))
    return set_of(
        attribute(OID_CONTENT_TYPE, oid(content_type)),
        attribute(OID_MESSAGE_DIGEST, octets(message_digest)),
        pieces.signing_certificate_v2,
        attribute(OID_CMS_ALGORITHM_PROTECTION, protection),
    )


def signed_data(
    *,
    content_type: str,
    content: bytes | None,
    signed_attrs: bytes,
    signature: bytes,
    pieces: CertPieces,
    unsigned_attrs: Sequence[bytes] = (),
) -> bytes:
    """ContentInfo(SignedData) with one ECDSA-SHA256 signer. `signed_attrs` is the DER SET that
    was signed; `content` is encapsulated when given (a timestamp's TSTInfo), else detached."""
    signer_info = [
        integer(1),
        pieces.signer_id,
        SHA256,
        implicit(0, signed_attrs),
        ECDSA_SHA256,
        octets(signature),
    ]
    if unsigned_attrs:
        signer_info.append(implicit(1, set_of(*unsigned_attrs)))
    encapsulated = [oid(content_type)]
    if content is not None:
        encapsulated.append(explicit(0, octets(content)))
    body = sequence(
        integer(1 if content_type == OID_DATA else 3),
        set_of(SHA256),
        sequence(*encapsulated),
        pieces.certificates,
        set_of(sequence(*signer_info)),
    )
    return sequence(oid(OID_SIGNED_DATA), explicit(0, body))


def sign_content(
    *,
    content_type: str,
    content: bytes,
    pieces: CertPieces,
    sign: Callable[[bytes], bytes],
    encapsulate: bool,
) -> bytes:
    """Sign `content` (ECDSA over SHA-256 of the signed attributes, done by `sign`)."""
    attrs = signed_attributes(
        content_type=content_type,
        message_digest=hashlib.sha256(content).digest(),
        pieces=pieces,
    )
    return signed_data(
        content_type=content_type,
        content=content if encapsulate else None,
        signed_attrs=attrs,
        signature=sign(attrs),
        pieces=pieces,
    )
